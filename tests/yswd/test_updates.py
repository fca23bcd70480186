"""Updates: news posts with the same workflow, the latest on the home page, and their feed."""

from __future__ import annotations

import datetime as dt

from app.extensions import db
from app.models.staff import utcnow
from app.models.yswd import NewsPost

from ..helpers import audit_actions, post_form
from ..pages import check_page_structure
from .workflow import ATOM, create_draft, press_publish, read_feed


def write_post(client, title: str, **changes) -> int:
    data = {
        "title": title,
        "kind": "event",
        "summary": f"Summary of {title}",
        "body": "Come along on **Saturday**.",
        **changes,
    }
    return create_draft(client, "/staff/updates", data)


def publish(client, post_id: int, **data):
    return press_publish(client, f"/staff/updates/{post_id}", **data)


def feed_titles(client) -> list[str]:
    root = read_feed(client, "/updates/feed.atom")
    return [entry.find(f"{ATOM}title").text for entry in root.findall(f"{ATOM}entry")]


def home_updates(get_page) -> list[str]:
    page = get_page("/")
    return [a.get_text(strip=True) for a in page.select(".council-results h3 a")]


def test_published_posts_reach_the_home_page_list_and_feed(app, client, staff, get_page):
    ids = [write_post(client, f"Post {number}") for number in range(4)]
    assert home_updates(get_page) == [] and feed_titles(client) == []
    get_page(f"/updates/{ids[0]}", status=404)
    with app.app_context():
        for offset, post_id in enumerate(ids):
            post = db.session.get(NewsPost, post_id)
            post.state, post.publish_at = "published", utcnow() - dt.timedelta(hours=10 - offset)
        db.session.commit()
    assert home_updates(get_page) == ["Post 3", "Post 2", "Post 1"]
    assert "/updates" in get_page("/").links()
    index = get_page("/updates")
    assert [a.get_text(strip=True) for a in index.select(".council-results h3 a")] == [
        "Post 3",
        "Post 2",
        "Post 1",
        "Post 0",
    ]
    assert feed_titles(client) == ["Post 3", "Post 2", "Post 1", "Post 0"]
    page = get_page(f"/updates/{ids[0]}")
    assert page.h1 == "Post 0" and page.select(".council-prose strong")[0].get_text() == "Saturday"


def test_publish_schedule_and_archive_a_post(app, client, staff, get_page):
    post_id = write_post(client, "Coffee morning")
    later = dt.date.today() + dt.timedelta(days=3)
    publish(client, post_id, when="later", publish_on=[str(later.day), str(later.month), str(later.year)])
    assert "Scheduled" in get_page(f"/staff/updates/{post_id}").select(".govuk-summary-list")[0].get_text()
    assert feed_titles(client) == [] and home_updates(get_page) == []
    publish(client, post_id)
    assert feed_titles(client) == ["Coffee morning"] and home_updates(get_page) == ["Coffee morning"]
    path = f"/staff/updates/{post_id}"
    post_form(client, f"{path}/archive", token_from=path)
    assert feed_titles(client) == [] and home_updates(get_page) == []
    get_page(f"/updates/{post_id}", status=404)
    with app.app_context():
        assert [e.action for e in audit_actions()] == [
            "news_created",
            "news_scheduled",
            "news_published",
            "news_archived",
        ]


def test_editing_a_post_is_audited_and_sanitised(app, client, staff, get_page):
    post_id = write_post(client, "Consultation")
    path = f"/staff/updates/{post_id}"
    page = get_page(path)
    assert page.soup.find("input", attrs={"name": "title"})["value"] == "Consultation"
    response = post_form(
        client,
        path,
        {"title": "Consultation open", "kind": "consultation", "summary": "Tell us", "body": "<script>x()</script> Hi"},
    )
    assert response.status_code == 302
    with app.app_context():
        post = db.session.get(NewsPost, post_id)
        assert post.title == "Consultation open" and "<script" not in post.body_html
        assert [e.action for e in audit_actions()] == ["news_created", "news_edited"]
    invalid = post_form(client, path, {"title": "", "kind": "event", "summary": "s", "body": "b"})
    assert "Enter a title" in check_page_structure(invalid).select(".govuk-error-summary")[0].get_text()
