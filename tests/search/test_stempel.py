"""The Polish stemmer reads Stempel's table compactly and stems exactly as pystempel does."""

from __future__ import annotations

import gzip
import re
from importlib import resources
from pathlib import Path

import pytest
from pystempel import Stemmer
from pystempel.streams import DataInputStream

from app.search.stempel import TABLE, polish_stemmer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def stem():
    return polish_stemmer()


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("autyzmu", "autyzm"),
        ("dzieci", "dziecko"),
        ("szkołach", "szkoła"),
        ("niepełnosprawnością", "niepełnosprawność"),
    ],
)
def test_polish_words_reduce_to_their_stem(stem, word: str, expected: str) -> None:
    assert stem(word) == expected


def test_every_polish_word_in_the_content_stems_as_pystempel_stems_it(stem) -> None:
    package, name = TABLE
    with gzip.open(resources.files(package) / name, "rb") as stream:
        reference = Stemmer.from_stream(DataInputStream(stream))
    words: set[str] = set()
    for path in [*(ROOT / "content/pl").rglob("*.*"), ROOT / "translations/pl/LC_MESSAGES/messages.po"]:
        words |= {w.lower() for w in re.findall(r"[^\W\d_]+", path.read_text(encoding="utf-8"))}
    assert len(words) > 2000
    assert [w for w in sorted(words) if stem(w) != (reference(w) or w)] == []
