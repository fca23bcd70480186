"""Search in every language: Polish stemming, accents left out, the SEND vocabulary per
language (every glossary term included), transliterations, and sentences read by meaning."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import BASE_DIR
from app.search import SearchIndex
from app.search.analysis import language_terms, load_synonyms, terms
from app.yaml_loader import load_yaml


@pytest.fixture(scope="module")
def index(search_index_dir: Path) -> SearchIndex:
    return SearchIndex(search_index_dir)


def _top(index: SearchIndex, query: str, lang: str = "en", n: int = 3) -> list[str]:
    return [hit.url for hit in index.search(query, lang=lang).hits[:n]]


@pytest.mark.parametrize(
    ("typed", "written"),
    [("autyzm", "autyzmu"), ("szkoły", "szkołę"), ("szkoly", "szkoły"), ("wozek", "wózek"), ("logopeda", "logopedy")],
)
def test_polish_words_match_their_other_forms_with_or_without_accents(typed: str, written: str):
    assert set(language_terms(typed, "pl")) & set(language_terms(written, "pl"))


def test_autyzm_finds_the_services_about_autism_and_suggests_nothing(index: SearchIndex):
    results = index.search("autyzm", lang="pl")
    assert "/services/lowmoor-autism-parents-circle" in [hit.url for hit in results.hits[:3]]
    assert results.suggestion is None
    assert "autyzm" in results.hits[0].title.lower() or "autyzm" in results.hits[0].snippet.lower()


@pytest.mark.parametrize(("query", "lang"), [("آٹزم", "ur"), ("autism", "ur"), ("otizam", "ur"), ("ਔਟਿਜ਼ਮ", "pa")])
def test_autism_in_any_script_finds_autism_services_in_the_readers_language(index: SearchIndex, query, lang):
    results = index.search(query, lang=lang)
    services = [hit for hit in results.hits[:3] if hit.kind == "services"]
    assert services and not services[0].title.isascii()  # the translated title, not the English


def test_every_glossary_term_is_a_concept_with_words_in_every_language():
    synonyms = load_synonyms()
    glossary = load_yaml((BASE_DIR / "content" / "glossary.yaml").read_text(encoding="utf-8"))
    for lang in ("pl", "ur", "ro", "pa"):
        covered = set().union(*synonyms.translated[lang].values())
        for term in glossary:
            names = [n for n in (term.get("abbreviation"), term["term"], *term.get("aliases", [])) if n]
            groups = set().union(*(synonyms.by_phrase.get(tuple(terms(n)), frozenset()) for n in names))
            assert groups & covered, f"{lang}: no words for the glossary term {names[0]!r}"


def test_a_sentence_puts_open_support_before_places_that_need_an_ehc_plan(index: SearchIndex):
    results = index.search("my son is autistic and struggling at school")
    top = [hit.url for hit in results.hits[:3]]
    assert "/services/kelderbridge-sendiass" in top
    assert all(hit.details.get("access") != "ehc-plan-only" for hit in results.hits[:2])


def test_a_sentence_about_a_plan_still_finds_places_for_children_with_one(index: SearchIndex):
    top = _top(index, "special school for my autistic son with an ehcp", n=5)
    assert "/services/lowmoor-park-school" in top


def test_filler_words_in_polish_do_not_reach_english_acronyms(index: SearchIndex):
    # "dla" is Polish for "for", not the Disability Living Allowance
    assert "/glossary#dla" not in _top(index, "szkoła dla głuchych dzieci", "pl")
