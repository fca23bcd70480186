"""Shared fixtures: the app built by the factory with TestConfig, per-test isolation, get_page()."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.config import TestConfig
from app.extensions import db
from app.web.page_cache import forget_rendered_pages

from .helpers import running_app
from .isolation import delete_all_rows, rolled_back
from .local_servers import NOTIFY_API_KEY, FakeNotifyServer, LocalSmtpServer
from .pages import Page, PageCheckingClient, check_page_structure

#: Every app built in the tests hands out the page-checking client by default.
Flask.test_client_class = PageCheckingClient


@pytest.fixture(scope="session")
def app() -> Iterator[Flask]:
    """One app for the session; content is read-only so it can be shared."""
    with running_app(TestConfig) as application:
        yield application
        with application.app_context():
            db.session.remove()
            db.drop_all()


@pytest.fixture(autouse=True)
def _isolated(request: pytest.FixtureRequest, app: Flask) -> Iterator[None]:
    """Every test runs inside one transaction on `app`'s database, rolled back afterwards.

    A test whose writes must be seen through other connections (threads, a second app)
    opts out with `@pytest.mark.commits`: its writes are committed, and every row is deleted
    after it. `@pytest.mark.no_page_checks` switches off the page-structure checks of the
    test client for tests that deliberately fetch broken pages.
    """
    PageCheckingClient.checks_enabled = request.node.get_closest_marker("no_page_checks") is None
    forget_rendered_pages(app)
    try:
        if request.node.get_closest_marker("commits"):
            yield
            delete_all_rows(app)
        else:
            with rolled_back(app):
                yield
    finally:
        PageCheckingClient.checks_enabled = True


@pytest.fixture()
def limiter_switched_back_off() -> Iterator[None]:
    """For a test that builds an app with rate limits on: the limiter is shared by every app,
    so afterwards forget its counts and switch it off again for the tests that follow."""
    yield
    from app.extensions import limiter

    limiter.reset()
    limiter.enabled = False


@pytest.fixture()
def survey_limited_client(tmp_path: Path, limiter_switched_back_off: None) -> Iterator[FlaskClient]:
    """A client of another app with rate limits on: SURVEY_RATE_LIMIT is 2 a minute, and no
    CSRF tokens are needed."""

    class Limited(TestConfig):
        RATELIMIT_ENABLED = True
        SURVEY_RATE_LIMIT = "2 per minute"
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'limited.db'}"
        WTF_CSRF_ENABLED = False

    with running_app(Limited) as limited:
        yield limited.test_client()


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture()
def get_page(client: FlaskClient):
    """Fetch a page, assert its status, parse it and check its structure."""

    def fetch(path: str, status: int = 200, **kwargs) -> Page:
        response = client.get(path, **kwargs)
        assert response.status_code == status, f"{path}: {response.status_code}"
        return check_page_structure(response)  # already checked by the client: parsed once

    return fetch


@pytest.fixture(scope="session")
def search_index_dir(tmp_path_factory) -> Path:
    """A search index built from content/ into a temporary folder, once per run."""
    from app.content import load_store
    from app.search import build_index

    index_dir = tmp_path_factory.mktemp("search_index")
    build_index(load_store(Path(TestConfig.CONTENT_DIR)), index_dir)
    return index_dir


@pytest.fixture(scope="session")
def search_app(search_index_dir: Path) -> Iterator[Flask]:
    """An app whose search reads the fresh index in `search_index_dir` (not search_index/)."""

    class SearchTestConfig(TestConfig):
        SEARCH_INDEX_DIR = search_index_dir

    with running_app(SearchTestConfig) as application:
        yield application


@pytest.fixture()
def smtp_server(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalSmtpServer]:
    """A real SMTP server on a loopback port, and the app's email set to go through it."""
    server = LocalSmtpServer().start()
    yield from _sending_through(
        server,
        app,
        monkeypatch,
        {
            "NOTIFICATIONS_EMAIL_TRANSPORT": "smtp",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": server.port,
            "SMTP_STARTTLS": False,
            "SMTP_USERNAME": server.username,
            "SMTP_PASSWORD": server.password,
            "MAIL_FROM": "Kelderbridge Local Offer <localoffer@kelderbridge.example>",
        },
    )


@pytest.fixture()
def notify_server(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeNotifyServer]:
    """A local server answering like GOV.UK Notify, and the app set to send through it."""
    server = FakeNotifyServer().start()
    yield from _sending_through(
        server,
        app,
        monkeypatch,
        {
            "NOTIFICATIONS_EMAIL_TRANSPORT": "notify",
            "NOTIFY_API_KEY": NOTIFY_API_KEY,
            "NOTIFY_BASE_URL": server.base_url,
            "NOTIFY_TEMPLATE_IDS": "email=0b7c0f3c-email-template,sms=5f1e2d3c-sms-template",
        },
    )


def _sending_through(
    server: LocalSmtpServer | FakeNotifyServer, app: Flask, monkeypatch: pytest.MonkeyPatch, settings: dict
) -> Iterator[LocalSmtpServer | FakeNotifyServer]:
    """The app's messages set (by `settings`) to go through `server`, which is stopped afterwards."""
    for name, value in settings.items():
        monkeypatch.setitem(app.config, name, value)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite-file", "postgresql"])
def shared_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app whose database every thread reaches through its own connection: a SQLite file,
    and the PostgreSQL database of TEST_DATABASE_URL when it is set."""
    if request.param == "postgresql":
        if not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
            pytest.skip("set TEST_DATABASE_URL to a PostgreSQL database to run this")
        yield request.getfixturevalue("app")
        return

    class FileConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'shared.db'}"

    with running_app(FileConfig) as app:
        yield app
