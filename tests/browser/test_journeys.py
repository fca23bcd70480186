"""Families' journeys in a real browser, by mouse and by keyboard, on desktop, at 320 px and at 200% zoom.

Each journey is a function of a Journey; every journey runs in every mode, and every page it
reaches is checked (heading, script errors and CSP, reflow, axe-core). To add a journey, write
the function and add it to JOURNEYS.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.content import CATEGORIES

from .journey import MODES, Journey, Mode

pytestmark = pytest.mark.browser


def home_category_service(j: Journey) -> None:
    """From the home page to a category of services, then to one service."""
    store = j.app.extensions["content"]
    service = store.services_in("health")[0]
    j.start("/", "home", h1="Find SEND help and services in Kelderbridge")
    j.follow(
        j.main.get_by_role("link", name=str(CATEGORIES["health"]), exact=True), "category", h1="Health and therapies"
    )
    j.follow(j.main.get_by_role("link", name=service.title, exact=True), "service", h1=service.title)
    back = j.page.locator(".govuk-breadcrumbs").get_by_role("link", name="Health and therapies")
    j.follow(back, "category", h1="Health and therapies")


def guidance_previous_next(j: Journey) -> None:
    """From the menu to the guidance list, into the first guide, Next twice, then Previous."""
    store = j.app.extensions["content"]
    first = next(iter(store.guidance.values()))
    _, second = store.neighbours(first.slug)
    _, third = store.neighbours(second.slug)
    j.start("/", "home")
    j.open_menu()
    j.follow(j.page.locator(".govuk-service-navigation").get_by_role("link", name="Guidance"), "guidance list")
    j.follow(j.main.get_by_role("link", name=first.title, exact=True), "guidance", h1=first.title)
    j.follow(j.page.locator(".govuk-pagination__next a"), "guidance", h1=second.title)
    j.follow(j.page.locator(".govuk-pagination__next a"), "guidance", h1=third.title)
    j.follow(j.page.locator(".govuk-pagination__prev a"), "guidance", h1=second.title)


def lost_then_services(j: Journey) -> None:
    """A mistyped address, the friendly page-not-found, then every service, then a type of service."""
    j.start("/servces", "page not found", h1="Page not found", status=404)
    j.follow(j.main.get_by_role("link", name="browse all services"), "services list", h1="All services")
    j.follow(j.main.get_by_role("link", name=str(CATEGORIES["travel"]), exact=True), "category")


def abbreviation_to_glossary(j: Journey) -> None:
    """An abbreviation in guidance explained in the glossary, then the accessibility statement from the footer."""
    j.start("/guidance/asking-for-an-ehc-needs-assessment", "guidance")
    j.follow(j.main.locator('a[href="/glossary#ehc"]'), "glossary", h1="Glossary: SEND words explained")
    footer_link = j.page.locator("footer").get_by_role("link", name="Accessibility statement")
    j.follow(footer_link, "content page", h1="Accessibility statement")


def search_with_a_misspelling_and_a_facet(j: Journey) -> None:
    """A misspelt search from the home page, the suggested spelling, then only free services."""
    j.start("/", "home")
    j.fill(j.main.get_by_label("Search the Local Offer"), "speach therapy")
    j.submit(j.main.get_by_role("button", name="Search"), "search results")
    j.follow(j.page.locator("#suggestion a"), "search results", h1="Search results for “speech therapy”")
    before = j.page.locator("#results > li").count()
    j.check(j.page.get_by_label("Free services only"))
    j.submit(j.page.get_by_role("button", name="Apply filters"), "search results")
    costs = j.page.locator("#results .council-result-facts").all_inner_texts()
    assert costs and all("Free" in text for text in costs), costs
    assert j.page.get_by_label("Free services only").is_checked()
    assert j.page.locator("#results > li").count() <= before


JOURNEYS: list[Callable[[Journey], None]] = [
    home_category_service,
    guidance_previous_next,
    lost_then_services,
    abbreviation_to_glossary,
    search_with_a_misspelling_and_a_facet,
]


@pytest.mark.parametrize("mode", MODES, ids=[mode.name for mode in MODES])
@pytest.mark.parametrize("walk", JOURNEYS, ids=[walk.__name__ for walk in JOURNEYS])
def test_journey(journey, walk: Callable[[Journey], None], mode: Mode):
    j = journey(mode)
    walk(j)
    assert j.visited, "the journey reached no page"
