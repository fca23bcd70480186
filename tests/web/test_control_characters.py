"""Control characters (NUL, vertical tab from Word, ...) never give an error page.

Input is cleaned once, as each request is read; feeds and spreadsheets clean text that was
stored before. Runs on SQLite, and on PostgreSQL (which refuses NUL) when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import datetime as dt
import io
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.cleaning import clean_text
from app.extensions import db
from app.models.moderation import Comment
from app.models.staff import AuditEvent, utcnow
from app.models.surveys import InvitationStatus, PageFeedback, SurveyAnswer, SurveyInvitation
from app.models.yswd import Entry

from ..factories import create_invitation as invite
from ..factories import create_user as make_user
from ..helpers import EHCP_ANSWERS, act_as, answer_all, csrf_from, csrf_token

pytestmark = pytest.mark.commits

PASTED = "Line one\x0bline two\x00 and\x1f more\r\nnext\ttab"
CLEANED = "Line oneline two and more\nnext\ttab"
GUIDANCE = "/guidance/the-20-week-journey"


def test_clean_text_keeps_tabs_and_newlines_only():
    assert clean_text(PASTED) == CLEANED
    assert clean_text("a\rb") == "a\nb"
    assert clean_text("") == ""
    assert clean_text("Zoë – 20 weeks ✓") == "Zoë – 20 weeks ✓"


def test_a_survey_answer_with_a_nul_byte_is_stored_and_the_invitation_completed(app, client):
    with app.app_context():
        invitation_id, token, _code = invite("KB-2026-50001")
    client.get(f"/s/{token}")
    pages = [(page, {"went_well": PASTED} if page == "went_well" else data) for page, data in EHCP_ANSWERS]
    answer_all(client, "ehcp-finalisation", pages)
    check = client.get("/survey/ehcp-finalisation/check")
    assert check.status_code == 200
    sent = client.post("/survey/ehcp-finalisation/check", data={"csrf_token": csrf_from(check.get_data(as_text=True))})
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/done")
    with app.app_context():
        stored = db.session.scalar(select(SurveyAnswer.value).where(SurveyAnswer.question_id == "went_well"))
        assert stored == CLEANED
        assert db.session.get(SurveyInvitation, invitation_id).status == InvitationStatus.COMPLETED


def test_page_feedback_with_control_characters_is_stored_clean(app, client):
    token = csrf_token(client, GUIDANCE)
    response = client.post(
        "/page-feedback", data={"csrf_token": token, "path": GUIDANCE, "helpful": "no", "text": PASTED}
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(PageFeedback.text)) == CLEANED


def test_a_sign_in_email_with_a_nul_byte_gets_the_ordinary_message(app, client):
    token = csrf_token(client)
    response = client.post(
        "/sign-in", data={"email": "someone\x00@kelderbridge.example", "password": "x" * 12, "csrf_token": token}
    )
    assert response.status_code in (200, 400)
    assert "govuk-error-summary" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path", ["/search?q=%00%0b", "/you-said-we-did?theme=%00", "/services?age=%00&need=%0b", "/survey?x=%00"]
)
def test_query_parameters_with_control_characters_are_not_an_error(client, path):
    assert client.get(path).status_code < 500


def test_the_feed_survives_an_entry_stored_with_a_vertical_tab(app, client):
    with app.app_context():
        db.session.add(
            Entry(
                title="Pasted\x0b from Word",
                theme="health",
                status="done",
                we_asked="Survey\x0b",
                you_said="Said\x0b so",
                we_did="Did\x0c it",
                state="published",
                publish_at=utcnow() - dt.timedelta(days=1),
            )
        )
        db.session.commit()
    response = client.get("/you-said-we-did/feed.atom")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.data)
    titles = [e.text for e in root.iter("{http://www.w3.org/2005/Atom}title")]
    assert "Pasted from Word" in titles


def exports_recorded() -> int:
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "feedback_exported")
    )


@pytest.fixture()
def officer(app, client):
    with app.app_context():
        user = make_user("officer")
    act_as(client, user)
    return user


def test_the_spreadsheet_survives_an_approved_comment_with_a_vertical_tab(app, client, officer):
    with app.app_context():
        for number in range(6):
            db.session.add(
                Comment(
                    source="paper",
                    text=f"The caseworker\x0b was helpful and kind, number {number}",
                    status="approved",
                    created_at=dt.datetime(2026, 2, 3 + number, 12),
                )
            )
        db.session.commit()
    response = client.get("/staff/feedback/export/all.xlsx?period=2026-Q1")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    texts = [str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row if c.value]
    assert not any("\x0b" in t for t in texts)
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "feedback_exported")
            )
            == 1
        )


def test_an_export_that_could_not_be_built_is_not_in_the_audit_log(app, client, officer, monkeypatch):
    from app.web import feedback

    def refuse(tables, stream):
        raise ValueError("the spreadsheet could not be written")

    monkeypatch.setattr(feedback, "write_xlsx", refuse)
    assert client.get("/staff/feedback/export/all.xlsx").status_code == 500
    with app.app_context():
        db.session.rollback()
        assert (
            db.session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "feedback_exported")
            )
            == 0
        )
