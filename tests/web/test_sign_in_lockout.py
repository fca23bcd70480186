"""Sign-in under attack: failures are counted atomically, so parallel guesses cannot
get more than five passwords checked per lock period; every refusal looks and takes the
same; a stranger cannot lock a colleague out of their own browser; admins can unlock.

Runs against a file-based SQLite database (each thread has its own connection) and,
when TEST_DATABASE_URL is set, against that database too (PostgreSQL in CI).
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import staff as staff_model
from app.models.staff import MAX_FAILED_ATTEMPTS, SignInDevice, User, utcnow
from app.web.auth import DEVICE_COOKIE

from ..factories import PASSWORD
from ..factories import create_user as make_user
from ..helpers import audit_actions, csrf_token, post_form
from ..pages import check_page_structure

ATTEMPTS = 30

pytestmark = pytest.mark.commits


@pytest.fixture()
def counted_checks(monkeypatch) -> list[str]:
    """Every password hash checked during the test: 'real' for an account's hash, 'dummy' otherwise."""
    checks: list[str] = []
    lock = threading.Lock()
    real_check = staff_model.check_password_hash

    def counting(pwhash: str, password: str) -> bool:
        with lock:
            checks.append("dummy" if pwhash == staff_model.dummy_hash() else "real")
        return real_check(pwhash, password)

    monkeypatch.setattr(staff_model, "check_password_hash", counting)
    return checks


