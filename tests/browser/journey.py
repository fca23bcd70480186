"""A small journey helper for real-browser tests.

A journey is written once, as the steps a person takes, and runs in every mode: with a
mouse on a desktop, with the keyboard alone (Tab, Enter, Space, with visible focus at every
step), at 320 CSS pixels wide and at 200% zoom. At each page it reaches, `Journey` checks the
page's heading, that no script error or Content Security Policy violation happened, that the
page reflows without horizontal scrolling, and runs axe-core against WCAG 2.0, 2.1 and 2.2 A
and AA. Adding a journey takes a few lines:

    def search_journey(j: Journey) -> None:
        j.start("/", "home")
        j.fill(j.page.get_by_label("Search the Local Offer"), "speach therapy")
        j.submit(j.page.get_by_role("button", name="Search"), "search results")
"""

from __future__ import annotations

import re
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from playwright.sync_api import ConsoleMessage, Locator, Page

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

#: How many Tab presses a keyboard user is assumed to tolerate to reach one control.
MAX_TABS = 120


@dataclass(frozen=True)
class Mode:
    """How a journey is driven: viewport, zoom, keyboard or mouse, and which checks run."""

    name: str
    width: int
    height: int
    scale: float = 1
    keyboard: bool = False
    audit: bool = True

    @property
    def narrow(self) -> bool:
        return self.width < 641


MODES = [
    Mode("desktop", 1280, 900),
    Mode("reflow-320", 320, 640),
    # 200% zoom: a 1280 px window at 200% lays pages out in 640 CSS pixels, drawn at twice the density.
    Mode("zoom-200", 640, 450, scale=2),
    Mode("keyboard", 1280, 900, keyboard=True, audit=False),
    Mode("keyboard-320", 320, 640, keyboard=True, audit=False),
]
#: A common phone, 390 CSS pixels wide: by touch (audited) and by keyboard alone.
PHONE_MODES = [
    Mode("phone-390", 390, 844),
    Mode("keyboard-390", 390, 844, keyboard=True),
]


@dataclass
class AuditLog:
    """What the session audited, for the closing summary."""

    pages: list[tuple[str, str, str]] = field(default_factory=list)
    violations: int = 0


class JourneyError(AssertionError):
    """A journey step failed: what the person would have met."""


