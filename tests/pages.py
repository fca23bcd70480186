"""Page-structure checks every HTML page must pass, and the test client that runs them.

Every HTML response the test client receives (status other than a redirect) is parsed and
checked: exactly one <h1>, a <title> starting with it, and <html lang>. A test that fetches a
deliberately broken page opts out with `@pytest.mark.no_page_checks` or, for a few requests,
`with client.without_page_checks(): ...`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import lxml.html
from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from werkzeug.test import TestResponse


class Page:
    """A fetched page: its h1 and title from the structure check, parsed fully when asked."""

    def __init__(self, response, h1: str, title: str) -> None:
        self.response = response
        self.h1 = h1
        self.title = title
        self._soup: BeautifulSoup | None = None

    @property
    def soup(self) -> BeautifulSoup:
        if self._soup is None:
            self._soup = BeautifulSoup(self.response.get_data(as_text=True), "html.parser")
        return self._soup

    def text(self) -> str:
        return _text(self.soup.find("main"))

    def links(self) -> list[str]:
        return [a["href"] for a in self.soup.find_all("a", href=True)]

    def select(self, selector: str):
        return self.soup.select(selector)


def _text(node) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ")).strip() if node else ""


def _element_text(element) -> str:
    """An element's text as BeautifulSoup's get_text(" ") gives it, whitespace collapsed."""
    return re.sub(r"\s+", " ", " ".join(element.xpath(".//text()"))).strip() if element is not None else ""


def check_page_structure(response) -> Page:
    """Exactly one <h1>; <title> starts with it (after "Error: " in the page's language only
    when the page shows an error summary); <html lang> set. Checked once per response (lxml:
    fast enough to run on every page the test client sees)."""
    page = getattr(response, "checked_page", None)
    if page is not None:
        return page
    document = lxml.html.document_fromstring(response.get_data(as_text=True))
    path = response.request.path
    h1s = document.xpath("//h1")
    assert len(h1s) == 1, f"{path}: expected one <h1>, found {len(h1s)}"
    root = document.getroottree().getroot()
    lang = root.get("lang") if root.tag == "html" else None
    assert lang, f"{path}: <html> has no lang"
    h1, title = _element_text(h1s[0]), _element_text(document.find(".//title"))
    prefix = ""
    if document.find_class("govuk-error-summary") and not title.startswith(h1):
        prefix = title.split(": ", 1)[0] + ": " if ": " in title else ""
        if lang.startswith("en"):
            assert prefix == "Error: ", f"{path}: an error page's <title> starts with 'Error: ', not {title!r}"
    assert title.startswith(prefix + h1), f"{path}: <title> {title!r} does not start with the h1 {h1!r}"
    page = Page(response, h1, title)
    response.checked_page = page
    return page


def is_html_page(response: TestResponse) -> bool:
    """A page a person would see: HTML, not a redirect, with a body."""
    return response.mimetype == "text/html" and not 300 <= response.status_code < 400 and bool(response.get_data())


class PageCheckingClient(FlaskClient):
    """The default test client: checks the structure of every HTML page it receives."""

    #: Switched off for one test by the `no_page_checks` marker (see conftest).
    checks_enabled = True

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.check_pages = True

    def open(self, *args, **kwargs) -> TestResponse:
        response = super().open(*args, **kwargs)
        if self.check_pages and PageCheckingClient.checks_enabled and is_html_page(response):
            check_page_structure(response)
        return response

    @contextmanager
    def without_page_checks(self) -> Iterator[FlaskClient]:
        """For requests that deliberately fetch something that is not a well-formed page."""
        self.check_pages = False
        try:
            yield self
        finally:
            self.check_pages = True
