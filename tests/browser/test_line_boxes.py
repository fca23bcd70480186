"""Text that fits its lines, in every language, on a phone.

Tall scripts need taller lines: Urdu in Noto Nastaliq Urdu (the font iPhones use for Urdu)
reaches far above and below its baseline, and Panjabi's Gurmukhi vowel signs sit above the
letters. With GOV.UK's tight line heights, one line's letters run into the next.

For every word on the page this measures where its letters really are: the word's line box
from `Range.getClientRects()` (per character, so each line is found) gives its place and
baseline, and canvas `measureText()` in the word's font (with the browser's own font
fallback) how far its glyphs reach above and below. Where the boxes of two words on different
lines meet, both words are drawn, each in its own canvas, and the pixels both cover are
counted: letters that touch fail the test, as does a page that scrolls sideways. The figures
are printed (`-s`) so a change can be compared.

Needs the Noto fonts (Debian `fonts-noto-core`, installed by `make ci-deps`); without Noto
Nastaliq Urdu the check would measure another font and is skipped.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest

pytestmark = pytest.mark.browser

LANGUAGES = ("en", "pl", "ur", "ro", "pa")
WIDTHS = (320, 390)
#: Overlaps smaller than this (in CSS pixels, both across and down) are anti-aliasing, not a clash.
TOLERANCE = 1.0
SURVEY_QUESTION = "/survey/local-offer-feedback/questions/about_you"
#: (page type, address, whether to press the page's first button: a survey question sent empty).
PAGES = (
    ("home", "/", False),
    ("guidance", "/guidance/the-20-week-journey", False),
    ("service", "/services/all-wheels-adapted-cycling", False),
    ("search results with filters", "/search?q=autism&category=health&free=y", False),
    ("survey question with an error", SURVEY_QUESTION, True),
)


def _fonts() -> str:
    try:
        return subprocess.run(["fc-list"], capture_output=True, text=True, check=False).stdout
    except OSError:
        return ""


@pytest.fixture(scope="module")
def phone(browser, live_server) -> Iterator:
    """A function opening a fresh phone-sized page in a language at a width."""
    fonts = _fonts()
    if "Noto Nastaliq Urdu" not in fonts or "Noto Sans Gurmukhi" not in fonts:
        pytest.skip("the Noto fonts are not installed: `make ci-deps` installs fonts-noto-core")
    contexts = []

    def open_page(width: int):
        context = browser.new_context(viewport={"width": width, "height": 800}, locale="en-GB")
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.parametrize("width", WIDTHS, ids=[f"{width}px" for width in WIDTHS])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_lines_of_text_never_overlap_and_pages_never_scroll_sideways(phone, live_server, lang, width):
    page = phone(width)
    problems: list[str] = []
    for page_type, path, send_empty in PAGES:
        joiner = "&" if "?" in path else "?"
        response = page.goto(f"{live_server.url}{path}{joiner}lang={lang}")
        assert response and response.status == 200, f"{page_type}: status {response and response.status}"
        if send_empty:
            page.locator("main form button.govuk-button").first.click()
            page.wait_for_load_state()
            assert page.locator(".govuk-error-summary").count() == 1, f"{page_type}: no error summary"
        page.evaluate("() => document.fonts.ready")
        figures = page.evaluate(MEASURE_LINES, TOLERANCE)
        print(
            f"{lang} {width}px {page_type}: {figures['words']} words, {figures['candidates']} pairs of lines close, "
            f"{figures['overlaps']} touching, worst {figures['worst']} px deep; "
            f"width {figures['scrollWidth']} px, scrolled {figures['scrollX']} px"
        )
        if figures["overlaps"]:
            examples = "; ".join(
                f"{e['a']!r} and {e['b']!r} ({e['pixels']} pixels, {e['px']} px deep) in {e['where']}"
                for e in figures["examples"]
            )
            problems.append(
                f"{page_type}: the letters of {figures['overlaps']} pairs of words on different lines overlap "
                f"(worst {figures['worst']} px), e.g. {examples}"
            )
        if figures["scrollWidth"] > figures["viewport"] or figures["scrollX"]:
            problems.append(
                f"{page_type}: scrolls sideways ({figures['scrollWidth']} px wide in a {figures['viewport']} px "
                f"window, opened scrolled {figures['scrollX']} px); too wide: {figures['wide']}"
            )
    assert not problems, f"{lang} at {width} px:\n" + "\n".join(problems)


#: Every visible word's ink box (its line's baseline, plus how far its glyphs reach up and down),
#: and each pair of words on different lines whose ink boxes overlap.
MEASURE_LINES = """tolerance => {
  const ctx = document.createElement('canvas').getContext('2d');
  const skip = '.govuk-visually-hidden, .govuk-visually-hidden-focusable, .govuk-skip-link, .council-honeypot, '
    + 'script, style, noscript, template, option';
  const name = el => el.tagName.toLowerCase()
    + (el.className ? '.' + String(el.className).trim().split(/\\s+/)[0] : '');
  const words = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const text = node.data;
    if (!text.trim() || el.closest(skip)) continue;
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    const style = getComputedStyle(el);
    const font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    ctx.font = font;
    // A text box's top is its baseline less the first font's ascent.
    const ascent = ctx.measureText('x').fontBoundingBoxAscent;
    let word = null;
    const flush = () => {
      if (!word) return;
      const ink = ctx.measureText(text.slice(word.start, word.end));
      const baseline = word.top + ascent;
      words.push({
        text: text.slice(word.start, word.end), baseline, left: word.left, right: word.right, font,
        direction: style.direction, top: baseline - ink.actualBoundingBoxAscent,
        bottom: baseline + ink.actualBoundingBoxDescent, inkLeft: word.left - 2 * parseFloat(style.fontSize),
        inkRight: word.right + 2 * parseFloat(style.fontSize), where: name(el),
      });
      word = null;
    };
    for (let i = 0; i < text.length; i++) {
      if (/\\s/.test(text[i])) { flush(); continue; }
      const start = i;
      const end = (text.charCodeAt(i) & 0xfc00) === 0xd800 ? i + 2 : i + 1;
      i = end - 1;
      range.setStart(node, start);
      range.setEnd(node, end);
      const r = range.getBoundingClientRect();
      if (!r.width && !r.height) continue;
      const top = r.top + scrollY;
      if (word && Math.abs(top - word.top) > 1) flush();  // a word broken across two lines
      if (!word) word = {start, top, left: r.left, right: r.right};
      word.end = end;
      word.left = Math.min(word.left, r.left);
      word.right = Math.max(word.right, r.right);
    }
    flush();
  }
  // Where the boxes of two words on different lines meet, draw each word's glyphs in its own
  // canvas and count the pixels both cover: the letters themselves touching.
  const paint = (w, x, y, width, height) => {
    const canvas = new OffscreenCanvas(width, height);
    const c = canvas.getContext('2d');
    c.font = w.font;
    c.direction = w.direction;
    c.textAlign = 'left';
    c.textBaseline = 'alphabetic';
    c.fillText(w.text, w.left - x, w.baseline - y);
    return c.getImageData(0, 0, width, height).data;
  };
  const clash = (a, b) => {
    const x = Math.floor(Math.max(a.inkLeft, b.inkLeft)), right = Math.ceil(Math.min(a.inkRight, b.inkRight));
    const y = Math.floor(Math.max(a.top, b.top)), bottom = Math.ceil(Math.min(a.bottom, b.bottom));
    if (right - x < 1 || bottom - y < 1) return null;
    const one = paint(a, x, y, right - x, bottom - y), two = paint(b, x, y, right - x, bottom - y);
    let shared = 0, lowest = -1, highest = -1;
    for (let p = 3; p < one.length; p += 4) {
      if (one[p] >= 128 && two[p] >= 128) {
        shared++;
        const row = Math.floor((p >> 2) / (right - x));
        if (highest < 0) highest = row;
        lowest = row;
      }
    }
    return shared > 1 ? {pixels: shared, px: lowest - highest + 1} : null;
  };
  words.sort((a, b) => a.top - b.top);
  const overlaps = [];
  let candidates = 0;
  for (let i = 0; i < words.length; i++) {
    const a = words[i];
    for (let j = i + 1; j < words.length && words[j].top < a.bottom - tolerance; j++) {
      const b = words[j];
      if (Math.abs(a.baseline - b.baseline) <= 2) continue;  // the same line
      if (Math.min(a.inkRight, b.inkRight) - Math.max(a.inkLeft, b.inkLeft) <= tolerance) continue;
      candidates++;
      const met = clash(a, b);
      if (met) overlaps.push({...met, a: a.text, b: b.text, where: `${a.where} / ${b.where}`});
    }
  }
  overlaps.sort((x, y) => y.px - x.px || y.pixels - x.pixels);
  const wide = [...document.querySelectorAll('body *')]
    .filter(el => { const r = el.getBoundingClientRect(); return r.right > innerWidth + 1 || r.left < -1; })
    .slice(0, 5).map(name);
  return {
    words: words.length, candidates, overlaps: overlaps.length, worst: overlaps.length ? overlaps[0].px : 0,
    examples: overlaps.slice(0, 3), scrollWidth: document.documentElement.scrollWidth, viewport: innerWidth,
    scrollX: Math.abs(scrollX), wide,
  };
}"""
