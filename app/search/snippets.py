"""Snippets: the passage of a result that best shows why it matched, matched words marked."""

from __future__ import annotations

import html
import re

from .analysis import WORD_PATTERN, word_term
from .schema import DEFAULT_LANG

SNIPPET_CHARS = 240
SNIPPET_LEAD = 60
_WORD = re.compile(WORD_PATTERN)


def snippet(text: str, highlight_terms: frozenset[str], whole: bool, lang: str = DEFAULT_LANG) -> str:
    """Escaped HTML: the passage of `text` with the most matched words, those words in <mark>.

    `whole` keeps all of a short text (a summary); otherwise about SNIPPET_CHARS characters
    around the best cluster of matches. Empty when nothing in `text` matches.
    """
    if not text or not highlight_terms:
        return ""
    matches = [m for m in _WORD.finditer(text) if word_term(m.group(), lang) in highlight_terms]
    if not matches:
        return ""
    if whole:
        start, end = 0, len(text)
    else:
        best, best_count = 0, 0
        for index, match in enumerate(matches):
            window_end = match.start() + SNIPPET_CHARS - SNIPPET_LEAD
            distinct = {word_term(m.group(), lang) for m in matches[index:] if m.end() <= window_end}
            if len(distinct) > best_count:
                best, best_count = index, len(distinct)
        start = _word_start(text, max(0, matches[best].start() - SNIPPET_LEAD))
        end = _word_end(text, min(len(text), start + SNIPPET_CHARS))
    out: list[str] = ["… " if start > 0 else ""]
    position = start
    for match in matches:
        if match.start() < start or match.end() > end:
            continue
        out.append(html.escape(text[position : match.start()], quote=False))
        out.append(f"<mark>{html.escape(match.group(), quote=False)}</mark>")
        position = match.end()
    out.append(html.escape(text[position:end], quote=False))
    out.append(" …" if end < len(text) else "")
    return " ".join("".join(out).split())


def _word_start(text: str, index: int) -> int:
    """`index` moved forward to the start of a word (or left alone at the start of the text)."""
    if index == 0:
        return 0
    space = text.find(" ", index)
    return space + 1 if 0 <= space < index + 30 else index


def _word_end(text: str, index: int) -> int:
    """`index` moved back to the end of a word (or left alone at the end of the text)."""
    if index >= len(text):
        return len(text)
    space = text.rfind(" ", index - 30, index)
    return space if space > 0 else index
