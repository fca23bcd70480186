"""Nothing anyone typed reaches the logs, even when storing it fails.

Each test makes a real failure (a table the statement needs has gone) while a sentinel
value is being stored: a survey answer, page feedback, a sign-in email, a comment in an
export. The sentinel must appear in no log record (message, arguments or traceback), on
no handler, and on stderr. Runs on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

import pytest
from sqlalchemy import text

from app.extensions import db

from .factories import create_invitation as invite
from .factories import create_user as make_user
from .helpers import EHCP_ANSWERS, act_as, answer_all, csrf_from, csrf_token

SENTINEL = "Sentinel-Quokka-731"
GUIDANCE = "/guidance/the-20-week-journey"

pytestmark = pytest.mark.commits


@contextmanager
def table_gone(app, table: str):
    """The table is renamed away for the duration, so any statement using it fails."""
    with app.app_context():
        db.session.execute(text(f"ALTER TABLE {table} RENAME TO {table}_away"))
        db.session.commit()
    try:
        yield
    finally:
        with app.app_context():
            db.session.rollback()
            db.session.execute(text(f"ALTER TABLE {table}_away RENAME TO {table}"))
            db.session.commit()


@pytest.fixture()
def every_log(caplog, capsys):
    """Collects every log record at every level (SQLAlchemy's own included) and stderr."""
    caplog.set_level(logging.DEBUG)
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")

    def text_of_everything() -> str:
        parts = []
        for record in caplog.records:
            parts.append(formatter.format(record))
            parts.append(repr(record.args))
            parts.append(str(record.msg))
        parts.append(capsys.readouterr().err)
        return "\n".join(parts)

    return text_of_everything


def _assert_failed_and_quiet(response, logs: str) -> None:
    assert response.status_code == 500
    assert "Unhandled error" in logs, "the failure itself is logged"
    assert SENTINEL not in logs
    assert SENTINEL.lower() not in logs.lower()


def test_a_survey_answer_is_not_logged_when_storing_it_fails(app, client, every_log):
    with app.app_context():
        _id, token, _code = invite("KB-2026-60001")
    client.get(f"/s/{token}")
    pages = [
        (page, {"went_well": f"{SENTINEL} was great"} if page == "went_well" else data) for page, data in EHCP_ANSWERS
    ]
    answer_all(client, "ehcp-finalisation", pages)
    csrf = csrf_from(client.get("/survey/ehcp-finalisation/check").get_data(as_text=True))
    with table_gone(app, "survey_response"):
        response = client.post("/survey/ehcp-finalisation/check", data={"csrf_token": csrf})
    _assert_failed_and_quiet(response, every_log())


def test_page_feedback_is_not_logged_when_storing_it_fails(app, client, every_log):
    token = csrf_token(client, GUIDANCE)
    with table_gone(app, "page_feedback"):
        response = client.post(
            "/page-feedback", data={"csrf_token": token, "path": GUIDANCE, "helpful": "no", "text": SENTINEL}
        )
    _assert_failed_and_quiet(response, every_log())


def test_a_sign_in_email_is_not_logged_when_checking_it_fails(app, client, every_log):
    token = csrf_token(client)
    with table_gone(app, "staff_user"):
        response = client.post(
            "/sign-in",
            data={"email": f"{SENTINEL}@kelderbridge.example", "password": "x" * 12, "csrf_token": token},
        )
    _assert_failed_and_quiet(response, every_log())


def test_a_comment_is_not_logged_when_the_spreadsheet_cannot_be_written(app, client, every_log, monkeypatch):
    from openpyxl.utils.exceptions import IllegalCharacterError

    from app.web import feedback

    with app.app_context():
        officer = make_user("officer")

    def refuse(tables, stream):
        # What openpyxl says about a cell it cannot write: the cell's text, quoted.
        raise IllegalCharacterError(f"{SENTINEL} helped us cannot be used in worksheets.")

    monkeypatch.setattr(feedback, "write_xlsx", refuse)
    act_as(client, officer)
    response = client.get("/staff/feedback/export/all.xlsx")
    _assert_failed_and_quiet(response, every_log())
