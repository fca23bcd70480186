"""Live everywhere: a publish on one portal process is served by another within 5 seconds.

Two real gunicorn processes share the PostgreSQL database of TEST_DATABASE_URL, each with a
search index folder of its own. An officer publishes through one process's forms; the
other process must show the change on the page, its category list, the home page, the
sitemap, the glossary's abbreviations, the "last checked" date and in search.
"""

from __future__ import annotations

import os
import re

import pytest
import requests

from .factories import PASSWORD, create_user
from .portals import Staff, seconds_until, shows, two_portals

LIMIT = 5.0
SLUG = "all-wheels-adapted-cycling"

pytestmark = [
    pytest.mark.commits,
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
        reason="needs TEST_DATABASE_URL to be a PostgreSQL database shared by two processes",
    ),
]


def _services_in(base: str, category: str) -> int:
    """The number of services the home page says a category has."""
    home = requests.get(base + "/", timeout=30).text
    card = re.search(rf'href="/categories/{category}">.*?(\d+) services?</p>', home, re.S)
    assert card, category
    return int(card.group(1))


def test_a_publish_on_one_process_is_served_by_the_other_within_five_seconds(app, search_index_dir, tmp_path):
    with app.app_context():
        create_user("officer", email="live-officer@kelderbridge.example")
    with two_portals(os.environ["TEST_DATABASE_URL"], search_index_dir, tmp_path) as (first, second):
        health_before = _services_in(second, "health")
        staff = Staff(first, "live-officer@kelderbridge.example", PASSWORD)

        # A glossary term, whose abbreviation every page then marks up.
        term = {"term": "Wheels for All Bikes", "abbreviation": "WFAB", "definition": "Adapted bikes anyone can ride."}
        response = staff.post(
            "/staff/local-offer/glossary/new", {**term, "note": "New term", "base_revision": "", "publish": "1"}
        )
        assert "/revisions/" in response.url
        assert seconds_until(shows(second, "/glossary", "Wheels for All Bikes"), LIMIT) is not None

        # A service: new title, category, opening times, "last checked" date and a sentence using the abbreviation.
        staff.edit(
            f"/staff/local-offer/services/{SLUG}/edit",
            {
                "title": "Zephyrwheel adapted cycling club",
                "category": "health",
                "opening_times": "Saturdays, 9am to 11am",
                "last_reviewed": ["1", "12", "2026"],
                "body": "Every rider gets a WFAB bike.\n",
                "note": "New name and hours",
            },
        )
        page = f"/services/{SLUG}"
        assert seconds_until(shows(second, page, "Saturdays, 9am to 11am"), LIMIT) is not None
        shown = requests.get(second + page, timeout=30).text
        assert "1 December 2026" in shown  # last checked
        assert '<abbr title="Wheels for All Bikes">WFAB</abbr>' in shown
        assert "Zephyrwheel adapted cycling club" in requests.get(second + "/categories/health", timeout=30).text
        assert "Zephyrwheel" not in requests.get(second + "/categories/leisure", timeout=30).text
        assert _services_in(second, "health") == health_before + 1
        assert seconds_until(shows(second, "/search?q=zephyrwheel", f'href="{page}"'), LIMIT) is not None

        # A new page reaches the other process's sitemap and search; a closed one leaves them.
        staff.edit(
            "/staff/local-offer/pages/new",
            {
                "slug": "holiday-opening",
                "title": "Holiday opening hours",
                "summary": "When the Quillbrook office is open over the holidays.",
                "body": "We are open every weekday.\n",
                "note": "New page",
            },
        )
        assert seconds_until(shows(second, "/sitemap.xml", "/pages/holiday-opening"), LIMIT) is not None
        assert seconds_until(shows(second, "/search?q=quillbrook", 'href="/pages/holiday-opening"'), LIMIT) is not None
        staff.edit(f"/staff/local-offer/services/{SLUG}/retire", {"note": "Closed"}, button="submit")
        assert seconds_until(lambda: requests.get(second + page, timeout=30).status_code == 410, LIMIT) is not None
        assert f"/services/{SLUG}" not in requests.get(second + "/sitemap.xml", timeout=30).text
        assert (
            seconds_until(
                lambda: f'href="{page}"' not in requests.get(second + "/search?q=zephyrwheel", timeout=30).text, LIMIT
            )
            is not None
        )
