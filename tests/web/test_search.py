"""The search page: results, labels, filters with counts, pagination, and bad input."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask

from app.services import content_store


@pytest.fixture()
def app(search_app: Flask) -> Flask:
    """These tests use the app whose index was built fresh from content/."""
    return search_app


def _result_urls(page) -> list[str]:
    return [a["href"] for a in page.select("#results h2 a")]


def _services(app: Flask, page):
    store = content_store(app)
    return [store.services[url.rsplit("/", 1)[1]] for url in _result_urls(page) if url.startswith("/services/")]


def _facet_counts(page, name: str) -> dict[str, int]:
    """{value: count} read from the checkbox labels of one filter."""
    counts = {}
    for box in page.select(f'#filters input[name="{name}"]'):
        label = page.soup.find("label", attrs={"for": box["id"]}).get_text(" ", strip=True)
        counts[box["value"]] = int(label.rsplit("(", 1)[1].rstrip(")"))
    return counts


def _count(page) -> int:
    text = page.select("#result-count")[0].get_text(" ", strip=True)
    return int(text.split()[0])


def test_home_page_and_header_link_to_search(get_page):
    home = get_page("/")
    assert home.select('form[action="/search"] input[name="q"]')
    assert "/search" in home.links()


def test_results_are_labelled_and_highlighted(get_page):
    page = get_page("/search?q=speech+therapy")
    assert page.h1 == "Search results for “speech therapy”"
    assert page.title.startswith(page.h1)
    assert _result_urls(page)[0] == "/services/speech-and-language-therapy"
    labels = {tag.get_text(strip=True) for tag in page.select("#results .govuk-tag")}
    assert {"Service", "Glossary"} <= labels
    assert page.select("#results mark")
    assert page.select('input[name="q"]')[0]["value"] == "speech therapy"


def test_guidance_results_are_labelled(get_page):
    page = get_page("/search?q=annual+review")
    first = page.select("#results li")[0]
    assert first.select(".govuk-tag")[0].get_text(strip=True) == "Guidance"
    assert first.select("h2 a")[0]["href"] == "/guidance/annual-reviews"


def test_empty_search_shows_browse_help_not_an_error(get_page):
    page = get_page("/search")
    assert page.h1 == "Search the Local Offer"
    assert not page.select(".govuk-error-summary")
    help_links = [a["href"] for a in page.select("#browse-help a")]
    assert help_links == ["/services", "/guidance", "/glossary"]
    assert "/categories/health" in page.links()
    assert get_page("/search?q=++").h1 == "Search the Local Offer"


def test_acronym_shows_its_definition_first(get_page):
    page = get_page("/search?q=EHCP")
    definition = page.select("#definition")[0]
    assert "Education, health and care plan" in definition.get_text()
    assert definition.select('a[href="/glossary#ehcp"]')


def test_misspelling_offers_did_you_mean(get_page):
    page = get_page("/search?q=autisum")
    link = page.select("#suggestion a")[0]
    assert link.get_text(strip=True) == "autism"
    assert parse_qs(urlsplit(link["href"]).query)["q"] == ["autism"]
    assert _result_urls(page), "the likely meaning is searched straight away"


def test_age_in_the_words_offers_the_age_filter(get_page):
    page = get_page("/search?q=speech+help+for+my+7+year+old")
    link = page.select("#age-hint a")[0]
    assert parse_qs(urlsplit(link["href"]).query)["age"] == ["7"]


def test_no_results_offers_spelling_broader_search_glossary_and_sendiass(get_page):
    page = get_page("/search?q=zzyzx+qwfp")
    block = page.select("#no-results")[0]
    hrefs = [a["href"] for a in block.select("a")]
    assert "/glossary" in hrefs
    assert "/services/kelderbridge-sendiass" in hrefs
    assert "/services" in hrefs
    assert not page.select("#results")


def test_no_results_with_filters_offers_to_remove_them(get_page):
    page = get_page("/search?q=tribunal&category=leisure")
    link = next(a for a in page.select("#no-results a") if "without the filters" in a.get_text())
    assert parse_qs(urlsplit(link["href"]).query) == {"q": ["tribunal"]}


def test_no_results_suggests_a_spelling(get_page):
    page = get_page("/search?q=physiotheraphy&category=money")
    assert "physiotherapy" in page.select("#no-results")[0].get_text()


def test_pagination_uses_the_govuk_component_and_keeps_the_filters(get_page):
    first = get_page("/search?q=school&kind=services")
    total = _count(first)
    assert total > 10
    nav = first.select("nav.govuk-pagination")[0]
    next_href = nav.select(".govuk-pagination__next a")[0]["href"]
    assert parse_qs(urlsplit(next_href).query) == {"q": ["school"], "kind": ["services"], "page": ["2"]}
    second = get_page(next_href)
    assert second.select(".govuk-pagination__prev a")
    assert not set(_result_urls(first)) & set(_result_urls(second))
    assert "showing 11 to" in second.select("#result-count")[0].get_text()


@pytest.mark.parametrize("page_number", ["0", "-3", "abc", "99999", "1e9"])
def test_odd_page_numbers_show_a_real_page(get_page, page_number):
    page = get_page(f"/search?q=school&page={page_number}")
    assert _result_urls(page)


def test_category_filter_and_counts(app, get_page):
    unfiltered = get_page("/search?q=therapy")
    counts = _facet_counts(unfiltered, "category")
    page = get_page("/search?q=therapy&category=health")
    services = _services(app, page)
    assert services and all(doc.meta.category == "health" for doc in services)
    assert _count(page) == counts["health"]
    assert _facet_counts(page, "category")["health"] == counts["health"], "a filter's own counts ignore itself"
    boxes = page.select('#filters input[name="category"][value="health"]')
    assert boxes[0].has_attr("checked")
    assert not page.select(".govuk-error-summary") and not page.title.startswith("Error")


def test_filters_shown_again_keep_their_own_ticks_counts_and_language(get_page):
    first = get_page("/search?q=therapy")
    get_page("/search?q=therapy&category=health")
    again = get_page("/search?q=therapy")
    assert not again.select('#filters input[name="category"][value="health"]')[0].has_attr("checked")
    assert _facet_counts(again, "category") == _facet_counts(first, "category")
    assert _facet_counts(get_page("/search?q=speech"), "category") != _facet_counts(first, "category")
    english = first.select('#filters input[name="free"]')[0].find_next("label").get_text(" ", strip=True)
    polish = get_page("/search?q=therapy&lang=pl").select('#filters input[name="free"]')[0]
    assert polish.find_next("label").get_text(" ", strip=True) != english


def test_filters_combine(app, get_page):
    page = get_page("/search?q=help&category=health&category=social-care&free=y&age=19&area=north")
    services = _services(app, page)
    assert services and not page.select(".govuk-error-summary")
    for doc in services:
        meta = doc.meta
        assert meta.category in {"health", "social-care"}
        assert meta.cost.type == "free"
        assert meta.age_min <= 19 <= meta.age_max
        assert {"north", "borough-wide"} & set(meta.area_served)
    assert _count(page) == len(services) or _count(page) > 10
    free_label = page.soup.find("label", attrs={"for": "free"}).get_text(" ", strip=True)
    assert free_label.endswith(f"({_count(page)})")


def test_need_area_and_self_referral_filters(app, get_page):
    page = get_page("/search?q=support&need=semh&self_referral=y")
    services = _services(app, page)
    assert services
    assert all("semh" in doc.meta.need_areas and doc.meta.access == "self-referral" for doc in services)
    need_counts = _facet_counts(page, "need")
    assert need_counts["semh"] == _count(page)


def test_type_filter_narrows_to_guidance(get_page):
    page = get_page("/search?q=ehc+plan&kind=guidance")
    assert _result_urls(page) and all(url.startswith("/guidance/") for url in _result_urls(page))


def test_filters_alone_browse_matching_services(app, get_page):
    page = get_page("/search?category=travel")
    assert page.h1 == "Search results"
    assert _count(page) == len(content_store(app).services_in("travel"))


def test_results_are_bookmarkable(client):
    url = "/search?q=short+breaks&age=10&free=y"
    assert client.get(url).get_data() == client.get(url).get_data()


def test_search_form_is_get_and_works_without_javascript(get_page):
    page = get_page("/search?q=respite")
    form = page.select('form[role="search"]')[0]
    assert form["method"] == "get"
    assert not form.select('input[name="csrf_token"]')
    assert form.select('button[type="submit"], input[type="submit"]') or form.select("button")


@pytest.mark.parametrize(
    ("age", "rule"),
    [
        ("0", lambda m: m.age_min == 0),
        ("25", lambda m: m.age_max == 25),
        ("16", lambda m: m.age_min <= 16 <= m.age_max),
    ],
)
def test_age_edges(app, get_page, age, rule):
    page = get_page(f"/search?kind=services&age={age}")
    services = _services(app, page)
    assert services and all(rule(doc.meta) for doc in services)
    expected = [d for d in content_store(app).services.values() if rule(d.meta)]
    assert _count(page) == len(expected)


@pytest.mark.parametrize(
    ("age", "message"),
    [
        ("26", "Enter an age from 0 to 25"),
        ("-1", "Enter an age from 0 to 25"),
        ("abc", "Enter the age as a number, like 7"),
        ("7.5", "Enter the age as a number, like 7"),
    ],
)
def test_out_of_range_age_is_explained_and_the_search_still_runs(get_page, age, message):
    plain = get_page("/search?q=short+breaks")
    page = get_page(f"/search?q=short+breaks&age={age}")
    assert page.title.startswith("Error: ")
    assert message in page.select(".govuk-error-summary")[0].get_text()
    assert message in page.select("#filters .govuk-error-message")[0].get_text()
    assert _count(page) == _count(plain), "the bad age is ignored, the query is kept"
    assert page.select('input[name="q"]')[0]["value"] == "short breaks"


@pytest.mark.parametrize(
    "query",
    [
        "AND(",
        "autism AND (",
        '"unbalanced quote',
        "*",
        "~",
        "autis*",
        "speech~2",
        "title:ehcp",
        "kind:services OR NOT",
        "[TO]",
        "{}^$\\",
        "a" * 5000,
        ("speech therapy " * 400)[:5000],
        "😀🧒🏽👨‍👩‍👧" * 10,
        "ehcp 😀",
        "مرحبا، أحتاج مساعدة في التوحد",
        "مجھے اپنے بچے کے لیے مدد چاہیے",
        "<script>alert(1)</script>",
        "\u202eevil",
        "%00",
        "ehcp\x00",
    ],
)
def test_hostile_queries_are_plain_words(get_page, query):
    page = get_page("/search", query_string={"q": query})
    text = page.text()
    assert page.h1.startswith("Search results for")
    assert len(page.h1) < 120, "a long query is shortened in the heading"
    assert page.select("#results") or page.select("#no-results")
    assert "<script>" not in page.response.get_data(as_text=True).split("<main")[1]
    assert "Sorry, there is a problem" not in text


def test_words_around_syntax_still_find_results(get_page):
    assert "/services/send-complaints-and-appeals" in _result_urls(get_page('/search?q=tribunal+AND("'))


@pytest.mark.parametrize(
    "query_string",
    [
        "q=ehcp&category=not-a-category",
        "q=ehcp&need=%3Cscript%3E",
        "q=ehcp&area=mars&area=",
        "q=ehcp&kind=everything",
        "q=ehcp&free=maybe&self_referral=2",
        "q=ehcp&category=health&category=health",
        "q=ehcp&age=",
        "q=ehcp&lang=xx&page=&sort=up",
    ],
)
def test_malformed_filters_are_ignored_and_the_query_kept(get_page, query_string):
    plain = get_page("/search?q=ehcp")
    page = get_page(f"/search?{query_string}")
    assert page.select('input[name="q"]')[0]["value"] == "ehcp"
    assert not page.select(".govuk-error-summary")
    if "category=health" not in query_string:
        assert _count(page) == _count(plain)


def test_post_is_not_allowed(client):
    assert client.post("/search", data={"q": "ehcp"}).status_code == 405
