"""Shared fixtures: the app built by the factory with TestConfig, and get_page()."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.config import TestConfig
from app.extensions import db


@pytest.fixture(scope="session")
def app() -> Iterator[Flask]:
    """One app for the session; content is read-only so it can be shared."""
    application = create_app(TestConfig)
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture()
def clean_db(app: Flask) -> Iterator[None]:
    """Delete every row the test wrote, so database tests do not see each other's data."""
    yield
    with app.app_context():
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()


@pytest.fixture()
def limiter_switched_back_off() -> Iterator[None]:
    """For a test that builds an app with rate limits on: the limiter is shared by every app,
    so afterwards forget its counts and switch it off again for the tests that follow."""
    yield
    from app.extensions import limiter

    limiter.reset()
    limiter.enabled = False


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def runner(app: Flask):
    return app.test_cli_runner()


class Page:
    """A fetched page, parsed, with the structural checks every page must pass."""

    def __init__(self, response, soup: BeautifulSoup) -> None:
        self.response = response
        self.soup = soup

    @property
    def h1(self) -> str:
        return _text(self.soup.find("h1"))

    @property
    def title(self) -> str:
        return _text(self.soup.title)

    def text(self) -> str:
        return _text(self.soup.find("main"))

    def links(self) -> list[str]:
        return [a["href"] for a in self.soup.find_all("a", href=True)]

    def select(self, selector: str):
        return self.soup.select(selector)


def _text(node) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ")).strip() if node else ""


def check_page_structure(response) -> Page:
    """Exactly one <h1>; <title> starts with it (after "Error: " in the page's language only
    when the page shows an error summary); <html lang> set."""
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    page = Page(response, soup)
    path = response.request.path
    h1s = soup.find_all("h1")
    assert len(h1s) == 1, f"{path}: expected one <h1>, found {len(h1s)}"
    lang = soup.html.get("lang")
    assert lang, f"{path}: <html> has no lang"
    title = page.title
    prefix = ""
    if soup.select_one(".govuk-error-summary") and not title.startswith(page.h1):
        prefix = title.split(": ", 1)[0] + ": " if ": " in title else ""
        if lang.startswith("en"):
            assert prefix == "Error: ", f"{path}: an error page's <title> starts with 'Error: ', not {title!r}"
    assert title.startswith(prefix + page.h1), f"{path}: <title> {title!r} does not start with the h1 {page.h1!r}"
    return page


@pytest.fixture()
def get_page(client: FlaskClient):
    """Fetch a page, assert its status, parse it and check its structure."""

    def fetch(path: str, status: int = 200, **kwargs) -> Page:
        response = client.get(path, **kwargs)
        assert response.status_code == status, f"{path}: {response.status_code}"
        return check_page_structure(response)

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

    application = create_app(SearchTestConfig)
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
