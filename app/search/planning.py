"""Query planning: plain words in, weighted (field, term) pairs out.

User text is never parsed as Whoosh query syntax. It is cut down to words, unknown words
are corrected from the index's own vocabulary, SEND synonyms and acronyms are expanded
both ways, and the weighted terms are built directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from whoosh.analysis import STOP_WORDS
from whoosh.reading import IndexReader

from .analysis import MAX_QUERY_WORDS, Synonyms, language_terms, terms, words
from .build import normalise_name
from .schema import DEFAULT_LANG, FIELD_WEIGHTS, field_weights
from .snapshot import AGE_MAX, AGE_MIN, Snapshot

SYNONYM_WEIGHT = 0.8
CORRECTION_WEIGHT = 0.9
_AGE_IN_TEXT = re.compile(
    r"\b(\d{1,2})\s*-?\s*(?:years?|yrs?)\s*-?\s*old\b|\baged?\s+(\d{1,2})\b|\b(\d{1,2})\s*yo\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Definition:
    """A glossary entry whose name is exactly what was searched for."""

    title: str
    text: str
    url: str


@dataclass(frozen=True)
class Plan:
    terms: dict[tuple[str, str], float]  # (field, term) -> weight; a document's score sums them
    suggestion: str | None
    text: str
    highlight_terms: frozenset[tuple[str, str]]  # (language, term) pairs to mark in snippets
    age_hint: int | None

    def definition(self, snapshot: Snapshot) -> Definition | None:
        for candidate in filter(None, (self.text, self.suggestion)):
            docnum = snapshot.names.get(normalise_name(candidate))
            if docnum is not None:
                stored = snapshot.searcher().stored_fields(docnum)
                return Definition(stored["title"], stored["summary"], stored["url"])
        return None


def plan(text: str, snapshot: Snapshot, reader: IndexReader, synonyms: Synonyms, lang: str = DEFAULT_LANG) -> Plan:
    """Words -> corrected words -> concepts (synonym phrases) -> weighted terms.

    In another language the words are also looked up, as that language's analyser makes
    them, in that language's fields; spelling is only corrected in English.
    """
    typed = words(text)[:MAX_QUERY_WORDS]
    if lang != DEFAULT_LANG:
        corrected: list[str | None] = [None] * len(typed)
    else:
        corrected = [correct(word, snapshot, reader, synonyms) for word in typed]
    suggestion = " ".join(c or w for w, c in zip(typed, corrected, strict=True)) if any(corrected) else None
    query_terms = terms(" ".join(c or w for w, c in zip(typed, corrected, strict=True)))
    concepts = synonyms.segment(query_terms)
    highlight_terms: set[str] = set()
    boosts: dict[tuple[str, str], float] = {}
    for concept in concepts:
        highlight_terms.update(term for phrase in synonyms.alternatives(concept) for term in phrase)
        for key, boost in concept_terms(concept, synonyms):
            boosts[key] = max(boost, boosts.get(key, 0.0))
    highlight = {(DEFAULT_LANG, term) for term in highlight_terms}
    if lang != DEFAULT_LANG:
        own = language_terms(" ".join(typed), lang)
        highlight |= {(lang, term) for term in own}
        for term in own:
            for name, boost in field_weights(lang).items():
                boosts[(name, term)] = max(boost, boosts.get((name, term), 0.0))
    return Plan(boosts, suggestion, text, frozenset(highlight), age_in(text))


def concept_terms(concept: tuple[str, ...], synonyms: Synonyms) -> list[tuple[tuple[str, str], float]]:
    """A word or synonym phrase as (field, term) pairs with boosts: the word, and its groups' keys."""
    weighted = [(concept[0], 1.0)] if len(concept) == 1 else []
    weighted += [(key, SYNONYM_WEIGHT if weighted else 1.0) for key in synonyms.group_keys(concept)]
    return [((name, text), boost * weight) for name, boost in FIELD_WEIGHTS.items() for text, weight in weighted]


def correct(word: str, snapshot: Snapshot, reader: IndexReader, synonyms: Synonyms) -> str | None:
    """A spelling correction for an unknown word, from the index's own words, or None."""
    if len(word) < 4 or not word.isalpha() or word in STOP_WORDS or word in synonyms.vocabulary:
        return None
    if word in snapshot.spelling:
        return None
    cached = snapshot.corrections.get(word, "")
    if cached != "":
        return cached
    stem = terms(word)
    if stem and any((name, stem[0]) in reader for name in FIELD_WEIGHTS):
        correction = None
    else:
        correction = snapshot.closest(word, synonyms.vocabulary)
    if len(snapshot.corrections) < 10_000:
        snapshot.corrections[word] = correction
    return correction


def age_in(text: str) -> int | None:
    """An age written in the query ("my 7 year old", "aged 12"), when it is 0 to 25."""
    match = _AGE_IN_TEXT.search(text)
    if not match:
        return None
    age = int(next(group for group in match.groups() if group))
    return age if AGE_MIN <= age <= AGE_MAX else None
