"""'Was this page helpful?' on every content page: stored without personal data, works without JavaScript."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models.moderation import Comment
from app.models.surveys import PageFeedback
from app.services import content_store

from ..helpers import csrf_from
from ..pages import check_page_structure

GUIDANCE = "/guidance/the-20-week-journey"


@pytest.fixture(autouse=True)
def _context(app):
    with app.app_context():
        yield


def content_pages(app) -> list[str]:
    store = content_store(app)
    return [
        next(iter(store.services.values())).url,
        next(iter(store.guidance.values())).url,
        next(iter(store.pages.values())).url,
        "/categories/health",
    ]


def stored() -> list[PageFeedback]:
    db.session.expire_all()
    return list(db.session.scalars(select(PageFeedback)))


def give_feedback(client, path: str, data: dict):
    token = csrf_from(client.get(path).get_data(as_text=True))
    return client.post("/page-feedback", data={"csrf_token": token, "path": path, **data})


def test_every_content_page_asks_and_tells_people_not_to_share_personal_details(app, get_page):
    for path in content_pages(app):
        page = get_page(path)
        [form] = page.select("#page-feedback form")
        assert form["method"] == "post" and form["action"] == "/page-feedback"
        assert form.select_one("input[name=path]")["value"] == path
        assert {i["value"] for i in form.select("input[name=helpful]")} == {"yes", "no"}
        assert form.select_one("legend").get_text(strip=True) == "Was this page helpful?"
        assert "Do not include personal details" in form.get_text()
        assert form.select_one(".council-honeypot input[name=website]")
    for path in ["/", "/glossary", "/services"]:
        assert not get_page(path).select("#page-feedback"), path
    assert not get_page("/services/nope", status=404).select("#page-feedback")


def test_feedback_is_stored_and_thanked_once(app, client, get_page):
    response = give_feedback(
        client, GUIDANCE, {"helpful": "no", "text": "When is week 16? Call me on 07700 900123 or jo@example.com"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"{GUIDANCE}#page-feedback"
    thanked = get_page(GUIDANCE)
    assert thanked.soup.select_one("#page-feedback h2").get_text(strip=True) == "Thank you for your feedback"
    assert not thanked.select("#page-feedback form")
    assert get_page(GUIDANCE).select("#page-feedback form"), "the thank-you is shown once"

    [row] = stored()
    assert (row.path, row.locale, row.helpful) == (GUIDANCE, "en", False)
    assert row.text == "When is week 16? Call me on [phone number] or [email]"
    columns = set(PageFeedback.__table__.columns.keys())
    assert columns == {"id", "path", "locale", "helpful", "text", "submitted_on"}, "no address, agent or time of day"
    [comment] = db.session.scalars(select(Comment))
    assert (comment.source, comment.source_ref, comment.text) == ("page_feedback", GUIDANCE, row.text)


def test_yes_without_text_is_enough(client):
    give_feedback(client, "/categories/health", {"helpful": "yes"})
    [row] = stored()
    assert row.helpful is True and row.text is None
    assert db.session.scalars(select(Comment)).all() == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select yes if this page was helpful, or no if it was not"),
        ({"helpful": "maybe"}, "Select yes if this page was helpful, or no if it was not"),
        ({"helpful": "no", "text": "x" * 501}, "Enter what you were looking for in 500 characters or fewer"),
    ],
)
def test_problems_are_explained_on_their_own_page(client, data, message):
    response = give_feedback(client, GUIDANCE, data)
    assert response.status_code == 400
    page = check_page_structure(response)
    assert page.h1 == "Was this page helpful?"
    assert page.title.startswith("Error: Was this page helpful?")
    assert [a.get_text(strip=True) for a in page.select(".govuk-error-summary__list a")] == [message]
    assert page.select(".govuk-back-link")[0]["href"] == GUIDANCE
    assert stored() == []


@pytest.mark.parametrize(
    "path",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/survey",
        "/nope",
        "",
        "/" + "a" * 400,
        # The shape of a content page, but no such page:
        "/guidance/no-such-guidance",
        "/services/no-such-service",
        "/pages/no-such-page",
        "/categories/no-such-category",
    ],
)
def test_feedback_only_for_real_content_pages(client, path):
    token = csrf_from(client.get(GUIDANCE).get_data(as_text=True))
    response = client.post("/page-feedback", data={"csrf_token": token, "path": path, "helpful": "yes"})
    assert response.status_code == 400
    assert stored() == []


def test_honeypot_is_thanked_but_not_stored(client):
    response = give_feedback(client, GUIDANCE, {"helpful": "yes", "website": "http://spam.example"})
    assert response.status_code == 302
    assert stored() == []


def test_feedback_needs_a_csrf_token(client):
    response = client.post("/page-feedback", data={"path": GUIDANCE, "helpful": "yes"})
    assert response.status_code == 400
    assert stored() == []


@pytest.mark.parametrize("lang", ["en", "pl", "ur"])
def test_the_form_on_every_page_is_the_form_rendered_for_that_page(app, lang):
    """The blank form is rendered once per language and reused: each page still gets its own
    path and the session's own token, exactly as rendering the form itself would give."""
    from flask import get_template_attribute

    from app.web.surveys import blank_page_feedback_form, page_feedback_form

    for path in (f"{GUIDANCE}?lang={lang}", f'/services/a&b"<c>?lang={lang}', f"/categories/health?lang={lang}"):
        with app.test_request_context(path):
            fields = get_template_attribute("components/page_feedback_form.html", "page_feedback_fields")
            assert str(blank_page_feedback_form()) == str(fields(page_feedback_form(), False))
