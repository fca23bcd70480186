"""Save and return: an invitation's answers are kept page by page against the invitation, in its language."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.surveys import SurveyDraft, SurveyInvitation, SurveyResponse
from app.services import survey_definitions
from app.surveys import responses
from app.tokens import digest

from ..factories import create_invitation
from ..helpers import EHCP_ANSWERS, answer_all, csrf_from, invitation_row, open_link
from ..pages import check_page_structure

SURVEY = "ehcp-finalisation"

#: Sending answers commits on connections of its own (see app/surveys/responses.py).
pytestmark = pytest.mark.commits


def _new_device(app):
    """Another phone or computer: its own cookies, and a browser set to English."""
    return app.test_client()


def test_the_same_link_on_another_device_carries_on_from_the_first_unanswered_question(app, client):
    with app.app_context():
        _id, token, _code = create_invitation("KB-2026-01001")
    client.get(f"/s/{token}")
    answer_all(client, SURVEY, EHCP_ANSWERS[:2])  # listened, then involved ("listened_more" is skipped)

    phone = _new_device(app)
    opened = phone.get(f"/s/{token}")
    assert opened.status_code == 302 and opened.headers["Location"] == f"/survey/{SURVEY}/questions/advice?lang=en"
    page = check_page_structure(phone.get(opened.headers["Location"]))
    assert page.soup.select_one("#question-number").get_text(strip=True) == "Question 3 of 9"
    earlier = check_page_structure(phone.get(f"/survey/{SURVEY}/questions/listened"))
    assert earlier.soup.select_one("input[name=listened][value=yes]").has_attr("checked"), "earlier answers in place"
    start = check_page_structure(phone.get(f"/survey/{SURVEY}"))
    assert [a["href"] for a in start.soup.select("main a.govuk-button")] == [f"/survey/{SURVEY}/questions/advice"]

    answer_all(phone, SURVEY, EHCP_ANSWERS[2:5])
    answer_all(client, SURVEY, EHCP_ANSWERS[5:])  # and finishes on the first device
    check = client.get(f"/survey/{SURVEY}/check").get_data(as_text=True)
    sent = client.post(f"/survey/{SURVEY}/check", data={"csrf_token": csrf_from(check)})
    assert sent.status_code == 302, check_page_structure(sent).h1
    assert sent.headers["Location"] == f"/survey/{SURVEY}/done"
    with app.app_context():
        [response] = db.session.scalars(select(SurveyResponse)).all()
        assert response.as_dict()["accurate"] == "yes", "answers given on the phone were sent"
        drafts = db.session.scalars(select(SurveyDraft)).all()
        assert all(d.invitation_id is None and d.resume_key is None and not d.answers for d in drafts)
    assert check_page_structure(open_link(phone, f"/s/{token}")).h1 == "You have already answered this survey"


def test_the_question_number_counts_only_the_questions_shown(app, client):
    with app.app_context():
        _id, token, _code = create_invitation("KB-2026-01002")
    client.get(f"/s/{token}")
    answer_all(client, SURVEY, [("listened", {"listened": "no"})])
    shown = check_page_structure(client.get(f"/survey/{SURVEY}/questions/listened_more"))
    assert shown.soup.select_one("#question-number").get_text(strip=True) == "Question 2 of 10"
    involved = check_page_structure(client.get(f"/survey/{SURVEY}/questions/involved"))
    assert involved.soup.select_one("#question-number").get_text(strip=True) == "Question 3 of 10"


def test_the_survey_opens_in_the_invitations_language_whatever_the_browser_says(app):
    with app.app_context():
        _id, token, _code = create_invitation("KB-2026-01003", language="pl")
    browser = _new_device(app)
    english = {"Accept-Language": "en-GB,en;q=0.9"}
    opened = browser.get(f"/s/{token}", headers=english)
    assert opened.headers["Location"] == f"/survey/{SURVEY}?lang=pl"
    start = check_page_structure(browser.get(opened.headers["Location"], headers=english))
    assert start.soup.html["lang"] == "pl"
    later = check_page_structure(browser.get(f"/survey/{SURVEY}/questions/listened", headers=english))
    assert later.soup.html["lang"] == "pl", "and stays in Polish from page to page"
    assert "Pytanie 1 z" in later.soup.select_one("#question-number").get_text()
    switched = check_page_structure(browser.get(f"/survey/{SURVEY}/questions/listened?lang=en", headers=english))
    assert switched.soup.html["lang"] == "en-GB", "the family can still switch"


def test_a_draft_is_never_linkable_once_sent(app, client):
    """A copy of the database taken while a family was answering matches nothing stored later."""
    with app.app_context():
        invitation_id, token, _code = create_invitation("KB-2026-01004")
    client.get(f"/s/{token}")
    answer_all(client, SURVEY, EHCP_ANSWERS)
    with app.app_context():
        in_progress = db.session.scalar(select(SurveyDraft).where(SurveyDraft.invitation_id == invitation_id))
        copied = {in_progress.key_hash, in_progress.resume_key}
    check = client.get(f"/survey/{SURVEY}/check").get_data(as_text=True)
    client.post(f"/survey/{SURVEY}/check", data={"csrf_token": csrf_from(check)})
    app.config["SURVEY_RESPONSE_BATCH"], before = 1, app.config["SURVEY_RESPONSE_BATCH"]
    try:
        with app.app_context():
            responses.store_batch()
            [stored] = db.session.scalars(select(SurveyResponse)).all()
            assert stored.submission_key not in copied
            assert invitation_row(invitation_id).claim_hash not in copied
    finally:
        app.config["SURVEY_RESPONSE_BATCH"] = before


def _answered_then_expired(app, client, reference: str) -> str:
    """A family opens its link and answers the first page; then the invitation expires (on
    1 January 2026). Returns the link's token."""
    with app.app_context():
        invitation_id, token, _code = create_invitation(reference)
    client.get(f"/s/{token}")
    answer_all(client, SURVEY, EHCP_ANSWERS[:1])
    with app.app_context():
        db.session.get(SurveyInvitation, invitation_id).expires_at = dt.datetime(2026, 1, 1)
        db.session.commit()
    return token


def test_drafts_of_expired_invitations_are_deleted(app, client):
    _answered_then_expired(app, client, "KB-2026-01005")
    with app.app_context():
        assert responses.purge_drafts(now=dt.datetime(2026, 1, 2)) == 1
        assert db.session.scalar(select(func.count()).select_from(SurveyDraft)) == 0


def test_opening_an_expired_link_deletes_its_answers_at_once(app, client):
    token = _answered_then_expired(app, client, "KB-2026-01006")
    assert check_page_structure(open_link(client, f"/s/{token}", status=410)).h1 == "This survey link has expired"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SurveyDraft)) == 0


def test_two_devices_starting_at_once_share_one_draft(app):
    with app.app_context():
        invitation_id, _token, _code = create_invitation("KB-2026-01007")
    with app.test_request_context():
        definition = survey_definitions()[SURVEY]
        first = responses.invitation_draft_key(invitation_id, definition)
        second = responses.invitation_draft_key(invitation_id, definition)
        db.session.commit()
        assert first == second
        [draft] = db.session.scalars(select(SurveyDraft)).all()
        assert draft.key_hash == digest(first) and first not in (draft.resume_key or "")
