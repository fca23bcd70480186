"""Near where you live: a postcode sorts services nearest first, with distances and map links."""

from __future__ import annotations

import pytest
from flask import Flask

from app.places import Point
from app.places.near import service_places
from app.services import content_store

from ..factories import load_demo_gazetteer
from ..helpers import error_messages


@pytest.fixture()
def app(search_app: Flask) -> Flask:
    """These tests use the app whose index was built fresh from content/, and the demo gazetteer."""
    with search_app.app_context():
        load_demo_gazetteer()
    return search_app


def _results(page) -> list[str]:
    return [a["href"] for a in page.select("#results h2 a")]


def _distances(page) -> list[str]:
    return [p.get_text(" ", strip=True) for p in page.select(".council-distance")]


def test_services_nearest_the_postcode_come_first(app, get_page):
    page = get_page("/search?kind=services&postcode=kb4+1ab")
    assert "Services nearest KB4 1AB come first." in page.select("#near-postcode")[0].get_text()
    with app.app_context():
        places = service_places(content_store())
        origin = Point(*_gazetteer_point(app, "KB4 1AB"))
        miles = [places[url.rsplit("/", 1)[1]].miles_from(origin) for url in _results(page)]
    assert miles == sorted(miles) and None not in miles
    assert _distances(page)[0] in {"less than 1 mile away", "less than 1 mile away · Covers all of Kelderbridge"}
    assert any("about 3 miles away" in text or "about 2 miles away" in text for text in _distances(page))


def _gazetteer_point(app: Flask, postcode: str) -> tuple[float, float]:
    from app.extensions import db
    from app.models.places import Postcode

    row = db.session.get(Postcode, postcode)
    return row.latitude, row.longitude


def test_words_and_filters_still_apply_with_a_postcode(get_page):
    plain = get_page("/search?q=speech+therapy&age=7")
    near = get_page("/search?q=speech+therapy&age=7&postcode=KB8+4MM")
    assert sorted(_results(plain)) == sorted(_results(near)) or len(_results(near)) == len(_results(plain))
    assert near.select("#result-count")[0].get_text() == plain.select("#result-count")[0].get_text()
    links = [a["href"] for a in near.select("#pagination a, .govuk-pagination a")]
    assert all("postcode=KB8" in link for link in links)


def test_a_service_for_the_whole_area_says_so(get_page):
    page = get_page("/search?kind=services&postcode=KB1+2AB&page=5")
    assert any("Covers all of Kelderbridge" in text for text in _distances(page))


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("KB1", "Enter a full postcode, like KB1 2CD"),
        ("hello", "Enter a full postcode, like KB1 2CD"),
        (
            "KB9 9ZZ",
            "We cannot find the postcode KB9 9ZZ. Check it is right: we know the postcodes in and near Kelderbridge.",
        ),
    ],
)
def test_a_wrong_or_unknown_postcode_gets_a_clear_message(get_page, postcode, message):
    page = get_page(f"/search?q=autism&postcode={postcode}")
    assert error_messages(page.response) == [message]
    assert page.select(".govuk-error-summary a")[0]["href"] == "#postcode"
    assert page.title.startswith("Error: ")
    assert page.select("#results li")  # the search still runs


def test_a_postcode_outside_the_area_says_so_and_still_shows_area_wide_services(get_page):
    page = get_page("/search?kind=services&postcode=FM1+1AA")
    assert "FM1 1AA is outside Kelderbridge" in page.select("#near-postcode")[0].get_text()
    assert _results(page)
    later = get_page("/search?kind=services&postcode=FM1+1AA&page=6")
    assert any("Covers all of Kelderbridge" in text for text in _distances(later))


def test_the_postcode_is_never_stored(app, client):
    client.get("/search?kind=services&postcode=KB1+2AB")
    cookie = client.get_cookie("session")
    assert cookie is None or "KB1" not in cookie.value


def test_the_services_page_lists_services_nearest_a_postcode(get_page):
    form = get_page("/services").select('form[role="search"]')[0]
    assert form["action"] == "/services" and form.select('input[name="postcode"]')
    page = get_page("/services?postcode=KB4+1AB")
    assert "Services nearest KB4 1AB come first." in page.select("#near-postcode")[0].get_text()
    assert all(url.startswith("/services/") for url in _results(page)) and _distances(page)


def test_each_place_has_a_map_link(get_page):
    page = get_page("/services/camhs")
    link = page.select("a.council-map-link")[0]
    assert link["href"].startswith("https://www.openstreetmap.org/?mlat=53.")
    assert "Map of The Beeches" in link.get_text()
    assert "40 Hollins Road, Kelderbridge, KB2 4CB" in page.text()


@pytest.mark.parametrize("lang", ["pl", "ur", "ro", "pa"])
def test_distances_are_in_the_reader_s_language(get_page, lang):
    page = get_page(f"/search?kind=services&postcode=KB4+1AB&lang={lang}")
    texts = " ".join(_distances(page))
    assert texts and "mile away" not in texts and "miles away" not in texts and "Covers all" not in texts
    assert "come first" not in page.select("#near-postcode")[0].get_text()
