"""Every phone number a family reads is a link their phone can call; other numbers stay text."""

from __future__ import annotations

import pytest

from app.content.phones import link_phone_numbers, tel_href
from app.services import content_store

LINKED = [
    ("Call us on 0113 496 0100 today.", "0113 496 0100", "tel:+441134960100"),
    ("Mobile: 07700 900841.", "07700 900841", "tel:+447700900841"),
    ("London 020 7946 0860", "020 7946 0860", "tel:+442079460860"),
    ("From abroad +44 (0)20 7946 0860", "+44 (0)20 7946 0860", "tel:+442079460860"),
    ("From abroad +44 113 496 0100", "+44 113 496 0100", "tel:+441134960100"),
    ("Ring (0113) 496 0100", "(0113) 496 0100", "tel:+441134960100"),
    ("Written together: 01134960100", "01134960100", "tel:+441134960100"),
    ("Hyphens: 0113-496-0100", "0113-496-0100", "tel:+441134960100"),
    ("In danger, call <strong>999</strong> or go to A&amp;E.", "999", "tel:999"),
    ("For urgent help call <strong>NHS 111</strong>.", "111", "tel:111"),
    ("Samaritans: 116 123, day or night", "116 123", "tel:116123"),
]

NOT_PHONE_NUMBERS = [
    "It takes up to 20 weeks, from 2026.",
    "Help for children aged 0 to 25, up to Year 11.",
    "Our office is at 12 High Street, KB1 2AB.",
    "Your plan reference is KB-2026-00123.",
    "Your reference is 7K3D9QX2.",
    "The meeting is on 01/02/2026 at 10.30.",
    "It costs £999 a year.",
    "Invoice 0123456 is paid.",
    "Not quite a number: 0113 496 01.",
    "Room 111 on the first floor.",
]


@pytest.mark.parametrize(("text", "number", "href"), LINKED)
def test_phone_numbers_become_tel_links(text, number, href):
    assert f'<a class="govuk-link" href="{href}">{number}</a>' in link_phone_numbers(text)


@pytest.mark.parametrize("text", NOT_PHONE_NUMBERS)
def test_numbers_that_are_not_phone_numbers_stay_text(text):
    assert link_phone_numbers(text) == text


def test_a_number_already_in_a_link_is_left_alone():
    html = '<a class="govuk-link" href="/contact">Call 0113 496 0100</a>'
    assert link_phone_numbers(html) == html


def test_tel_href_refuses_numbers_of_the_wrong_length():
    assert tel_href("0113 496 01") is None
    assert tel_href("+44 113 496 01000 1") is None


def test_content_pages_link_their_numbers_without_authors_doing_anything(app, get_page):
    page = get_page("/pages/contact")
    hrefs = {a["href"] for a in page.select("main a[href^='tel:']")}
    assert "tel:999" in hrefs
    with app.app_context():
        team = content_store().placeholders.contact("local-offer-team", "phone")
    assert f"tel:+44{team.replace(' ', '')[1:]}" in hrefs


@pytest.mark.parametrize(
    "path",
    ["/", "/search?q=zzzzqqqq", "/services/camhs", "/survey/local-offer-feedback"],
)
def test_the_interface_links_the_local_offer_teams_number(get_page, path):
    page = get_page(path)
    assert page.select("footer a[href^='tel:+44']"), path
    if "zzzz" in path:
        assert page.select("#no-results a[href^='tel:+44']")
    if "camhs" in path:
        assert {a["href"] for a in page.select("main a[href^='tel:']")} >= {"tel:999", "tel:111"}
