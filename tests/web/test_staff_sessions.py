"""Staff sessions really end: a copied session cookie stops working after sign-out, a new
password, deactivation or a role change, on every instance of the portal; and no session
outlives its maximum age, however active."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.config import TestConfig
from app.extensions import db
from app.models.staff import User

from ..factories import PASSWORD
from ..factories import create_user as make_user
from ..helpers import audit_actions, csrf_token, open_link, post_form, sign_in
from ..pages import check_page_structure

pytestmark = pytest.mark.commits


def copy_session(source: FlaskClient, target: FlaskClient) -> None:
    """What an attacker does with a stolen cookie: send it from another browser."""
    target.set_cookie("session", source.get_cookie("session").value)


def signed_in_pair(app: Flask, email: str, role: str = "officer") -> tuple[FlaskClient, FlaskClient, User]:
    """A signed-in browser and a second browser holding a copy of its session cookie."""
    with app.app_context():
        user = make_user(role, email=email)
    browser, thief = app.test_client(), app.test_client()
    assert sign_in(browser, email).status_code == 302
    copy_session(browser, thief)
    assert thief.get("/staff/").status_code == 200  # the copy works while the session lives
    return browser, thief, user


def test_a_copied_cookie_stops_working_after_sign_out(app):
    browser, thief, _user = signed_in_pair(app, "out@kelderbridge.example")
    browser.post("/sign-out", data={"csrf_token": csrf_token(browser, "/staff/")})
    assert thief.get("/staff/").status_code == 302


def test_sign_out_ends_the_users_other_sessions_too(app):
    browser, _thief, _user = signed_in_pair(app, "two@kelderbridge.example")
    laptop = app.test_client()
    sign_in(laptop, "two@kelderbridge.example")
    browser.post("/sign-out", data={"csrf_token": csrf_token(browser, "/staff/")})
    assert laptop.get("/staff/").status_code == 302


def test_a_copied_cookie_stops_working_after_a_new_password(app):
    browser, thief, user = signed_in_pair(app, "pw@kelderbridge.example")
    with app.app_context():
        token = db.session.get(User, user.id).issue_set_password_token()
        db.session.commit()
    open_link(browser, f"/set-password/{token}")
    new_password = "another-river-lantern-58"
    response = browser.post(
        "/set-password",
        data={"password": new_password, "confirm": new_password, "csrf_token": csrf_token(browser, "/set-password")},
    )
    assert response.headers["Location"] == "/sign-in"
    assert thief.get("/staff/").status_code == 302
    assert browser.get("/staff/").status_code == 302


@pytest.mark.parametrize("change", ["deactivate", "role"])
def test_a_copied_cookie_stops_working_after_deactivation_or_a_role_change(app, change):
    _browser, thief, user = signed_in_pair(app, f"{change}@kelderbridge.example")
    with app.app_context():
        make_user("admin", email=f"admin-{change}@kelderbridge.example")
    admin = app.test_client()
    sign_in(admin, f"admin-{change}@kelderbridge.example")
    if change == "deactivate":
        response = post_form(admin, f"/staff/users/{user.id}/deactivate", token_from=f"/staff/users/{user.id}")
    else:
        response = post_form(admin, f"/staff/users/{user.id}", {"role": "sendiass"})
    assert response.status_code == 302
    assert thief.get("/staff/").status_code == 302
    if change == "role":  # signing in again works, with the new role
        fresh = app.test_client()
        sign_in(fresh, f"{change}@kelderbridge.example")
        assert fresh.get("/staff/").status_code == 200
        assert fresh.get("/staff/moderation").status_code == 403


def test_no_session_outlives_its_maximum_age(app, get_page, client):
    with app.app_context():
        make_user(email="long@kelderbridge.example")
    sign_in(client, "long@kelderbridge.example")
    with client.session_transaction() as session:
        session["signed_in_at"] = int(time.time()) - 12 * 3600 - 60
        session["last_seen"] = int(time.time()) - 60  # busy all along
    response = client.get("/staff/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    page = check_page_structure(client.get(response.headers["Location"]))
    assert "a session lasts at most 12 hours" in page.text()
    assert client.get("/staff/").status_code == 302
    with app.app_context():
        assert len(audit_actions("session_expired")) == 1


def test_the_maximum_age_is_configurable():
    class Short(TestConfig):
        STAFF_SESSION_MAX_HOURS = 2

    assert create_app(Short).config["STAFF_SESSION_MAX_HOURS"] == 2


@pytest.fixture(params=["sqlite-file", "postgresql"])
def two_instances(request, tmp_path) -> Iterator[tuple[Flask, Flask]]:
    """Two separately built portals (as on two hosts) sharing one database and secret."""
    if request.param == "postgresql":
        url = os.environ.get("TEST_DATABASE_URL", "")
        if not url.startswith("postgresql"):
            pytest.skip("set TEST_DATABASE_URL to a PostgreSQL database to run this")
        request.getfixturevalue("app")  # creates the tables
    else:
        url = f"sqlite:///{tmp_path / 'shared.db'}"

    class SharedConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    first, second = create_app(SharedConfig), create_app(SharedConfig)
    with first.app_context():
        db.create_all()
    yield first, second
    for instance in (first, second):
        with instance.app_context():
            db.session.remove()
            db.engine.dispose()


def test_sign_out_on_one_instance_ends_the_session_on_the_other(two_instances):
    first, second = two_instances
    with first.app_context():
        make_user("admin", email="hosts@kelderbridge.example", password=PASSWORD)
    browser, elsewhere = first.test_client(), second.test_client()
    assert sign_in(browser, "hosts@kelderbridge.example").status_code == 302
    copy_session(browser, elsewhere)
    assert elsewhere.get("/staff/").status_code == 200
    browser.post("/sign-out", data={"csrf_token": csrf_token(browser, "/staff/")})
    assert elsewhere.get("/staff/").status_code == 302
