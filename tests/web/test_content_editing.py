"""Staff edit the Local Offer in the browser: forms, drafts, preview, history, locking, approval, retire."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.content import editing
from app.extensions import db
from app.models.notifications import OutboxMessage
from app.models.staff import User
from app.notifications import render

from ..factories import create_user
from ..helpers import act_as, audit_actions, error_messages, form_fields, post_form, signed_in_as

SLUG = "all-wheels-adapted-cycling"
PAGE = f"services/{SLUG}"
EDIT = f"/staff/local-offer/services/{SLUG}/edit"


@pytest.fixture
def officer(app, client) -> User:
    """An officer, signed in on `client`."""
    return signed_in_as(app, client, "officer")


def _create(client, path: str, fields: dict[str, str]) -> None:
    """Fill in a form for new content at `path` and publish it at once."""
    data = {**fields, "base_revision": "", "publish": "Publish"}
    response = post_form(client, path, data, token_from=path)
    assert response.status_code == 302, error_messages(response)


def _form(client, path: str) -> dict[str, object]:
    return form_fields(client.get(path).get_data(as_text=True))


def test_an_officer_publishes_an_edit_and_families_see_it_at_once(app, client, get_page, officer):
    data = _form(client, EDIT)
    assert data["title"] == "All Wheels adapted cycling club"
    data.update(opening_times="Saturdays, 9am to 11am", note="New opening times", publish="Publish")
    response = client.post(EDIT, data=data)
    assert response.status_code == 302, error_messages(response)
    page = get_page(f"/services/{SLUG}")
    assert "Saturdays, 9am to 11am" in page.text()
    with app.app_context():
        assert [e.target_id for e in audit_actions("content_published")] == [PAGE]
        text = editing.current_text(PAGE)
        seed = editing.seed_text(PAGE)
        changed = set(text.splitlines()) ^ set(seed.splitlines())
        assert changed == {
            "opening_times: Saturdays, 9am to 11am",
            next(line for line in seed.splitlines() if line.startswith("opening_times")),
        }


def test_a_bad_field_is_refused_with_the_content_checks_message_in_an_error_summary(app, client, officer):
    data = _form(client, EDIT)
    data.update(age_min="20", age_max="5", note="Ages", publish="Publish")
    response = client.post(EDIT, data=data)
    assert response.status_code == 200
    assert any("age_max (5) is below age_min (20)" in message for message in error_messages(response))
    with app.app_context():
        assert editing.history(PAGE) == []


def test_sendiass_staff_propose_and_an_officer_approves_from_the_queue(app, client, get_page):
    with app.app_context():
        adviser = create_user("sendiass", email="adviser@kelderbridge.example")
        officer = create_user("officer", email="officer@kelderbridge.example")
    act_as(client, adviser)
    data = _form(client, EDIT)
    assert "publish" not in data
    data.update(cost_detail="£3 a session", note="Price rise", propose="Send for approval")
    assert client.post(EDIT, data=data).status_code == 302
    data["publish"] = "Publish"
    assert client.post(EDIT, data=data).status_code == 403  # staff cannot publish
    assert "£3 a session" not in get_page(f"/services/{SLUG}").text()
    act_as(client, officer)
    queue = get_page("/staff/local-offer/approvals")
    assert "£3 a session" in queue.text() and "cost" in queue.text()
    with app.app_context():
        proposal = editing.pending_proposals()[0].id
    response = post_form(
        client, f"/staff/local-offer/approvals/{proposal}/approve", token_from="/staff/local-offer/approvals"
    )
    assert response.status_code == 302
    assert "£3 a session" in get_page(f"/services/{SLUG}").text()
    with app.app_context():
        assert [e.action for e in audit_actions() if e.target_type == "content"] == [
            "content_proposed",
            "content_approved",
        ]


def test_an_officer_rejects_a_proposal_with_a_reason(app, client, get_page):
    with app.app_context():
        officer = create_user("officer")
        proposal = editing.propose_change(
            PAGE, {"opening_times": "Never"}, None, source="provider", note="x", reply_to="provider@allwheels.example"
        ).id
        db.session.commit()
    act_as(client, officer)
    path = f"/staff/local-offer/approvals/{proposal}/reject"
    assert "Enter why you are rejecting this change" in error_messages(
        post_form(client, path, {"reason": ""}, token_from=path)
    )
    response = post_form(client, path, {"reason": "We phoned them: they are open."}, token_from=path)
    assert response.status_code == 302
    page = get_page(f"/staff/local-offer/revisions/{proposal}")
    assert "We phoned them: they are open." in page.text()
    with app.app_context():
        assert [e.action for e in audit_actions("content_rejected")] == ["content_rejected"]
        sent = db.session.scalars(select(OutboxMessage)).all()
        assert [(m.recipient, m.template) for m in sent] == [("provider@allwheels.example", "content_rejected")]
        assert "We phoned them: they are open." in render(sent[0]).body


def test_a_second_save_on_an_old_version_is_refused_with_the_difference(app, client):
    with app.app_context():
        first = create_user("officer", email="first@kelderbridge.example")
        second = create_user("officer", email="second@kelderbridge.example")
    act_as(client, first)
    mine = _form(client, EDIT)
    act_as(client, second)
    theirs = _form(client, EDIT)
    theirs.update(address="1 New Road, Kelderbridge KB1 1AA", note="Moved", publish="Publish")
    assert client.post(EDIT, data=theirs).status_code == 302
    act_as(client, first)
    mine.update(opening_times="Every day", note="Hours", publish="Publish")
    refused = client.post(EDIT, data=mine)
    assert refused.status_code == 409
    body = refused.get_data(as_text=True)
    assert "Someone else published a change to this page after you started" in body
    assert "1 New Road, Kelderbridge KB1 1AA" in body
    with app.app_context():
        assert "Every day" not in editing.current_text(PAGE)


def test_a_draft_preview_shows_the_page_as_families_will_see_it_sanitised(app, client, get_page):
    signed_in_as(app, client, "sendiass")
    data = _form(client, EDIT)
    data.update(body="Hello <script>alert(1)</script> **families**\n", note="Try", save_draft="Save as draft")
    response = client.post(EDIT, data=data)
    assert response.status_code == 302
    preview = get_page(response.headers["Location"] + "/preview")
    assert preview.h1 == "All Wheels adapted cycling club"
    assert "This is a preview of version" in preview.soup.get_text()
    assert "<strong>families</strong>" in str(preview.soup) and "<script>alert" not in str(preview.soup)
    assert "Hello" not in get_page(f"/services/{SLUG}").text()  # a draft is not public


def test_retired_service_leaves_lists_search_and_sitemap_and_says_it_has_closed(app, client, get_page, officer):
    path = f"/staff/local-offer/services/{SLUG}/retire"
    response = post_form(client, path, {"note": "Club closed", "base_revision": ""}, token_from=path)
    assert response.status_code == 302
    gone = client.get(f"/services/{SLUG}")
    assert gone.status_code == 410
    assert "This service has closed" in gone.get_data(as_text=True)
    assert f"/services/{SLUG}" not in client.get("/sitemap.xml").get_data(as_text=True)
    assert f"/services/{SLUG}" not in get_page("/categories/leisure").links()
    with app.app_context():
        assert [e.action for e in audit_actions() if e.target_type == "content"] == ["content_retired"]
        restored = editing.restore(PAGE, None, note="Open again", author_id=officer.id)
        db.session.commit()
        assert restored.status == "published"
    assert get_page(f"/services/{SLUG}").h1 == "All Wheels adapted cycling club"


def test_history_compares_any_two_versions_and_an_officer_restores_one(app, client, get_page):
    with app.app_context():
        officer = create_user("officer")
        first = editing.publish_change(PAGE, {"opening_times": "Mondays"}, None, note="one", author_id=officer.id).id
        second = editing.publish_change(PAGE, {"opening_times": "Tuesdays"}, None, note="two", author_id=officer.id).id
        db.session.commit()
    act_as(client, officer)
    page = get_page(f"/staff/local-offer/services/{SLUG}/history?from={first}&to={second}")
    assert "opening_times" in page.text() and "Mondays" in page.text() and "Tuesdays" in page.text()
    path = f"/staff/local-offer/revisions/{first}/restore"
    response = post_form(client, path, {"note": "Back to Mondays", "base_revision": str(second)}, token_from=path)
    assert response.status_code == 302
    assert "Mondays" in get_page(f"/services/{SLUG}").text()
    with app.app_context():
        assert [e.action for e in audit_actions("content_restored")] == ["content_restored"]


def test_a_new_glossary_term_marks_up_its_abbreviation_on_every_page(client, get_page, officer):
    _create(
        client,
        "/staff/local-offer/glossary/new",
        {
            "term": "Adapted bikes club",
            "abbreviation": "ABC",
            "definition": "A club with bikes for everyone.",
            "note": "New term",
        },
    )
    assert "Adapted bikes club" in get_page("/glossary").text()


def test_a_new_page_is_created_and_published(client, get_page, officer):
    _create(
        client,
        "/staff/local-offer/pages/new",
        {
            "slug": "holiday-opening",
            "title": "Holiday opening",
            "summary": "When we are open over the holidays.",
            "body": "We are open every weekday.\n",
            "note": "New page",
        },
    )
    assert get_page("/pages/holiday-opening").h1 == "Holiday opening"
