"""Save and return in real browsers: a family starts on one device and carries on on another.

Two browser contexts share nothing (no cookies, no storage), as two phones would not; the second
opens the same link, lands on the first question not yet answered, and finds the earlier answers
in place. Every page goes through the journey's checks (axe-core, one h1, no script errors).
"""

from __future__ import annotations

import itertools

import pytest

from ..factories import create_invitation
from .journey import MODES, Journey
from .test_journeys import answer_the_page

pytestmark = pytest.mark.browser

DESKTOP = next(mode for mode in MODES if mode.name == "desktop")
NARROW = next(mode for mode in MODES if mode.name == "reflow-320")
REFERENCES = itertools.count(61000)


def _continue(j: Journey) -> None:
    answer_the_page(j)
    j.submit(j.main.locator("form button.govuk-button").last, "survey question")  # "Dalej": in Polish


def test_answers_carry_on_from_a_second_browser(journey):
    laptop: Journey = journey(DESKTOP)
    with laptop.app.app_context():
        _id, token, _code = create_invitation(f"KB-2026-{next(REFERENCES):05d}", language="pl")
    laptop.start(f"/s/{token}", "survey start")
    assert laptop.page.locator("html").get_attribute("lang") == "pl", "the invitation's language, not the browser's"
    laptop.follow(laptop.main.locator("a.govuk-button--start"), "survey question")
    assert laptop.page.locator("#question-number").inner_text().startswith("Pytanie 1 z")
    _continue(laptop)
    _continue(laptop)
    third = laptop.page.locator("h1").inner_text()
    number = laptop.page.locator("#question-number").inner_text()

    phone: Journey = journey(NARROW)
    phone.start(f"/s/{token}", "survey question")
    assert phone.page.locator("h1").inner_text() == third, "the phone carries on where the laptop stopped"
    assert phone.page.locator("#question-number").inner_text() == number
    assert phone.page.locator("html").get_attribute("lang") == "pl"
    phone.follow(phone.page.locator("a.govuk-back-link"), "survey question")
    assert phone.main.locator('input[type="radio"]:checked').count() >= 1, "earlier answers are in place"
