"""Plain-language measures: Flesch-Kincaid reading grade and long sentences (textstat).

textstat is pinned to 0.7.4, which counts syllables with Pyphen's bundled dictionaries;
later releases fetch a pronouncing dictionary over the network at run time. It imports
`pkg_resources`, so setuptools is pinned alongside it.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from functools import cache
from types import ModuleType

#: Targets for shipped content (Flesch-Kincaid grade).
MAX_GRADE = 9.0
GUIDANCE_MEDIAN_GRADE = 6.0
MAX_SENTENCE_WORDS = 25

SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"”’)]*\s+")
LETTER_RE = re.compile(r"[^\W\d_]", re.UNICODE)


def is_english(text: str) -> bool:
    """True when most letters are plain Latin ones (the grade formula is for English)."""
    letters = LETTER_RE.findall(text)
    if not letters:
        return False
    return sum(letter.isascii() for letter in letters) / len(letters) >= 0.9


def prose(lines: list[str]) -> str:
    """Join blocks (paragraphs, list items, headings) so each ends a sentence."""
    blocks = []
    for line in lines:
        line = " ".join(line.split())
        if not line or not is_english(line):
            continue
        blocks.append(line if line[-1] in ".!?:;" else f"{line}.")
    return "\n".join(blocks)


def grade(text: str) -> float:
    """Flesch-Kincaid grade of `text`, rounded to one decimal place (0 for no words)."""
    if not _textstat().lexicon_count(text):
        return 0.0
    return round(float(_textstat().flesch_kincaid_grade(text)), 1)


def sentences(text: str) -> list[str]:
    """The sentences in `text`: each block on its own line, split after . ! or ?"""
    found: list[str] = []
    for block in text.splitlines():
        found.extend(part.strip() for part in SENTENCE_END_RE.split(block) if part.strip())
    return found


def long_sentences(text: str, limit: int = MAX_SENTENCE_WORDS) -> list[tuple[str, int]]:
    """(sentence, word count) for every sentence over `limit` words."""
    counted = ((sentence, _textstat().lexicon_count(sentence)) for sentence in sentences(text))
    return [(sentence, words) for sentence, words in counted if words > limit]


@dataclass(frozen=True)
class Reading:
    """The reading grade of one page and of its summary."""

    url: str
    title: str
    kind: str
    page_grade: float
    summary_grade: float


def median(values: list[float]) -> float:
    return round(statistics.median(values), 1) if values else 0.0


@cache
def _textstat() -> ModuleType:
    """textstat, imported on first use (it loads pkg_resources and Pyphen's dictionaries)."""
    import textstat

    return textstat
