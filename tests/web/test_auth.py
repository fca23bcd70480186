"""Staff sign-in: passwords, lockout, idle expiry, sign-out, set-password links, rate limits."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest

from app import create_app
from app.config import TestConfig
from app.extensions import db
from app.models.staff import User, utcnow
from app.staff.passwords import is_common, password_problems

from ..factories import PASSWORD, create_user
from ..helpers import audit_actions, csrf_token, open_link, sign_in
from ..pages import check_page_structure


def test_sign_in_takes_staff_to_their_dashboard_and_is_audited(app, client, get_page):
    with app.app_context():
        user = create_user("officer", email="olive@kelderbridge.example")
    response = sign_in(client, "Olive@Kelderbridge.example ", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    page = get_page("/staff/")
    assert "olive@kelderbridge.example" in page.soup.get_text()
    with app.app_context():
        events = audit_actions("sign_in")
        assert [(e.user_id, e.target_id) for e in events] == [(user.id, str(user.id))]
        assert db.session.get(User, user.id).last_sign_in_at is not None


def test_session_cookie_is_http_only_and_same_site(app, client):
    with app.app_context():
        create_user(email="cookie@kelderbridge.example")
    response = sign_in(client, "cookie@kelderbridge.example")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert app.config["SESSION_COOKIE_HTTPONLY"]


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("", "", "Enter your email address"),
        ("pat@kelderbridge.example", "", "Enter your password"),
        ("pat@kelderbridge.example", "not-the-password-at-all", "Enter a correct email address and password"),
        ("nobody@kelderbridge.example", PASSWORD, "Enter a correct email address and password"),
    ],
)
def test_sign_in_errors_are_specific_and_do_not_say_which_part_was_wrong(app, client, email, password, message):
    with app.app_context():
        create_user(email="pat@kelderbridge.example")
    response = client.post("/sign-in", data={"email": email, "password": password, "csrf_token": csrf_token(client)})
    page = check_page_structure(response)
    assert response.status_code == 200
    assert page.title.startswith("Error: Sign in to the staff area")
    summary = page.select(".govuk-error-summary")[0].get_text()
    assert message in summary
    assert client.get("/staff/").status_code == 302


def test_failed_sign_in_with_unknown_email_logs_nothing_typed(app, client):
    sign_in(client, "my-secret-password-typed-in-the-wrong-box", "whatever")
    with app.app_context():
        (event,) = audit_actions("sign_in_failed")
        assert event.user_id is None and event.user_email is None and event.target_id is None
        assert "secret" not in repr(event.detail)


def test_next_is_followed_only_when_it_is_a_local_path(app, client):
    with app.app_context():
        create_user("admin", email="ada@kelderbridge.example")
    response = client.get("/staff/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")
    response = sign_in(client, "ada@kelderbridge.example", next_url="/staff/users")
    assert response.headers["Location"] == "/staff/users"
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/staff/")})
    response = sign_in(client, "ada@kelderbridge.example", next_url="//evil.example/phish")
    assert response.headers["Location"] == "/staff/"


def test_sign_out_ends_the_session(app, client, get_page):
    with app.app_context():
        create_user(email="sam@kelderbridge.example")
    sign_in(client, "sam@kelderbridge.example")
    assert client.get("/sign-out").status_code == 405  # only a POST (with its token) signs out
    response = client.post("/sign-out", data={"csrf_token": csrf_token(client, "/staff/")})
    assert response.headers["Location"] == "/signed-out"
    page = get_page("/signed-out")
    assert page.h1 == "You have signed out"
    assert client.get("/staff/").status_code == 302
    with app.app_context():
        assert len(audit_actions("sign_out")) == 1


def test_five_failures_lock_the_account_until_the_lock_expires(app, client):
    with app.app_context():
        user = create_user(email="lee@kelderbridge.example")
    for _ in range(5):
        sign_in(client, "lee@kelderbridge.example", "wrong-password-again")
    response = sign_in(client, "lee@kelderbridge.example", PASSWORD)
    assert response.status_code == 200
    # The same answer as a wrong password: a stranger cannot tell the account exists or is locked.
    assert "Enter a correct email address and password" in check_page_structure(response).text()
    assert client.get("/staff/").status_code == 302
    with app.app_context():
        locked = db.session.get(User, user.id)
        assert locked.is_locked()
        assert dt.timedelta(minutes=14) < locked.locked_until - utcnow() <= dt.timedelta(minutes=15)
        assert len(audit_actions("account_locked")) == 1
        assert len(audit_actions("sign_in_refused_locked")) == 1
        # Fifteen minutes pass.
        locked.locked_until = utcnow() - dt.timedelta(seconds=1)
        db.session.commit()
    response = sign_in(client, "lee@kelderbridge.example", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    with app.app_context():
        assert db.session.get(User, user.id).failed_attempts == 0


def test_a_success_resets_the_failure_count(app, client):
    with app.app_context():
        user = create_user(email="kim@kelderbridge.example")
    for _ in range(4):
        sign_in(client, "kim@kelderbridge.example", "wrong-password-again")
    sign_in(client, "kim@kelderbridge.example")
    client.post("/sign-out", data={"csrf_token": csrf_token(client, "/staff/")})
    sign_in(app.test_client(), "kim@kelderbridge.example", "wrong-password-again")  # another browser
    with app.app_context():
        refreshed = db.session.get(User, user.id)
        assert refreshed.failed_attempts == 1 and not refreshed.is_locked()


def test_idle_sessions_expire_and_send_staff_back_to_sign_in(app, client, get_page):
    with app.app_context():
        create_user(email="ida@kelderbridge.example")
    sign_in(client, "ida@kelderbridge.example")
    assert client.get("/staff/").status_code == 200
    with client.session_transaction() as session:
        session["last_seen"] = int(time.time()) - 31 * 60
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=/staff/")
    page = get_page(response.headers["Location"])
    assert "signed out after 30 minutes without activity" in page.text()
    assert client.get("/staff/").status_code == 302
    with app.app_context():
        assert len(audit_actions("session_expired")) == 1


def test_activity_keeps_a_session_alive(app, client):
    with app.app_context():
        create_user(email="ava@kelderbridge.example")
    sign_in(client, "ava@kelderbridge.example")
    with client.session_transaction() as session:
        session["last_seen"] = int(time.time()) - 29 * 60
    assert client.get("/staff/").status_code == 200
    with client.session_transaction() as session:
        assert session["last_seen"] >= int(time.time()) - 5


def test_deactivated_staff_cannot_sign_in_and_are_signed_out(app, client):
    with app.app_context():
        user = create_user(email="dee@kelderbridge.example")
    sign_in(client, "dee@kelderbridge.example")
    assert client.get("/staff/").status_code == 200
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert client.get("/staff/").status_code == 302
    response = sign_in(client, "dee@kelderbridge.example")
    assert "Enter a correct email address and password" in check_page_structure(response).text()


def test_cli_creates_an_account_with_a_one_time_link(app, client, runner, get_page):
    result = runner.invoke(args=["users", "create", "--email", "New.Person@Kelderbridge.example", "--role", "admin"])
    assert result.exit_code == 0, result.output
    link = re.search(r"http://\S+/set-password/\S+", result.output).group(0)
    path = "/set-password/" + link.rsplit("/set-password/", 1)[1]
    page = check_page_structure(open_link(client, path))
    assert page.h1 == "Choose your password"
    assert "new.person@kelderbridge.example" in page.text()
    with app.app_context():
        user = User.by_email("new.person@kelderbridge.example")
        assert user.role == "admin" and user.password_hash is None
        assert user.set_password_token_hash and path.rsplit("/", 1)[1] not in user.set_password_token_hash
    token = csrf_token(client, "/set-password")
    response = client.post("/set-password", data={"password": PASSWORD, "confirm": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/sign-in"
    assert "Your password has been saved" in get_page("/sign-in").text()
    assert sign_in(client, "new.person@kelderbridge.example").headers["Location"] == "/staff/"
    with app.app_context():
        hashed = User.by_email("new.person@kelderbridge.example").password_hash
        assert hashed.startswith("scrypt:") and PASSWORD not in hashed
        assert len(audit_actions("password_set")) == 1 and len(audit_actions("user_created")) == 1
    # The link works once.
    used = check_page_structure(open_link(client, path, status=404))
    assert used.h1 == "This link has expired or has already been used"
    duplicate = runner.invoke(args=["users", "create", "--email", "new.person@kelderbridge.example", "--role", "admin"])
    assert duplicate.exit_code != 0 and "already an account" in duplicate.output


def test_cli_rejects_a_bad_email_or_role(runner):
    assert runner.invoke(args=["users", "create", "--email", "not-an-email", "--role", "admin"]).exit_code != 0
    assert runner.invoke(args=["users", "create", "--email", "a@kelderbridge.example", "--role", "boss"]).exit_code != 0


def test_expired_set_password_link_is_refused(app):
    with app.app_context():
        user = db.session.get(User, create_user(email="late@kelderbridge.example", password=None).id)
        token = user.issue_set_password_token(now=utcnow() - dt.timedelta(hours=73))
        db.session.commit()
    for path in (f"/set-password/{token}", "/set-password/not-a-real-token"):
        page = check_page_structure(open_link(app.test_client(), path, status=404))
        assert page.h1 == "This link has expired or has already been used"
        assert "Ask the site administrator for a new link" in page.text()


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("", "", "Enter a new password"),
        ("short-pass", "short-pass", "Password must be 12 characters or more"),
        ("Password1234!", "Password1234!", "Password is too common"),
        ("qwertyuiop123", "qwertyuiop123", "Password is too common"),
        ("999999999999999", "999999999999999", "Password is too common"),
        ("rowan.tree-and-stuff", "rowan.tree-and-stuff", "Password must not contain your email address"),
        (PASSWORD, PASSWORD + "x", "Enter the same password in both boxes"),
    ],
)
def test_set_password_rules(app, client, password, confirm, message):
    with app.app_context():
        user_id = create_user(email="rowan.tree@kelderbridge.example", password=None).id
        token = db.session.get(User, user_id).issue_set_password_token()
        db.session.commit()
    open_link(client, f"/set-password/{token}")
    token = csrf_token(client, "/set-password")
    response = client.post("/set-password", data={"password": password, "confirm": confirm, "csrf_token": token})
    page = check_page_structure(response)
    assert response.status_code == 200
    assert message in page.select(".govuk-error-summary")[0].get_text()
    with app.app_context():
        assert db.session.get(User, user_id).password_hash is None


def test_password_policy_as_plain_functions():
    assert is_common("password")
    assert is_common("Liverpool2025!")
    assert is_common("aaaaaaaaaaaaaa")
    assert not is_common("kelder-river-lantern-47")
    assert password_problems("kelder-river-lantern-47", "someone@kelderbridge.example") == []
    assert password_problems("someone-kelder-river", "someone@kelderbridge.example") == [
        "Password must not contain your email address"
    ]


@pytest.mark.commits
def test_sign_in_is_rate_limited(app, limiter_switched_back_off):
    """Enabled only here: a separate app with rate limiting on."""

    class Limited(TestConfig):
        RATELIMIT_ENABLED = True

    limited = create_app(Limited)
    try:
        with limited.app_context():
            db.create_all()
        client = limited.test_client()
        token = csrf_token(client)
        statuses = [
            client.post(
                "/sign-in", data={"email": "x@kelderbridge.example", "password": "y", "csrf_token": token}
            ).status_code
            for _ in range(11)
        ]
        assert statuses[:10] == [200] * 10
        assert statuses[10] == 429
        page = check_page_structure(client.post("/sign-in", data={"csrf_token": token}))
        assert page.h1 == "Too many attempts"
    finally:
        with limited.app_context():
            for table in reversed(db.metadata.sorted_tables):
                db.session.execute(table.delete())
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
