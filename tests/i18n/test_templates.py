"""Every piece of user-facing text in our templates goes through flask-babel."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import Environment

TEMPLATES = Path(__file__).resolve().parents[2] / "app" / "templates"
LEXER = Environment(extensions=["jinja2.ext.do", "jinja2.ext.i18n"])
# Text that is not language: punctuation, numbers, symbols, and brand names that stay in English.
NOT_LANGUAGE = re.compile(r"^[\W\d_]*$")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "pre", "code"}:
            self._skip += 1
        for name, value in attrs:
            if name in {"alt", "title", "placeholder", "aria-label"} and value and not NOT_LANGUAGE.match(value):
                self.found.append(f"{name}={value!r}")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "pre", "code"}:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and not NOT_LANGUAGE.match(data.strip()):
            self.found.append(data.strip())


def unwrapped_text(source: str) -> list[str]:
    """Text left in a template once every Jinja tag, expression and comment is removed."""
    data = [value if token == "data" else " " for _, token, value in LEXER.lex(source)]
    collector = _TextCollector()
    collector.feed("".join(data))
    return collector.found


@pytest.mark.parametrize(
    "path", sorted(p for p in TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_template_text_is_wrapped_for_translation(path):
    assert unwrapped_text(path.read_text(encoding="utf-8")) == []


def test_the_check_finds_unwrapped_text():
    assert unwrapped_text("<p>{{ _('Fine') }}</p><p>Not wrapped</p>") == ["Not wrapped"]
    assert unwrapped_text('<img alt="A picture">') == ["alt='A picture'"]
    assert unwrapped_text("<p>{% if x %}{{ y }}{% endif %} – 2026</p>") == []
    assert unwrapped_text("{{ f({'a': {'b': 1}}) }}<p>Left over</p>") == ["Left over"]
