"""The families' browsing journey: home, categories, services, guidance, glossary."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest

from app.content import CATEGORIES
from app.services import content_store

from ..pages import check_page_structure


def test_home_offers_start_points_and_every_category(get_page):
    page = get_page("/")
    text = page.text()
    for start in [
        "What is the Local Offer?",
        "I think my child has special educational needs",
        "We are asking for an EHC needs assessment",
        "We have an EHC plan",
        "Preparing for adulthood",
    ]:
        assert start.lower() in text.lower(), start
    for key in CATEGORIES:
        assert f"/categories/{key}" in page.links()


def test_home_to_category_to_service(get_page):
    home = get_page("/")
    category = get_page("/categories/health")
    assert "/categories/health" in home.links()
    service_links = [href for href in category.links() if href.startswith("/services/")]
    assert service_links, "the health category lists services"
    service = get_page(service_links[0])
    rows = {dt.get_text(strip=True) for dt in service.select(".govuk-summary-list__key")}
    assert {"Who it is for", "Ages", "Cost", "How to get it", "Contact", "Area", "Last checked"} <= rows
    checked = service.soup.find("dt", string=lambda s: s and "Last checked" in s).find_next("dd").get_text(strip=True)
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", checked), f"British date expected, got {checked!r}"
    assert service.soup.html["lang"] == "en-GB"


def test_unknown_pages_are_friendly_404s(get_page):
    for path in ["/services/no-such-service", "/categories/nope", "/guidance/nope", "/pages/nope", "/nope"]:
        page = get_page(path, status=404)
        assert page.h1 == "Page not found"


def test_service_past_its_review_date_shows_a_notice(app, client):
    store = content_store(app)
    doc = next(iter(store.services.values()))
    late = dt.date.today() > doc.meta.review_due
    page = check_page_structure(client.get(doc.url))
    assert bool(page.select(".govuk-warning-text")) == late
    assert not doc.is_past_review(doc.meta.last_reviewed)
    assert doc.is_past_review(doc.meta.review_due + dt.timedelta(days=1))


def test_guidance_has_contents_and_previous_next(app, get_page):
    store = content_store(app)
    slugs = list(store.guidance)
    middle = get_page(f"/guidance/{slugs[1]}")
    pagination = middle.select("nav.govuk-pagination a")
    hrefs = [a["href"] for a in pagination]
    assert f"/guidance/{slugs[0]}" in hrefs and f"/guidance/{slugs[2]}" in hrefs
    first = get_page(f"/guidance/{slugs[0]}")
    assert f"/guidance/{slugs[1]}" in [a["href"] for a in first.select("nav.govuk-pagination a")]
    assert not first.select(".govuk-pagination__prev")
    assert middle.select("#contents-heading")


def test_twenty_week_journey_is_a_timeline(get_page):
    page = get_page("/guidance/the-20-week-journey")
    weeks = [item.get_text(" ", strip=True) for item in page.select(".council-timeline__week")]
    assert "Week 6" in weeks and "Week 16" in weeks and "Week 20" in weeks


def test_glossary_has_anchors_and_content_links_to_it(app, get_page):
    page = get_page("/glossary")
    anchors = {dt_["id"] for dt_ in page.select("dl dt[id]")}
    assert "ehcp" in anchors and "sendiass" in anchors
    guidance = get_page("/guidance/asking-for-an-ehc-needs-assessment")
    abbr = guidance.select(".council-prose abbr[title]")
    assert abbr, "acronyms are explained with <abbr>"
    assert any(a.parent.name == "a" and a.parent["href"].startswith("/glossary#") for a in abbr)


@pytest.mark.parametrize("slug", ["accessibility-statement", "without-the-internet", "contact", "privacy", "cookies"])
def test_fixed_pages(get_page, slug):
    get_page(f"/pages/{slug}")


def test_sitemap_lists_every_public_page(app, client):
    body = client.get("/sitemap.xml").get_data(as_text=True)
    store = content_store(app)
    for doc in store.documents():
        assert f"{doc.url}</loc>" in body
    for path in ["/search", "/you-said-we-did", "/updates", "/survey/local-offer-feedback"]:
        assert f"{path}</loc>" in body, path
    assert "Sitemap:" in client.get("/robots.txt").get_data(as_text=True)


def test_crawl_reaches_every_page_without_errors(app, client):
    """Follow every internal link from the home page: no 4xx/5xx; every page reached."""
    seen: set[str] = set()
    queue = ["/"]
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code}"
        if response.mimetype != "text/html":
            continue
        page = check_page_structure(response)
        for href in page.links():
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if parts.path.startswith(("/assets/", "/static/")):
                continue
            if parts.path not in seen:
                queue.append(parts.path)
    store = content_store(app)
    missing = {doc.url for doc in store.documents()} - seen
    assert not missing, f"not reachable by links: {sorted(missing)}"


def test_static_and_govuk_assets_are_served(client):
    for path in ["/static/css/app.css", "/assets/govuk-frontend.min.js", "/assets/images/favicon.ico"]:
        with client.get(path) as response:
            assert response.status_code == 200, path


@pytest.mark.parametrize("lang", ["pl", "ur", "ro", "pa"])
def test_the_glossary_in_another_language_says_it_is_in_english(get_page, lang):
    page = get_page(f"/glossary?lang={lang}")
    notice = page.soup.select_one("#untranslated-notice")
    assert notice is not None and notice["lang"] == lang
    assert page.soup.select_one("main dl")["lang"] == "en"
    assert not get_page("/glossary?lang=en").select("#untranslated-notice")
