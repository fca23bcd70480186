"""What a test does through the browser's eyes: forms with CSRF tokens, signing in, answering
surveys; and reading back what was recorded (audit events, invitations)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app import create_app
from app.config import TestConfig
from app.extensions import db
from app.models.staff import AuditEvent, User
from app.models.surveys import SurveyInvitation

from .factories import PASSWORD, create_user
from .pages import check_page_structure

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(body: str) -> str:
    """The CSRF token in a page's form."""
    match = _CSRF.search(body)
    assert match, "the page has a form with a CSRF token"
    return match.group(1)


def csrf_token(client: FlaskClient, path: str = "/sign-in") -> str:
    """A CSRF token for this client's session, read from the page at `path`."""
    return csrf_from(client.get(path).get_data(as_text=True))


def form_fields(body: str) -> dict[str, object]:
    """The fields of a page's main form as a browser would send them back unchanged (no button)."""
    from bs4 import BeautifulSoup

    form = BeautifulSoup(body, "html.parser").select_one("main form[method=post]")
    assert form is not None, "the page has a form"
    data: dict[str, object] = {}
    for element in form.select("input, textarea, select"):
        name = element.get("name")
        if not name or element.get("type") == "submit":
            continue
        if element.name == "textarea":
            data[name] = element.text.removeprefix("\n")
        elif element.name == "select":
            chosen = element.select_one("option[selected]")
            data[name] = chosen.get("value") if chosen else ""
        elif element.get("type") in ("checkbox", "radio"):
            if element.has_attr("checked"):
                data.setdefault(name, [])
                data[name].append(element.get("value"))  # type: ignore[union-attr]
        elif name in data:  # day, month and year boxes share a name
            previous = data[name]
            data[name] = [*(previous if isinstance(previous, list) else [previous]), element.get("value", "")]
        else:
            data[name] = element.get("value", "")
    return data


def post_form(client: FlaskClient, path: str, data: dict | None = None, token_from: str | None = None, **kwargs):
    """POST to `path` with a CSRF token taken from `token_from` (default: the same path)."""
    token = csrf_token(client, token_from or path)
    return client.post(path, data={**(data or {}), "csrf_token": token}, **kwargs)


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD, next_url: str | None = None):
    """Sign in through the real form."""
    path = f"/sign-in?next={next_url}" if next_url else "/sign-in"
    return post_form(client, path, {"email": email, "password": password})


def act_as(client: FlaskClient, user: User) -> None:
    """Start a signed-in session for `user` without the form (for route checks)."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["last_seen"] = session["signed_in_at"] = int(time.time())


def open_link(client: FlaskClient, path: str, status: int = 200, **kwargs):
    """Open a link whose last segment is a token (live or not), as a browser would.

    The link must answer with a redirect (never stored, no referrer sent) to an address that,
    like the session, holds no trace of the token; returns the page it leads to, which must
    answer with `status`.
    """
    token = path.split("?")[0].rsplit("/", 1)[1]
    response = client.get(path, **kwargs)
    assert response.status_code == 302, f"{path}: {response.status_code}, not a redirect"
    location = response.headers["Location"]
    assert token not in location, f"{path} redirects to {location}"
    assert response.headers["Cache-Control"] == "no-store" and response.headers["Referrer-Policy"] == "no-referrer"
    with client.session_transaction() as session:
        assert token not in repr(dict(session))
    cookie = client.get_cookie("session")
    assert cookie is None or token not in cookie.value
    page = client.get(location, **kwargs)
    assert page.status_code == status, f"{path} -> {location}: {page.status_code}"
    return page


def signed_in_as(app: Flask, client: FlaskClient, role: str, **fields: object) -> User:
    """A new staff account with `role` (see `create_user`), signed in on `client` without the form."""
    with app.app_context():
        user = create_user(role, **fields)
    act_as(client, user)
    return user


def audit_actions(action: str | None = None) -> list[AuditEvent]:
    """Audit events, oldest first, optionally of one action."""
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))


def error_messages(response) -> list[str]:
    """The error summary's messages on a page."""
    page = check_page_structure(response)
    return [a.get_text(strip=True) for a in page.select(".govuk-error-summary__list a")]


def answer(client: FlaskClient, survey_id: str, page_id: str, data: dict, **kwargs):
    """Answer one page of a survey; returns the response (a redirect when the answers are valid)."""
    return post_form(client, f"/survey/{survey_id}/questions/{page_id}", data, **kwargs)


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


def invitation_row(invitation_id: int) -> SurveyInvitation | None:
    """The invitation as stored now."""
    db.session.expire_all()
    return db.session.get(SurveyInvitation, invitation_id)


@contextmanager
def running_app(config: type[TestConfig]) -> Iterator[Flask]:
    """Another app built from `config`, its tables created; its connections closed afterwards."""
    app = create_app(config)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
