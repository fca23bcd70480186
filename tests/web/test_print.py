"""Pages that print well: the page's own address and the date in a footer line, and the site's
address for the print stylesheet to write before each link's path."""

from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize("path", ["/services/camhs", "/guidance/annual-reviews"])
def test_service_and_guidance_pages_carry_their_address_and_the_date_for_printing(get_page, path):
    footer = get_page(path).select("#print-footer")[0].get_text(" ", strip=True)
    assert f"This page: http://localhost{path}" in footer
    assert re.search(r"Printed on \d{1,2} \w+ 20\d\d", footer)


def test_the_printed_address_leaves_out_the_query(get_page):
    footer = get_page("/search?q=autism&postcode=KB1+2AB").select("#print-footer")[0].get_text()
    assert "http://localhost/search" in footer and "KB1" not in footer


def test_the_print_stylesheet_knows_the_site_s_address(client):
    css = client.get("/council.css").get_data(as_text=True)
    assert '--council-site:"http://localhost";' in css


def test_the_print_stylesheet_hides_navigation_and_forms_and_writes_addresses_after_links():
    from app.config import BASE_DIR

    scss = (BASE_DIR / "app" / "assets_src" / "_print.scss").read_text(encoding="utf-8")
    block = scss[scss.index("@media print") :]
    for hidden in (".govuk-service-navigation", ".govuk-breadcrumbs", ".govuk-main-wrapper form", ".govuk-footer"):
        assert hidden in block
    assert 'content: " (" var(--council-site, "") attr(href) ")"' in block
