"""Helpers for survey tests: forms with CSRF tokens, answering pages, making invitations."""

from __future__ import annotations

import datetime as dt
import re

from flask.testing import FlaskClient

from app.extensions import db
from app.models.surveys import SurveyInvitation
from app.surveys import invitations

from .conftest import check_page_structure

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(body: str) -> str:
    match = _CSRF.search(body)
    assert match, "the page has a form with a CSRF token"
    return match.group(1)


def post_page(client: FlaskClient, path: str, data: dict | None = None, **kwargs):
    """GET `path` for its CSRF token, then POST `data` to it."""
    response = client.get(path)
    assert response.status_code == 200, f"{path}: {response.status_code}"
    return client.post(path, data={**(data or {}), "csrf_token": csrf_from(response.get_data(as_text=True))}, **kwargs)


def answer(client: FlaskClient, survey_id: str, page_id: str, data: dict, **kwargs):
    """Answer one page of a survey; returns the response (a redirect when the answers are valid)."""
    return post_page(client, f"/survey/{survey_id}/questions/{page_id}", data, **kwargs)


def error_messages(response) -> list[str]:
    """The error summary's messages on a page."""
    page = check_page_structure(response)
    return [a.get_text(strip=True) for a in page.select(".govuk-error-summary__list a")]


def invite(reference: str, survey_id: str = "ehcp-finalisation", days: int = 90, now: dt.datetime | None = None):
    """A committed invitation; returns (invitation id, raw token, raw code)."""
    row = invitations.InvitationRow(2, reference, dt.date(2026, 3, 2), "en", None)
    result = invitations.create_invitations(survey_id, [row], now=now, days=days)
    db.session.commit()
    issued = result.created[0]
    return issued.invitation.id, issued.token, issued.code


#: Answers that complete the parents' survey, page by page (seen_plan = yes).
EHCP_ANSWERS = [
    ("listened", {"listened": "yes"}),
    ("involved", {"involved": "not-sure"}),
    ("advice", {"education_reflected": "yes", "health_reflected": "partly", "care_reflected": "not-involved"}),
    ("seen_plan", {"seen_plan": "yes"}),
    ("about_plan", {"accurate": "yes", "outcomes_clear": "no"}),
    ("timing", {"within_20_weeks": "dont-know"}),
    ("satisfied", {"satisfied": "4"}),
    ("went_well", {"went_well": "Our caseworker rang back every time."}),
    ("improvement", {"do_better": ""}),
]


def answer_all(client: FlaskClient, survey_id: str, pages: list[tuple[str, dict]]) -> None:
    for page_id, data in pages:
        response = answer(client, survey_id, page_id, data)
        assert response.status_code == 302, (page_id, error_messages(response))


def invitation_row(invitation_id: int):
    from app.extensions import db

    db.session.expire_all()
    return db.session.get(SurveyInvitation, invitation_id)
