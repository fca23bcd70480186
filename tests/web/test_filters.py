"""Filters a thumb can reach: a "Filter" control at the top, the filters in use shown above the
results with a link to remove each, and the same search box and filters on /services and on
every type of service page, all as shareable GET addresses."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask

from app.content import CATEGORIES
from app.services import content_store


@pytest.fixture()
def app(search_app: Flask) -> Flask:
    """These tests use the app whose index was built fresh from content/."""
    return search_app


def _query(href: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(href).query)


def _services(page) -> list[str]:
    return [a["href"].rsplit("/", 1)[1] for a in page.select("#results h2 a") if "/services/" in a["href"]]


def _count(page) -> int:
    return int(page.select("#result-count")[0].get_text(" ", strip=True).split()[0])


@pytest.mark.parametrize("path", ["/search?q=therapy", "/services", *(f"/categories/{key}" for key in CATEGORIES)])
def test_filters_fold_into_a_filter_control_before_the_results(get_page, path):
    page = get_page(path)
    form = page.select("main form[method=get]")[0]
    assert form.select('input[name="q"]'), "a search box"
    panel = form.select("details#filters")
    assert panel, "the filters are in a <details> that works without JavaScript"
    assert panel[0].select_one("summary").get_text(strip=True) == "Filter"
    assert panel[0].select('input[name="age"]') and panel[0].select('input[name="free"]')
    html = str(form)
    assert html.index('id="filters"') < html.index('id="results"' if 'id="results"' in html else "</form>")


def test_selected_filters_are_listed_at_the_top_each_with_a_way_to_remove_it(get_page):
    page = get_page("/search?q=therapy&need=semh&need=sensory-physical&free=y&age=7")
    assert page.soup.select_one("#filters summary").get_text(" ", strip=True) == "Filter (4 selected)"
    chosen = {a.get_text(" ", strip=True): a["href"] for a in page.select("#selected-filters li a")}
    assert set(chosen) == {
        "Remove filter: Social, emotional and mental health",
        "Remove filter: Sensory and physical needs",
        "Remove filter: Aged 7",
        "Remove filter: Free services only",
    }
    assert _query(chosen["Remove filter: Aged 7"]) == {
        "q": ["therapy"],
        "need": ["semh", "sensory-physical"],
        "free": ["y"],
    }
    assert _query(chosen["Remove filter: Sensory and physical needs"])["need"] == ["semh"]
    assert _query(page.soup.select_one("#clear-filters")["href"]) == {"q": ["therapy"]}
    html = str(page.soup)
    assert html.index('id="selected-filters"') < html.index('id="results"')


def test_no_filters_no_selected_list(get_page):
    page = get_page("/search?q=therapy")
    assert not page.select("#selected-filters")


def test_all_services_can_be_searched_and_filtered(app, get_page):
    store = content_store(app)
    unfiltered = get_page("/services")
    assert not unfiltered.select('#filters input[name="kind"]'), "the page lists services only"
    assert unfiltered.select('#filters input[name="category"]')
    page = get_page("/services?free=y&age=19")
    assert page.h1 == "All services"
    slugs = _services(page)
    assert slugs
    for slug in slugs:
        meta = store.services[slug].meta
        assert meta.cost.type == "free" and meta.age_min <= 19 <= meta.age_max
    expected = [
        d for d in store.services.values() if d.meta.cost.type == "free" and d.meta.age_min <= 19 <= d.meta.age_max
    ]
    assert _count(page) == len(expected)
    nxt = page.select(".govuk-pagination__next a")
    if nxt:
        assert urlsplit(nxt[0]["href"]).path == "/services"
        assert _query(nxt[0]["href"]) == {"free": ["y"], "age": ["19"], "page": ["2"]}
    searched = get_page("/services?q=speech")
    assert "speech-and-language-therapy" in _services(searched)
    assert all(a["href"].startswith("/services/") for a in searched.select("#results h2 a"))


@pytest.mark.parametrize("key", list(CATEGORIES))
def test_every_type_of_service_page_offers_the_same_filters(app, get_page, key):
    services = content_store(app).services_in(key)
    page = get_page(f"/categories/{key}")
    assert not page.select('#filters input[name="category"]'), "the page's own type is not a choice"
    assert page.select('#filters input[name="need"]') or not services
    page = get_page(f"/categories/{key}?free=y&category=money")
    free = [doc.slug for doc in services if doc.meta.cost.type == "free"]
    if free:
        assert _count(page) == len(free)
        assert set(_services(page)) <= set(free)
    else:
        assert page.select("#no-results")
    remove = page.soup.select_one("#selected-filters li a")
    assert urlsplit(remove["href"]).path == f"/categories/{key}"
    assert _query(remove["href"]) == {}


def test_a_bad_age_on_a_services_page_is_explained(get_page):
    page = get_page("/services?age=99")
    assert page.title.startswith("Error:")
    assert page.select(".govuk-error-summary a[href='#age']")
    assert page.soup.select_one("details#filters").has_attr("open")


def test_services_pages_without_a_search_index_still_list_every_service(app, tmp_path, client, monkeypatch):
    from app.search import SearchUnavailable
    from app.services import search_index

    def unavailable(*args, **kwargs):
        raise SearchUnavailable("no index")

    monkeypatch.setattr(type(search_index(app)), "search", unavailable)
    page = client.get("/categories/health?free=y")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="filters"' not in html
    assert f'href="/services/{content_store(app).services_in("health")[0].slug}"' in html
