"""The test harness itself: each test's writes are rolled back, and the default client checks pages."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.models.staff import User

from .factories import create_user

EMAIL = "harness.isolation@kelderbridge.example"


def _users_named(email: str) -> int:
    return db.session.scalar(select(func.count()).select_from(User).where(User.email == email))


@pytest.mark.parametrize("attempt", [1, 2])
def test_committed_rows_do_not_reach_the_next_test(app, attempt):
    """Run twice: the first run's committed account is gone when the second starts."""
    with app.app_context():
        assert _users_named(EMAIL) == 0
        create_user("admin", email=EMAIL)
    with app.app_context():  # another session (another app context) sees the commit
        assert _users_named(EMAIL) == 1


def test_a_rolled_back_session_keeps_earlier_commits_of_the_test(app):
    with app.app_context():
        create_user("admin", email=EMAIL)
        db.session.add(User(email="second@kelderbridge.example", role="admin"))
        db.session.flush()
        db.session.rollback()
        assert _users_named(EMAIL) == 1
        assert _users_named("second@kelderbridge.example") == 0


@pytest.fixture()
def broken_app(app: Flask) -> Flask:
    """A copy of the portal with a route answering an HTML page that has no <h1>."""
    from app import create_app
    from app.config import TestConfig

    broken = create_app(TestConfig)

    @broken.get("/no-heading")
    def no_heading():
        return '<!doctype html><html lang="en"><title>Nothing</title><p>No heading here</p></html>'

    return broken


def test_the_default_client_rejects_a_page_without_one_h1(broken_app):
    with pytest.raises(AssertionError, match="expected one <h1>, found 0"):
        broken_app.test_client().get("/no-heading")


def test_a_client_can_be_told_not_to_check(broken_app):
    client = broken_app.test_client()
    with client.without_page_checks():
        assert client.get("/no-heading").status_code == 200
    with pytest.raises(AssertionError):
        client.get("/no-heading")


@pytest.mark.no_page_checks
def test_the_marker_switches_the_checks_off_for_a_test(broken_app):
    assert broken_app.test_client().get("/no-heading").status_code == 200


def test_the_client_checks_title_and_lang(client):
    page = client.get("/").checked_page
    assert page.title.startswith(page.h1)
    assert page.soup.html["lang"] == "en-GB"
