"""The service navigation comes from a table of endpoints: every public page belongs to one
section, or is listed as outside the navigation, and its section is the one marked active."""

from __future__ import annotations

import pytest

from app.web.template_helpers import NAVIGATION

#: Public pages that belong to no section of the service navigation.
OUTSIDE_NAVIGATION = {
    "public.home",
    "public.page",
    "public.open_data",
    "public.robots",
    "public.sitemap",
    "updates.index",
    "updates.post",
    "updates.feed",
}
#: Blueprints whose pages the navigation covers (surveys, sign-in and staff pages have their own).
PUBLIC_BLUEPRINTS = {"public", "search", "yswd", "updates", "my_list"}


def test_every_public_page_is_in_exactly_one_section_or_listed_outside(app):
    endpoints = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or set()) and rule.endpoint.split(".")[0] in PUBLIC_BLUEPRINTS
    }
    sections: dict[str, list[str]] = {}
    for item in NAVIGATION:
        for endpoint in item.endpoints:
            sections.setdefault(endpoint, []).append(item.endpoint)
    assert set(sections) <= endpoints, "the navigation names an endpoint that does not exist"
    assert {e: s for e, s in sections.items() if len(s) > 1} == {}, "a page is in two sections"
    assert endpoints - set(sections) - OUTSIDE_NAVIGATION == set(), "a new page needs a place in NAVIGATION"


def _active(page) -> list[str]:
    return [node.get_text(strip=True) for node in page.select(".govuk-service-navigation__item--active")]


@pytest.mark.parametrize(
    ("path", "section"),
    [
        ("/services", ["Services"]),
        ("/services/ashby-vale-academy", ["Services"]),
        ("/guidance/annual-reviews", ["Guidance"]),
        ("/search?q=autism", ["Search"]),
        ("/you-said-we-did", ["You said, we did"]),
        ("/glossary", ["Glossary"]),
        ("/my-list", ["My list (0)"]),
        ("/my-list/print", ["My list (0)"]),
        ("/", []),
    ],
)
def test_the_page_s_section_is_marked_active(get_page, path, section):
    assert _active(get_page(path)) == section
