"""Urdu in a real browser: pages laid out right to left, with no accessibility violations.

Every page goes through the journey's checks (one h1, no script errors, axe-core with WCAG
A and AA rules). A screenshot of each is saved in build/screenshots/rtl/ to look at.
"""

from __future__ import annotations

import pytest

from .conftest import SCREENSHOTS
from .journey import MODES, Journey

pytestmark = pytest.mark.browser

DESKTOP = next(mode for mode in MODES if mode.name == "desktop")
NARROW = next(mode for mode in MODES if mode.name == "reflow-320")

_BOX = "el => { const r = el.getBoundingClientRect(); return {left: r.left, right: r.right, width: r.width}; }"


def _right_to_left(j: Journey, page_type: str) -> None:
    page = j.page
    assert page.locator("html").get_attribute("dir") == "rtl", page_type
    assert page.locator("html").get_attribute("lang") == "ur", page_type
    direction = page.evaluate("() => getComputedStyle(document.body).direction")
    assert direction == "rtl", f"{page_type}: body direction is {direction}"
    heading = page.locator("main h1").evaluate("el => getComputedStyle(el).textAlign")
    assert heading in {"right", "start"}, f"{page_type}: the heading is aligned {heading}"
    folder = SCREENSHOTS / "rtl"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=folder / f"{j.mode.name}-{page_type.replace(' ', '-')}.png", full_page=True)


@pytest.mark.parametrize("mode", [DESKTOP, NARROW], ids=lambda mode: mode.name)
def test_urdu_pages_are_right_to_left_and_accessible(journey, mode):
    j = journey(mode)
    j.start("/?lang=ur", "home in Urdu")
    _right_to_left(j, "home")

    j.start("/guidance/the-20-week-journey", "guidance with a timeline in Urdu")
    _right_to_left(j, "guidance")
    line = j.page.locator(".council-timeline").first.evaluate(
        "el => { const s = getComputedStyle(el); return [s.borderRightWidth, s.borderLeftWidth]; }"
    )
    assert line == ["5px", "0px"], f"the timeline's line is on the right: {line}"
    back_or_next = j.page.locator(".govuk-pagination__icon").first
    if back_or_next.count():
        transform = back_or_next.evaluate("el => getComputedStyle(el).transform")
        assert transform.startswith("matrix(-1"), f"pagination arrows are mirrored: {transform}"

    j.start("/search?q=EHC", "search results in Urdu")
    _right_to_left(j, "search results")
    assert j.page.locator("#results li").count() > 0

    j.start("/survey/local-offer-feedback/questions/about_you", "survey question in Urdu")
    j.submit(j.main.locator("button.govuk-button").first, "survey question with an error in Urdu")
    _right_to_left(j, "survey question with an error")
    assert j.page.locator(".govuk-error-summary").count() == 1
    group = j.page.locator(".govuk-form-group--error").first.evaluate(
        "el => { const s = getComputedStyle(el); return [s.borderRightWidth, s.borderLeftWidth]; }"
    )
    assert group[0] != "0px" and group[1] == "0px", f"the error bar is on the right: {group}"
    items = j.page.locator(".govuk-radios__item")
    assert items.count() >= 2
    for index in range(items.count()):
        item = items.nth(index)
        control = item.locator("input").evaluate(_BOX)
        label = item.locator("label").evaluate(_BOX)
        assert control["left"] >= label["right"] - 1, f"radio {index}: the input is left of its label"
        circle = item.locator("label").evaluate(
            "el => { const s = getComputedStyle(el, '::before'); return [s.right, s.left]; }"
        )
        assert circle[0] == "0px", f"radio {index}: the drawn circle is not on the right: {circle}"
        drawn = item.locator("label").evaluate(
            "el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el, '::before');"
            " const p = el.offsetParent.getBoundingClientRect(); return {circleRight: p.right - parseFloat(s.right),"
            " labelRight: r.right}; }"
        )
        assert drawn["circleRight"] >= drawn["labelRight"] - 1, f"radio {index}: circle and label overlap"


def test_english_pages_stay_left_to_right(journey):
    j = journey(DESKTOP)
    j.start("/?lang=en", "home in English")
    assert j.page.locator("html").get_attribute("dir") == "ltr"
    assert j.page.evaluate("() => getComputedStyle(document.body).direction") == "ltr"


@pytest.mark.parametrize("mode", [DESKTOP, NARROW], ids=lambda mode: mode.name)
def test_my_list_and_postcode_search_in_urdu_are_right_to_left_and_accessible(journey, mode):
    from ..factories import load_demo_gazetteer

    j = journey(mode)
    with j.app.app_context():
        load_demo_gazetteer()
    j.start("/search?kind=services&postcode=KB4+1AB&lang=ur", "services near a postcode in Urdu")
    _right_to_left(j, "services near a postcode")
    assert j.page.locator(".council-distance").count() > 0
    j.submit(j.main.locator("#results button").first, "services near a postcode after adding one in Urdu")
    j.start("/my-list", "my list in Urdu")
    _right_to_left(j, "my list")
    assert j.main.locator("#my-list li").count() == 1
    j.start("/my-list/print", "my list to print in Urdu")
    _right_to_left(j, "my list to print")


#: Which way a GOV.UK chevron points, from its element's box and its drawn (rotated) borders.
_POINTS = """(el, pseudo) => {
  const s = getComputedStyle(el, pseudo);
  const m = new DOMMatrix(s.transform === 'none' ? undefined : s.transform);
  // The chevron is the corner where its two drawn borders meet; rotate that corner's direction.
  const top = parseFloat(s.borderTopWidth) > 0, right = parseFloat(s.borderRightWidth) > 0;
  const corner = new DOMPoint(right ? 1 : -1, top ? -1 : 1);
  const p = m.transformPoint(corner);
  return p.x > 0.5 ? 'right' : p.x < -0.5 ? 'left' : 'neither';
}"""


def test_arrows_point_the_way_urdu_reads(journey):
    """Right to left, "Back" points right, breadcrumbs and "Start now" point left."""
    j = journey(NARROW)
    j.start("/survey/local-offer-feedback?lang=ur", "survey start in Urdu")
    icon = j.page.locator(".govuk-button__start-icon")
    assert icon.evaluate("el => getComputedStyle(el).transform").startswith("matrix(-1"), "the start arrow points left"
    j.follow(j.main.locator("a.govuk-button--start"), "survey question in Urdu")
    back = j.page.locator(".govuk-back-link")
    assert back.evaluate(_POINTS, "::before") == "right", "Back points right, where an Urdu page starts"
    j.start("/services/camhs", "service in Urdu")
    crumb = j.page.locator(".govuk-breadcrumbs__list-item").nth(1)
    assert crumb.evaluate(_POINTS, "::before") == "left", "breadcrumb chevrons point the way the trail reads"
    j.start("/services/camhs?lang=en", "service in English")
    crumb = j.page.locator(".govuk-breadcrumbs__list-item").nth(1)
    assert crumb.evaluate(_POINTS, "::before") == "right"
    j.follow(j.page.locator(".govuk-breadcrumbs__link").first, "home in English")
    j.start("/survey/local-offer-feedback/questions/about_you", "survey question in English")
    assert j.page.locator(".govuk-back-link").evaluate(_POINTS, "::before") == "left"