def test_thirty_parallel_wrong_passwords_get_at_most_five_checked(shared_app, counted_checks):
    with shared_app.app_context():
        user = make_user("admin", email="target@kelderbridge.example")
    clients = [shared_app.test_client() for _ in range(ATTEMPTS)]
    tokens = [csrf_token(client) for client in clients]
    barrier = threading.Barrier(ATTEMPTS)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def guess(index: int) -> None:
        try:
            barrier.wait(timeout=20)
            response = clients[index].post(
                "/sign-in",
                data={
                    "email": "target@kelderbridge.example",
                    "password": f"wrong-guess-{index:04d}",
                    "csrf_token": tokens[index],
                },
                environ_base={"REMOTE_ADDR": f"203.0.113.{index + 1}"},
            )
            statuses.append(response.status_code)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(ATTEMPTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert statuses == [200] * ATTEMPTS
    assert counted_checks.count("real") <= MAX_FAILED_ATTEMPTS, counted_checks
    assert len(counted_checks) == ATTEMPTS  # every attempt did the same work

    # The right password, from a browser that never signed in to this account, is refused.
    stranger = shared_app.test_client()
    response = stranger.post(
        "/sign-in",
        data={"email": "target@kelderbridge.example", "password": PASSWORD, "csrf_token": csrf_token(stranger)},
    )
    assert response.status_code == 200
    assert stranger.get("/staff/").status_code == 302
    with shared_app.app_context():
        assert db.session.get(User, user.id).is_locked()


# Enumeration and lock-outs by strangers (single-threaded, on the suite's database) ----------

WRONG = "not-the-password-at-all"


def _attempt(client, email: str, password: str):
    return client.post("/sign-in", data={"email": email, "password": password, "csrf_token": csrf_token(client)})


def _lock(app, email: str) -> None:
    stranger = app.test_client()
    for _ in range(MAX_FAILED_ATTEMPTS):
        _attempt(stranger, email, WRONG)
    with app.app_context():
        assert User.by_email(email).is_locked()


def test_unknown_deactivated_locked_and_wrong_all_answer_alike(app, counted_checks):
    """Same message, same work (one hash checked) and about the same time for every case."""
    with app.app_context():
        make_user(email="known@kelderbridge.example")
        make_user(email="gone@kelderbridge.example", active=False)
        make_user(email="locked@kelderbridge.example")
    _lock(app, "locked@kelderbridge.example")
    cases = {
        "wrong password": ("known@kelderbridge.example", WRONG),
        "unknown email": ("nobody@kelderbridge.example", PASSWORD),
        "deactivated": ("gone@kelderbridge.example", PASSWORD),
        "locked": ("locked@kelderbridge.example", PASSWORD),
    }
    clients = {name: app.test_client() for name in cases}
    tokens = {name: csrf_token(client) for name, client in clients.items()}
    messages, durations = {}, {name: [] for name in cases}
    for _round in range(5):  # the cases take turns, so a busy machine slows them all alike
        for name, (email, password) in cases.items():
            counted_checks.clear()
            started = time.perf_counter()
            response = clients[name].post(
                "/sign-in", data={"email": email, "password": password, "csrf_token": tokens[name]}
            )
            durations[name].append(time.perf_counter() - started)
            assert len(counted_checks) == 1, f"{name}: {counted_checks}"
            page = check_page_structure(response)
            messages[name] = (response.status_code, page.select(".govuk-error-summary")[0].get_text(" ", strip=True))
    times = {name: sorted(values)[2] for name, values in durations.items()}
    assert len(set(messages.values())) == 1, messages
    reference = times["wrong password"]
    for median in times.values():
        assert 0.5 * reference <= median <= 2 * reference, times


def test_a_stranger_cannot_lock_a_colleague_out_of_their_own_browser(app):
    with app.app_context():
        make_user(email="colleague@kelderbridge.example")
    own_browser = app.test_client()
    assert _attempt(own_browser, "colleague@kelderbridge.example", PASSWORD).status_code == 302
    own_browser.post("/sign-out", data={"csrf_token": csrf_token(own_browser, "/staff/")})
    assert own_browser.get_cookie(DEVICE_COOKIE, path="/sign-in") is not None

    _lock(app, "colleague@kelderbridge.example")
    for _ in range(10):  # the stranger keeps trying: still nothing checked, still locked for them
        _attempt(app.test_client(), "colleague@kelderbridge.example", PASSWORD)
    assert app.test_client().get("/staff/").status_code == 302

    response = _attempt(own_browser, "colleague@kelderbridge.example", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"


def test_a_remembered_browser_is_locked_after_its_own_five_failures(app, counted_checks):
    with app.app_context():
        make_user(email="owner@kelderbridge.example")
    browser = app.test_client()
    _attempt(browser, "owner@kelderbridge.example", PASSWORD)
    browser.post("/sign-out", data={"csrf_token": csrf_token(browser, "/staff/")})
    counted_checks.clear()
    for _ in range(MAX_FAILED_ATTEMPTS + 3):
        _attempt(browser, "owner@kelderbridge.example", WRONG)
    assert counted_checks.count("real") == MAX_FAILED_ATTEMPTS
    assert _attempt(browser, "owner@kelderbridge.example", PASSWORD).status_code == 200


def test_an_admin_unlocks_an_account_from_the_staff_accounts_page(app):
    with app.app_context():
        target = make_user(email="unlock-me@kelderbridge.example")
        make_user("admin", email="unlocker@kelderbridge.example")
        make_user("officer", email="not-admin@kelderbridge.example")
    _lock(app, "unlock-me@kelderbridge.example")

    officer = app.test_client()
    _attempt(officer, "not-admin@kelderbridge.example", PASSWORD)
    assert (
        officer.post(
            f"/staff/users/{target.id}/unlock", data={"csrf_token": csrf_token(officer, "/staff/")}
        ).status_code
        == 403
    )

    admin = app.test_client()
    _attempt(admin, "unlocker@kelderbridge.example", PASSWORD)
    page = check_page_structure(admin.get(f"/staff/users/{target.id}"))
    assert "Locked" in page.text()
    form = page.soup.find("form", action=f"/staff/users/{target.id}/unlock")
    assert form is not None and form.find("input", {"name": "csrf_token"}) is not None
    assert admin.post(f"/staff/users/{target.id}/unlock", data={}).status_code == 400  # no CSRF token
    response = post_form(admin, f"/staff/users/{target.id}/unlock", token_from=f"/staff/users/{target.id}")
    assert response.status_code == 302
    with app.app_context():
        assert not User.by_email("unlock-me@kelderbridge.example").is_locked()
        (event,) = audit_actions("user_unlocked")
        assert event.user_email == "unlocker@kelderbridge.example" and event.target_id == str(target.id)
    assert _attempt(app.test_client(), "unlock-me@kelderbridge.example", PASSWORD).status_code == 302


def test_each_lock_in_a_row_lasts_twice_as_long_until_a_successful_sign_in(app):
    with app.app_context():
        user = make_user(email="backoff@kelderbridge.example")
    expected = [15, 30, 60, 120, 240, 240]
    for minutes in expected:
        _lock(app, "backoff@kelderbridge.example")
        with app.app_context():
            locked = db.session.get(User, user.id)
            remaining = locked.locked_until - utcnow()
            assert dt.timedelta(minutes=minutes - 1) < remaining <= dt.timedelta(minutes=minutes), (minutes, remaining)
            locked.locked_until = utcnow() - dt.timedelta(seconds=1)  # the lock runs out
            db.session.commit()
    assert _attempt(app.test_client(), "backoff@kelderbridge.example", PASSWORD).status_code == 302
    _lock(app, "backoff@kelderbridge.example")
    with app.app_context():
        remaining = db.session.get(User, user.id).locked_until - utcnow()
        assert dt.timedelta(minutes=14) < remaining <= dt.timedelta(minutes=15)  # back to the first step


def test_browsers_unused_for_ninety_days_are_forgotten(app):
    with app.app_context():
        user = make_user(email="forgetful@kelderbridge.example")
    old_browser, new_browser = app.test_client(), app.test_client()
    _attempt(old_browser, "forgetful@kelderbridge.example", PASSWORD)
    old_browser.post("/sign-out", data={"csrf_token": csrf_token(old_browser, "/staff/")})
    with app.app_context():
        (device,) = db.session.scalars(select(SignInDevice).where(SignInDevice.user_id == user.id))
        device.last_used_at = utcnow() - dt.timedelta(days=91)
        db.session.commit()
    _lock(app, "forgetful@kelderbridge.example")
    # The old browser no longer counts as one the account signed in on: it is locked out too.
    assert _attempt(old_browser, "forgetful@kelderbridge.example", PASSWORD).status_code == 200
    with app.app_context():
        db.session.get(User, user.id).unlock()
        db.session.commit()
    _attempt(new_browser, "forgetful@kelderbridge.example", PASSWORD)
    with app.app_context():
        remaining = db.session.scalars(select(SignInDevice).where(SignInDevice.user_id == user.id)).all()
        assert len(remaining) == 1 and remaining[0].last_used_at > utcnow() - dt.timedelta(minutes=1)
