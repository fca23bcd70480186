"""The browser checks themselves: each catches the problem it is there for.

Pages are broken on purpose from a script (through the DevTools protocol, which the page's
Content Security Policy does not govern), then the same checks the journeys use must fail.
"""

from __future__ import annotations

import re

import pytest

from .journey import MODES, AuditLog, Journey, JourneyError

pytestmark = pytest.mark.browser

DESKTOP, REFLOW, _, KEYBOARD, _ = MODES


def test_axe_reports_violations_readably(journey):
    log = AuditLog()
    j: Journey = journey(DESKTOP, log)
    j.start("/glossary", "glossary")
    j.page.evaluate(
        """() => {
          const main = document.querySelector('main');
          const image = document.createElement('img');
          image.src = '/static/images/favicon.svg';
          const field = document.createElement('input');
          field.type = 'text';
          main.append(image, field);
        }"""
    )
    with pytest.raises(JourneyError) as failure:
        j.audit("broken glossary")
    message = str(failure.value)
    assert "image-alt" in message and "label" in message
    assert (
        "broken glossary (desktop)" in message
        and re.search(r"^    at [^\n]*img[^\n]*: <img", message, re.M)
        and "Element does not have an alt attribute;" in message
    )
    assert len(log.pages) == 2 and log.violations >= 2


def test_invisible_focus_fails_a_keyboard_journey(journey):
    j: Journey = journey(KEYBOARD, AuditLog())
    j.start("/", "home")
    j.page.evaluate(
        """() => {
          for (const link of document.querySelectorAll('main a')) {
            for (const property of ['outline', 'box-shadow', 'background']) {
              link.style.setProperty(property, 'none', 'important');
            }
          }
        }"""
    )
    with pytest.raises(JourneyError, match="no visible focus on <a>"):
        j.tab_to(j.main.get_by_role("link").first)


def test_sideways_scrolling_fails_at_320_pixels(journey):
    j: Journey = journey(REFLOW, AuditLog())
    j.start("/pages/contact", "page")
    j.page.evaluate("() => { document.querySelector('main p').textContent = 'x'.repeat(200); }")
    j.page.evaluate("() => { document.querySelector('main p').style.setProperty('overflow-wrap', 'normal'); }")
    with pytest.raises(JourneyError, match=r"scrolls sideways .*text \"xxxx"):
        j.check_reflow("page")


def test_an_inline_script_is_blocked_and_reported(journey):
    """The Content Security Policy is enforced in the browser, and a violation fails the journey."""
    j: Journey = journey(DESKTOP, AuditLog())
    j.start("/", "home")
    j.page.evaluate(
        """() => {
          const script = document.createElement('script');
          script.textContent = 'document.body.dataset.injected = "yes"';
          document.body.append(script);
        }"""
    )
    assert j.page.evaluate("() => document.body.dataset.injected") is None
    with pytest.raises(JourneyError, match="Content Security Policy"):
        j.checkpoint("home")
