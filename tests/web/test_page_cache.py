"""Public pages kept rendered: the same for every plain visitor, never for anyone else, never stale."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import template_rendered

from app import clock
from app.services import content_store

from ..factories import create_post
from ..helpers import csrf_from, error_messages, form_fields, signed_in_as

SLUG = "all-wheels-adapted-cycling"
SERVICE = f"/services/{SLUG}"


@pytest.fixture
def renders(app):
    """The names of the templates rendered as pages while the test runs."""
    names: list[str] = []

    def record(sender, template, context, **extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    yield names
    template_rendered.disconnect(record, app)


def _my_list_button(body: str) -> str:
    start = body.index(f'id="my-list-{SLUG}"')
    return body[start : body.index("</form>", start)]


def test_a_page_is_rendered_once_and_each_visitor_gets_their_own_working_form_token(app, renders):
    first, second = app.test_client(), app.test_client()
    one = first.get(SERVICE).get_data(as_text=True)
    two = second.get(SERVICE).get_data(as_text=True)
    assert renders.count("public/service.html") == 1
    token_one, token_two = csrf_from(one), csrf_from(two)
    assert token_one != token_two
    assert one.replace(token_one, "") == two.replace(token_two, "")
    # The kept page's token is the second visitor's own: their form is accepted.
    response = second.post("/my-list/add", data={"csrf_token": token_two, "slug": SLUG})
    assert response.status_code == 302
    # ...and the first visitor's token is not theirs.
    assert second.post("/my-list/add", data={"csrf_token": token_one, "slug": SLUG}).status_code == 400


def test_a_visitor_with_a_list_gets_their_own_page_and_others_still_get_theirs(app, renders):
    family, other = app.test_client(), app.test_client()
    assert "Add to my list" in _my_list_button(other.get(SERVICE).get_data(as_text=True))
    token = csrf_from(family.get(SERVICE).get_data(as_text=True))
    family.post("/my-list/add", data={"csrf_token": token, "slug": SLUG})
    theirs = family.get(SERVICE).get_data(as_text=True)
    assert "Remove" in _my_list_button(theirs)
    assert "My list (1)" in theirs
    again = other.get(SERVICE).get_data(as_text=True)
    assert "Add to my list" in _my_list_button(again)
    assert "My list (0)" in again
    # Rendered once for everyone with nothing in their session, and once for the family's list.
    assert renders.count("public/service.html") == 2


def test_each_language_has_its_own_page(app):
    reader = app.test_client()
    english = reader.get(SERVICE).get_data(as_text=True)
    polish = reader.get(SERVICE, headers={"Accept-Language": "pl"}).get_data(as_text=True)
    assert '<html lang="en-GB"' in english
    assert '<html lang="pl"' in polish
    assert "Usługi" in polish and "Usługi" not in english


def test_an_edit_published_by_staff_is_shown_at_once(app, client):
    family = app.test_client()
    assert "Saturdays, 9am to 11am" not in family.get(SERVICE).get_data(as_text=True)
    signed_in_as(app, client, "officer")
    edit = f"/staff/local-offer/services/{SLUG}/edit"
    data = form_fields(client.get(edit).get_data(as_text=True))
    data.update(opening_times="Saturdays, 9am to 11am", note="New opening times", publish="Publish")
    response = client.post(edit, data=data)
    assert response.status_code == 302, error_messages(response)
    assert "Saturdays, 9am to 11am" in family.get(SERVICE).get_data(as_text=True)


def test_a_page_past_its_review_date_warns_from_that_day(app, monkeypatch):
    with app.app_context():
        due = content_store().services[SLUG].meta.review_due
    family = app.test_client()
    monkeypatch.setattr(clock, "today", lambda: due)
    assert "was due to be checked" not in family.get(SERVICE).get_data(as_text=True)
    monkeypatch.setattr(clock, "today", lambda: due + dt.timedelta(days=1))
    assert "was due to be checked" in family.get(SERVICE).get_data(as_text=True)


def test_news_published_shows_on_the_home_page_at_once(app):
    family = app.test_client()
    assert "Holiday club places open" not in family.get("/").get_data(as_text=True)
    with app.app_context():
        create_post(
            title="Holiday club places open",
            state="published",
            publish_at=clock.utcnow() - dt.timedelta(minutes=1),
        )
    assert "Holiday club places open" in family.get("/").get_data(as_text=True)


def test_signed_in_staff_never_get_a_kept_page(app, client, renders):
    app.test_client().get(SERVICE)
    signed_in_as(app, client, "officer")
    client.get(SERVICE)
    assert renders.count("public/service.html") == 2


def test_no_pages_are_kept_when_switched_off(app, renders, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_CACHE_SIZE", 0)
    app.test_client().get(SERVICE)
    app.test_client().get(SERVICE)
    assert renders.count("public/service.html") == 2


def test_a_page_kept_for_one_host_name_is_not_served_for_another(app):
    """Without PUBLIC_BASE_URL (development), the printed address follows the request's host."""
    family = app.test_client()
    first = family.get(SERVICE, base_url="http://localhost").get_data(as_text=True)
    second = family.get(SERVICE, base_url="http://127.0.0.1:5000").get_data(as_text=True)
    assert f"http://localhost{SERVICE}" in first
    assert f"http://127.0.0.1:5000{SERVICE}" in second
