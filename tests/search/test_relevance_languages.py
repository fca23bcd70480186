"""Relevance in every language: parent-style queries and sentences, each with its page in the top three.

The queries live in tests/data/search_relevance.yaml (bench/search_relevance.py prints hit@3
per language from the same file).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.search import SearchIndex
from app.yaml_loader import load_yaml

RELEVANCE_FILE = Path(__file__).parents[1] / "data" / "search_relevance.yaml"
SETS = load_yaml(RELEVANCE_FILE.read_text(encoding="utf-8"))
CASES = [
    (lang, item["q"], item["expect"] if isinstance(item["expect"], list) else [item["expect"]])
    for lang, items in SETS.items()
    for item in items
]


@pytest.fixture(scope="module")
def index(search_index_dir: Path) -> SearchIndex:
    return SearchIndex(search_index_dir)


@pytest.mark.parametrize("lang", ["pl", "ur", "ro", "pa"])
def test_every_language_has_twenty_parent_style_queries_and_a_sentence(lang: str):
    queries = [item["q"] for item in SETS[lang]]
    assert len(queries) >= 20 and len(set(queries)) == len(queries)
    assert any(len(query.split()) >= 6 for query in queries)


@pytest.mark.parametrize(("lang", "query", "expected"), CASES)
def test_the_right_page_is_in_the_top_three(index: SearchIndex, lang: str, query: str, expected: list[str]):
    top = [hit.url for hit in index.search(query, lang=lang).hits[:3]]
    assert set(expected) & set(top), f"{lang} {query!r}: expected one of {expected} in the top 3, got {top}"