class Journey:
    """Drives one page through a journey in one mode and checks every page it reaches."""

    def __init__(self, page: Page, app: Flask, base_url: str, mode: Mode, axe_script: Path, log: AuditLog) -> None:
        self.page = page
        self.app = app
        self.base_url = base_url.rstrip("/")
        self.mode = mode
        self.axe_script = axe_script
        self.log = log
        self.screenshots: dict[str, bytes] = {}
        self.visited: list[str] = []
        self.problems: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))

    @property
    def main(self) -> Locator:
        """The page's <main>, to find links in the content rather than the header or footer."""
        return self.page.locator("main")

    # Steps -----------------------------------------------------------------------------------

    def start(self, path: str, page_type: str, h1: str | None = None, status: int = 200) -> None:
        """Open a page by its address; a keyboard user then takes the skip link into the content."""
        response = self.page.goto(self.base_url + path)
        self._expect(response and response.status == status, f"{path}: status {response and response.status}")
        self.checkpoint(page_type, h1)
        if self.mode.keyboard:
            skip = self.page.locator(".govuk-skip-link")
            self.tab_to(skip)
            self.page.keyboard.press("Enter")
            focused_in_main = self.page.evaluate(
                "() => document.activeElement.id === 'main-content' || location.hash === '#main-content'"
            )
            self._expect(focused_in_main, "the skip link did not move focus to the main content")

    def follow(self, target: Locator, page_type: str, h1: str | None = None) -> None:
        """Follow a link: click it, or Tab to it and press Enter."""
        self.activate(target, key="Enter")
        self.checkpoint(page_type, h1)

    def submit(self, button: Locator, page_type: str, h1: str | None = None) -> None:
        """Press a form's button: click it, or Tab to it and press Enter."""
        self.activate(button, key="Enter")
        self.checkpoint(page_type, h1)

    def press_button(self, button: Locator) -> None:
        """Press a button that changes the page in place: click, or Tab to it and press Space."""
        self.activate(button, key="Space")

    def fill(self, field: Locator, text: str) -> None:
        """Type into a text field (reached by Tab in keyboard modes)."""
        if self.mode.keyboard:
            self.tab_to(field)
            self.page.keyboard.press("Control+A")
            self.page.keyboard.type(text)
        else:
            field.fill(text)

    def check(self, box: Locator) -> None:
        """Tick a checkbox or choose a radio: click it, or Tab (and arrow) to it and press Space."""
        if self.mode.keyboard:
            if box.get_attribute("type") == "radio":
                self._arrow_to(box)
            else:
                self.tab_to(box)
            self.page.keyboard.press("Space")
        else:
            box.check()
        self._expect(box.is_checked(), f"{self._describe(box)} is not selected")

    def select(self, field: Locator, label: str) -> None:
        """Choose an option of a <select>: with the mouse, or Tab to it and arrow down to the option."""
        if self.mode.keyboard:
            self.tab_to(field)
            for _ in range(60):
                if field.evaluate("s => s.options[s.selectedIndex].text") == label:
                    break
                self.page.keyboard.press("ArrowDown")
        else:
            field.select_option(label=label)
        self._expect(
            field.evaluate("s => s.options[s.selectedIndex].text") == label,
            f"{self._describe(field)}: {label!r} not chosen",
        )

    def open_menu(self) -> None:
        """On a narrow screen, open the service navigation's menu (Space on its button)."""
        toggle = self.page.locator(".govuk-service-navigation__toggle")
        if toggle.is_visible():
            self.press_button(toggle)
            self._expect(toggle.get_attribute("aria-expanded") == "true", "the menu button did not open the menu")

    def activate(self, target: Locator, key: str) -> None:
        """Click the target, or Tab to it and press the key."""
        target = target.first
        self._expect(target.count() == 1, f"nothing to activate on {self.page.url}")
        if self.mode.keyboard:
            self.tab_to(target)
            with self.page.expect_navigation() if key == "Enter" else nullcontext():
                self.page.keyboard.press(key)
        else:
            target.click()
        self.page.wait_for_load_state()

    # Keyboard --------------------------------------------------------------------------------

    def tab_to(self, target: Locator) -> None:
        """Press Tab until the target has focus, checking that every stop shows its focus."""
        target = target.first
        self._tab_until(lambda: target.evaluate("el => el === document.activeElement"), self._describe(target))

    def _tab_until(self, arrived, what: str) -> None:
        for _ in range(MAX_TABS):
            self.page.keyboard.press("Tab")
            self._focus_check()
            if arrived():
                return
        raise JourneyError(f"{what} not reached in {MAX_TABS} Tab presses on {self.page.url}")

    def _arrow_to(self, radio: Locator) -> None:
        """Tab into the radio group (wherever its focus lands), then arrow down to the radio."""
        name = radio.get_attribute("name")
        in_group = "name => document.activeElement.type === 'radio' && document.activeElement.name === name"
        self._tab_until(lambda: self.page.evaluate(in_group, name), f"the {name!r} radios")
        count = self.page.locator(f'input[type="radio"][name="{name}"]').count()
        for _ in range(count):
            if radio.evaluate("el => el === document.activeElement"):
                return
            self.page.keyboard.press("ArrowDown")
            self._focus_check()
        self._expect(radio.evaluate("el => el === document.activeElement"), f"{self._describe(radio)} not reached")

    def _focus_check(self) -> None:
        """Assert the focused element shows a visible focus indicator and is on screen."""
        focus = self.page.evaluate(_FOCUS_STATE)
        if focus is None:
            return
        self._expect(
            focus["visible"],
            f"no visible focus on <{focus['tag']}> {focus['text']!r} at {self.page.url}: "
            f"outline {focus['outline']}, box-shadow {focus['shadow']}, background {focus['background']}",
        )
        self._expect(focus["onScreen"], f"focused <{focus['tag']}> {focus['text']!r} is off screen on {self.page.url}")

    # Checks ----------------------------------------------------------------------------------

    def checkpoint(self, page_type: str, h1: str | None = None) -> None:
        """Check the page now showing: heading, script errors, reflow, axe-core; keep a screenshot."""
        self.page.wait_for_load_state()
        self.visited.append(page_type)
        self.screenshots[page_type] = self.page.screenshot(full_page=True)
        heading = self.page.locator("h1")
        self._expect(heading.count() == 1, f"{page_type}: expected one <h1> on {self.page.url}")
        if h1 is not None:
            text = re.sub(r"\s+", " ", heading.inner_text()).strip()
            self._expect(text == h1, f"{page_type}: the heading is {text!r}, expected {h1!r}")
        supported = self.page.evaluate("() => document.body.classList.contains('govuk-frontend-supported')")
        self._expect(supported, f"{page_type}: GOV.UK Frontend's start-up script did not run")
        self._expect(not self.problems, f"{page_type}: " + "; ".join(self.problems))
        if self.mode.narrow:
            self.check_reflow(page_type)
        if self.mode.audit:
            self.audit(page_type)

    def check_reflow(self, page_type: str) -> None:
        """WCAG 1.4.10: no horizontal scrolling at this width."""
        widths = self.page.evaluate(_OVERFLOW)
        self._expect(
            widths["scroll"] <= widths["viewport"],
            f"{page_type}: scrolls sideways at {self.mode.name} ({widths['scroll']} px content in a "
            f"{widths['viewport']} px viewport); too wide: {widths['wide']}",
        )

    def audit(self, page_type: str) -> None:
        """Run axe-core with the WCAG A and AA rules; fail with a readable list of violations."""
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            # Evaluated through the DevTools protocol, so the page's own CSP stays in force.
            self.page.evaluate(self.axe_script.read_text(encoding="utf-8") + "\n;undefined")
        results = self.page.evaluate(
            "options => axe.run(document, options)",
            {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
        )
        violations = without_known_govuk_issues(results["violations"])
        self.log.pages.append((self.mode.name, page_type, self.page.url))
        self.log.violations += len(violations)
        self._expect(not violations, format_violations(page_type, self.mode.name, self.page.url, violations))

    # Helpers ---------------------------------------------------------------------------------

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        if message.text.startswith("Failed to load resource") and message.location.get("url") == self.page.url:
            return  # the page's own status (a 404 page, say), which the journey checks itself
        self.problems.append(f"console error: {message.text}")

    def _describe(self, locator: Locator) -> str:
        try:
            return repr(re.sub(r"\s+", " ", locator.first.evaluate("el => el.outerHTML"))[:120])
        except Exception:  # the element is gone: describe the locator instead
            return str(locator)

    @staticmethod
    def _expect(condition: object, message: str) -> None:
        if not condition:
            raise JourneyError(message)


def _conditional_reveal_radio(node: dict) -> bool:
    """A GOV.UK conditional-reveal radio whose only fault is the aria-expanded GOV.UK Frontend gives it."""
    html = node.get("html", "")
    messages = [check.get("message", "") for check in node.get("any", []) + node.get("all", []) + node.get("none", [])]
    return (
        'class="govuk-radios__input"' in html
        and 'aria-controls="conditional-' in html
        and bool(messages)
        and all("aria-expanded" in message for message in messages)
    )


def without_known_govuk_issues(violations: list[dict]) -> list[dict]:
    """Violations less the one GOV.UK Frontend keeps on purpose: `aria-expanded` on a radio that reveals
    more questions, which screen readers announce and ARIA does not yet allow (govuk-frontend issue 979)."""
    kept = []
    for violation in violations:
        if violation["id"] == "aria-allowed-attr":
            nodes = [node for node in violation["nodes"] if not _conditional_reveal_radio(node)]
            if not nodes:
                continue
            violation = {**violation, "nodes": nodes}
        kept.append(violation)
    return kept


def format_violations(page_type: str, mode: str, url: str, violations: list[dict]) -> str:
    """axe-core's violations as lines a person can act on."""
    lines = [f"{len(violations)} accessibility violations on {page_type} ({mode}) {url}:"]
    for violation in violations:
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            summary = [line.strip() for line in node.get("failureSummary", "").splitlines() if line.strip()]
            if summary:
                lines.append(f"      {summary[0]} {'; '.join(summary[1:])}"[:400])
    return "\n".join(lines)


#: The document's width, and the first elements or text runs that stick out to the right.
_OVERFLOW = """() => {
  const limit = window.innerWidth + 1;
  const wide = [];
  const name = el => el.tagName.toLowerCase()
    + (el.className ? '.' + String(el.className).trim().split(/\\s+/).join('.') : '');
  for (const el of document.querySelectorAll('body *')) {
    if (el.getBoundingClientRect().right > limit) wide.push(name(el));
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const range = document.createRange();
    range.selectNodeContents(node);
    if ([...range.getClientRects()].some(rect => rect.right > limit)) {
      wide.push(`text ${JSON.stringify(node.textContent.trim().slice(0, 40))} in ${name(node.parentElement)}`);
    }
  }
  return {scroll: document.documentElement.scrollWidth, viewport: window.innerWidth, wide: wide.slice(0, 5)};
}"""

_FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const yellow = 'rgb(255, 221, 0)';
  const transparent = c => c === 'transparent' || /rgba\\(.*,\\s*0\\)$/.test(c);
  const shows = style => (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
                          && !transparent(style.outlineColor))
                         || style.backgroundColor === yellow || style.boxShadow.includes(yellow);
  // GOV.UK radios and checkboxes hide the input and draw its focus ring on the label's ::before.
  const drawn = (el.type === 'radio' || el.type === 'checkbox') && el.labels && el.labels[0]
    ? getComputedStyle(el.labels[0], '::before') : getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 60),
    visible: shows(drawn),
    outline: `${drawn.outlineStyle} ${drawn.outlineWidth} ${drawn.outlineColor}`,
    shadow: drawn.boxShadow,
    background: drawn.backgroundColor,
    onScreen: rect.bottom > 0 && rect.top < window.innerHeight && rect.right > 0 && rect.left < window.innerWidth,
  };
}"""
