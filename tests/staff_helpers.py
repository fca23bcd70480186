"""Helpers for tests of the staff area: make accounts, sign in, read the audit log."""

from __future__ import annotations

import re
import time

from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models.staff import AuditEvent, User

PASSWORD = "kelder-river-lantern-47"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def make_user(role: str = "sendiass", email: str | None = None, password: str | None = PASSWORD, active: bool = True):
    """A committed staff account, detached from the session (call inside an app context)."""
    email = email or f"{role}.{time.monotonic_ns()}@kelderbridge.example"
    user = User(email=email, role=role, active=active)
    if password:
        user.set_password(password)
    db.session.add(user)
    db.session.commit()
    db.session.refresh(user)
    db.session.expunge(user)  # usable (read-only) after the app context ends
    return user


def csrf_token(client: FlaskClient, path: str = "/sign-in") -> str:
    """A CSRF token for this client's session, read from a page with a form."""
    body = client.get(path).get_data(as_text=True)
    match = _CSRF.search(body)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD, next_url: str | None = None):
    """Sign in through the real form."""
    path = f"/sign-in?next={next_url}" if next_url else "/sign-in"
    token = csrf_token(client, path)
    return client.post(path, data={"email": email, "password": password, "csrf_token": token})


def act_as(client: FlaskClient, user: User) -> None:
    """Start a signed-in session for `user` without the form (for route checks)."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["last_seen"] = session["signed_in_at"] = int(time.time())


def post_form(client: FlaskClient, path: str, data: dict | None = None, token_from: str | None = None, **kwargs):
    """POST to `path` with a CSRF token taken from `token_from` (default: the same path)."""
    token = csrf_token(client, token_from or path)
    return client.post(path, data={**(data or {}), "csrf_token": token}, **kwargs)


def audit_actions(action: str | None = None) -> list[AuditEvent]:
    """Audit events, oldest first, optionally of one action."""
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))
