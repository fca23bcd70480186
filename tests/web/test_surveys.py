"""Answering surveys as a family would: start, questions, back and change, check, send, reuse."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.moderation import Comment
from app.models.surveys import InvitationStatus, SurveyAnswer, SurveyDraft, SurveyResponse
from app.services import survey_definitions
from app.surveys import responses

from ..factories import create_invitation
from ..helpers import EHCP_ANSWERS, answer, answer_all, error_messages, invitation_row, open_link, post_form
from ..pages import check_page_structure

pytestmark = pytest.mark.commits


@pytest.fixture(autouse=True)
def _context(app):
    """An app context for reading the database between requests."""
    with app.app_context():
        yield


REFERENCE_RE = re.compile(r"^[ACDEFGHJKMNPQRTUVWXY34679]{8}$")
FEEDBACK = "local-offer-feedback"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def stored_responses() -> list[SurveyResponse]:
    db.session.expire_all()
    return list(db.session.scalars(select(SurveyResponse)))


def send(client, survey_id: str):
    return post_form(client, f"/survey/{survey_id}/check")


def test_open_survey_from_start_to_confirmation(app, client, get_page):
    start = get_page(f"/survey/{FEEDBACK}")
    text = start.text()
    for expected in ("How long it takes", "It takes about 4 minutes", "Your answers are anonymous", "How we use"):
        assert expected in text
    first = start.select("a.govuk-button--start")[0]["href"]
    assert first == f"/survey/{FEEDBACK}/questions/about_you"
    question = get_page(first)
    assert question.h1 == "Which of these best describes you?"
    assert question.select(".govuk-back-link")[0]["href"] == f"/survey/{FEEDBACK}"

    answer_all(
        client,
        FEEDBACK,
        [
            ("about_you", {"who": "parent-carer"}),
            ("found", {"found": "no"}),
            ("gaps", {"missing": "Holiday clubs for autistic teenagers. Email me on jo@example.com"}),
            ("content", {"clear": "partly", "up_to_date": "not-sure"}),
            ("ease", {"ease": "hard"}),
            ("barriers", {"barriers": ["phone", "words"]}),
            ("barriers_more", {"barriers_detail": "The map was too small on my phone."}),
            ("development", {"knew_coproduced": "no", "development_ideas": ""}),
            ("satisfied", {"satisfied": "3"}),
            ("improvement", {"do_better": ""}),
        ],
    )
    check = get_page(f"/survey/{FEEDBACK}/check")
    assert check.h1 == "Check your answers before sending them"
    rows = {
        row.select_one(".govuk-summary-list__key").get_text(strip=True): row.select_one(
            ".govuk-summary-list__value"
        ).get_text(" ", strip=True)
        for row in check.select(".govuk-summary-list__row")
    }
    assert rows["Which of these best describes you?"] == "A parent or carer"
    assert rows["Did anything make the Local Offer harder to use?"] == (
        "Words or terms I did not understand It was hard to use on a phone"
    )
    assert rows["How could we involve families more in making the Local Offer?"] == "Not answered"
    assert rows["What were you looking for that you could not find?"].startswith("Holiday clubs for autistic")

    sent = send(client, FEEDBACK)
    assert sent.status_code == 302 and sent.headers["Location"] == f"/survey/{FEEDBACK}/done"
    done = get_page(f"/survey/{FEEDBACK}/done")
    assert done.h1 == "Thank you for your answers"
    reference = done.soup.select_one(".council-reference").get_text(strip=True)
    assert REFERENCE_RE.match(reference)

    [response] = stored_responses()
    assert response.reference == reference
    assert (response.survey_version, response.locale, response.channel) == ("2026.1", "en", "open")
    answers = response.as_dict()
    assert answers["barriers"] == ["words", "phone"], "in the order the options are shown"
    assert answers["missing"] == "Holiday clubs for autistic teenagers. Email me on [email]"
    assert "development_ideas" not in answers
    assert db.session.scalar(select(SurveyAnswer.kpi).where(SurveyAnswer.question_id == "satisfied")) == "satisfied"
    comments = list(db.session.scalars(select(Comment)))
    assert sorted((c.source, c.source_ref, c.question_id) for c in comments) == [
        ("survey", reference, "barriers_detail"),
        ("survey", reference, "missing"),
    ]
    assert count(SurveyDraft) == 0, "the answers in progress are deleted once stored"


def test_validation_errors_are_shown_in_a_summary(client):
    response = answer(client, FEEDBACK, "found", {})
    assert response.status_code == 200
    page = check_page_structure(response)
    assert page.title.startswith("Error: Did you find the information you were looking for?")
    assert error_messages(response) == ["Select yes, partly or no"]
    assert page.soup.select_one(".govuk-error-summary a")["href"] == "#found"


def test_free_text_over_the_limit_is_refused(client):
    response = answer(client, FEEDBACK, "improvement", {"do_better": "x" * 1001})
    assert error_messages(response) == ["Enter what we could do better in 1000 characters or fewer"]


def test_show_if_skips_and_back_links_follow_the_answers(client, get_page):
    answer(client, FEEDBACK, "about_you", {"who": "other"})
    skipped = answer(client, FEEDBACK, "found", {"found": "yes"})
    assert skipped.headers["Location"] == f"/survey/{FEEDBACK}/questions/content"
    assert get_page(f"/survey/{FEEDBACK}/questions/content").select(".govuk-back-link")[0]["href"] == (
        f"/survey/{FEEDBACK}/questions/found"
    )
    hidden = client.get(f"/survey/{FEEDBACK}/questions/gaps")
    assert hidden.status_code == 302, "a page whose questions are hidden is skipped"
    shown = answer(client, FEEDBACK, "found", {"found": "partly"})
    assert shown.headers["Location"] == f"/survey/{FEEDBACK}/questions/gaps"
    assert get_page(f"/survey/{FEEDBACK}/questions/content").select(".govuk-back-link")[0]["href"] == (
        f"/survey/{FEEDBACK}/questions/gaps"
    )


FEEDBACK_ALL = [
    ("about_you", {"who": "professional"}),
    ("found", {"found": "yes"}),
    ("content", {"clear": "yes", "up_to_date": "yes"}),
    ("ease", {"ease": "easy"}),
    ("barriers", {}),
    ("development", {}),
    ("satisfied", {"satisfied": "5"}),
    ("improvement", {}),
]


def test_change_links_return_to_check_your_answers(client, get_page):
    answer_all(client, FEEDBACK, FEEDBACK_ALL)
    check = get_page(f"/survey/{FEEDBACK}/check")
    assert check.select(".govuk-back-link")[0]["href"] == f"/survey/{FEEDBACK}/questions/improvement"
    change = [a["href"] for a in check.select(".govuk-summary-list__actions a")]
    assert f"/survey/{FEEDBACK}/questions/ease?change=1#ease" in change
    page = get_page(f"/survey/{FEEDBACK}/questions/ease?change=1")
    assert page.select(".govuk-back-link")[0]["href"] == f"/survey/{FEEDBACK}/check"
    assert page.soup.select_one("input[name=ease][checked]")["value"] == "easy", "the earlier answer is kept"
    changed = answer(client, FEEDBACK, "ease", {"ease": "very-hard"}, query_string={"change": "1"})
    assert changed.headers["Location"] == f"/survey/{FEEDBACK}/check"
    assert "Very hard" in get_page(f"/survey/{FEEDBACK}/check").text()


def test_a_change_that_reveals_a_question_asks_it_before_returning(client, get_page):
    answer_all(client, FEEDBACK, FEEDBACK_ALL)
    changed = answer(client, FEEDBACK, "found", {"found": "no"}, query_string={"change": "1"})
    assert changed.headers["Location"] == f"/survey/{FEEDBACK}/questions/gaps?change=1"
    back = answer(client, FEEDBACK, "gaps", {"missing": "Short breaks"}, query_string={"change": "1"})
    assert back.headers["Location"] == f"/survey/{FEEDBACK}/check"
    assert "Short breaks" in get_page(f"/survey/{FEEDBACK}/check").text()
    # Changing back hides the follow-up, and its answer is not stored.
    answer(client, FEEDBACK, "found", {"found": "yes"}, query_string={"change": "1"})
    assert "Short breaks" not in get_page(f"/survey/{FEEDBACK}/check").text()
    send(client, FEEDBACK)
    [response] = stored_responses()
    assert "missing" not in response.as_dict()


def test_check_page_sends_people_back_to_unanswered_questions(client):
    answer(client, FEEDBACK, "about_you", {"who": "other"})
    response = client.get(f"/survey/{FEEDBACK}/check")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/survey/{FEEDBACK}/questions/found"
    fresh = client.__class__(client.application)
    assert fresh.get(f"/survey/{FEEDBACK}/check").headers["Location"] == f"/survey/{FEEDBACK}"


def test_honeypot_filled_in_stores_nothing(client, get_page):
    answer_all(client, FEEDBACK, FEEDBACK_ALL)
    sent = post_form(client, f"/survey/{FEEDBACK}/check", {"website": "http://spam.example"})
    assert sent.status_code == 200
    assert check_page_structure(sent).h1 == "Thank you for your answers"
    assert stored_responses() == []


def test_resubmitting_stores_one_response(client, get_page):
    answer_all(client, FEEDBACK, FEEDBACK_ALL)
    check = client.get(f"/survey/{FEEDBACK}/check").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', check).group(1)
    first = client.post(f"/survey/{FEEDBACK}/check", data={"csrf_token": token})
    again = client.post(f"/survey/{FEEDBACK}/check", data={"csrf_token": token})
    assert first.status_code == 302 and again.status_code == 302
    assert len(stored_responses()) == 1


def test_the_same_draft_submitted_twice_gives_the_first_reference(app):
    with app.test_request_context():
        survey = survey_definitions(app)[FEEDBACK]
        key = responses.new_draft_key()
        for page_id, data in FEEDBACK_ALL:
            responses.save_page(key, survey, page_id, data)
        db.session.commit()
        first = responses.submit(survey, key, "en")
        second = responses.submit(survey, key, "en")
        assert first.outcome is responses.Outcome.STORED
        assert second.outcome is responses.Outcome.ALREADY_STORED
        assert second.reference == first.reference
        assert count(SurveyResponse) == 1


def test_a_reference_already_given_is_never_given_again(app, monkeypatch):
    """References are random: when one comes up twice, the second response gets a new one."""
    survey = survey_definitions(app)[FEEDBACK]
    drawn = iter(["ACDEFGHJ", "ACDEFGHJ", "KMNPQRTU"])
    monkeypatch.setattr(responses, "new_reference", lambda: next(drawn))
    with app.test_request_context():
        keys = [responses.new_draft_key(), responses.new_draft_key()]
        for key in keys:
            for page_id, data in FEEDBACK_ALL:
                responses.save_page(key, survey, page_id, data)
            db.session.commit()
        results = [responses.submit(survey, key, "en") for key in keys]
    assert [r.outcome for r in results] == [responses.Outcome.STORED, responses.Outcome.STORED]
    assert [r.reference for r in results] == ["ACDEFGHJ", "KMNPQRTU"]
    assert sorted(r.reference for r in stored_responses()) == ["ACDEFGHJ", "KMNPQRTU"]
    assert count(SurveyDraft) == 0, "the retry still took the draft"


# Invitations ---------------------------------------------------------------------------


def test_invitation_link_journey_and_no_second_answer(app, client, get_page):
    with app.app_context():
        invitation_id, token, _code = create_invitation("KB-2026-00001")
    opened = client.get(f"/s/{token}")
    assert opened.status_code == 302 and opened.headers["Location"] == "/survey/ehcp-finalisation?lang=en"
    with app.app_context():
        assert invitation_row(invitation_id).status == InvitationStatus.OPENED
    start = get_page("/survey/ehcp-finalisation")
    assert start.select("a.govuk-button--start")
    answer_all(client, "ehcp-finalisation", EHCP_ANSWERS)
    assert send(client, "ehcp-finalisation").headers["Location"] == "/survey/ehcp-finalisation/done"
    with app.app_context():
        invitation = invitation_row(invitation_id)
        assert invitation.status == InvitationStatus.COMPLETED
        assert invitation.completed_on is not None
        [response] = stored_responses()
        assert response.channel == "invitation"
        assert response.as_dict()["satisfied"] == "4"
        assert not hasattr(response, "invitation_id"), "answers are not linked to the plan"

    again = check_page_structure(open_link(client, f"/s/{token}"))
    assert again.h1 == "You have already answered this survey"
    assert "Contact the Local Offer team" in again.text()
    other_browser = client.__class__(app)
    assert check_page_structure(open_link(other_browser, f"/s/{token}")).h1 == "You have already answered this survey"


def test_invitation_code_can_be_typed_in(app, client, get_page):
    with app.app_context():
        _id, _token, code = create_invitation("KB-2026-00002")
    typed = f" {code[:5].lower()} - {code[5:]} "
    response = post_form(client, "/survey", {"code": typed})
    assert response.status_code == 302 and response.headers["Location"] == "/survey/ehcp-finalisation?lang=en"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "Enter the code from your letter or email"),
        ("ABC", "Enter the code exactly as it is in your letter, like ACDEF-GHJKM"),
        ("AAAAA-AAAAA", "We could not find that code. Check it and try again"),
    ],
)
def test_wrong_codes_get_a_clear_message(client, code, message):
    response = post_form(client, "/survey", {"code": code})
    assert response.status_code == 200
    assert error_messages(response) == [message]


def test_expired_and_unknown_links_get_kind_pages(app, client, get_page):
    with app.app_context():
        _id, token, _code = create_invitation("KB-2026-00003", now=dt.datetime(2025, 1, 1), days=90)
    expired = check_page_structure(open_link(client, f"/s/{token}", status=410))
    assert expired.h1 == "This survey link has expired"
    assert "0113 496 0100" in expired.text()
    assert "get in touch and we will send you a new link" in expired.text().lower()
    unknown = check_page_structure(open_link(client, "/s/not-a-real-token", status=404))
    assert unknown.h1 == "We could not find this survey link"
    assert "Enter the code from your letter" in unknown.text(), "with a way to type in the code instead"
    assert check_page_structure(open_link(client, "/s/" + "x" * 500, status=404)).h1 == unknown.h1


def test_link_that_expires_while_answering_is_refused_kindly(app, client, get_page):
    with app.app_context():
        invitation_id, token, _code = create_invitation("KB-2026-00004")
    client.get(f"/s/{token}")
    answer_all(client, "ehcp-finalisation", EHCP_ANSWERS)
    with app.app_context():
        invitation = invitation_row(invitation_id)
        invitation.expires_at = dt.datetime(2020, 1, 1)
        db.session.commit()
    refused = client.get("/survey/ehcp-finalisation/check")
    assert refused.status_code == 410
    assert check_page_structure(refused).h1 == "This survey link has expired"
    assert stored_responses() == []


def test_invitation_survey_cannot_be_answered_without_an_invitation(client, get_page):
    start = get_page("/survey/young-person")
    assert not start.select("a.govuk-button--start")
    assert "/survey" in start.links()
    assert client.get("/survey/young-person/questions/listened").headers["Location"] == "/survey/young-person"
    assert client.post("/survey/young-person/check").status_code in (302, 400)
    assert stored_responses() == []


def test_easy_read_survey_uses_its_own_scale(app, client, get_page):
    with app.app_context():
        _id, token, _code = create_invitation("KB-2026-00005", survey_id="young-person")
    client.get(f"/s/{token}")
    page = get_page("/survey/young-person/questions/feel")
    labels = [label.get_text(strip=True) for label in page.select(".govuk-radios__label")]
    assert labels == ["Very happy", "Happy", "OK", "Unhappy", "Very unhappy"]
    assert get_page("/survey/young-person").select(".council-easy-read"), "the start page is in larger text"


def test_unknown_survey_and_page_are_404(get_page):
    get_page("/survey/nope", status=404)
    get_page(f"/survey/{FEEDBACK}/questions/nope", status=404)


def test_rate_limit_on_submissions(survey_limited_client):
    client = survey_limited_client
    responses_sent = [client.post("/survey", data={"code": "AAAAA-AAAAA"}) for _ in range(3)]
    assert [r.status_code for r in responses_sent] == [200, 200, 429]
    assert 1 <= int(responses_sent[2].headers["Retry-After"]) <= 60, "the refusal says when to try again"
    assert client.get("/survey").status_code == 200, "reading the page is not limited"
