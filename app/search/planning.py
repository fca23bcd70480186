"""Query planning: plain words in, weighted (field, term) pairs out.

User text is never parsed as Whoosh query syntax. It is cut down to words, unknown words
are corrected from the index's own vocabulary, SEND synonyms and acronyms are expanded
both ways, and the weighted terms are built directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh.analysis import STOP_WORDS
from whoosh.reading import IndexReader

from .analysis import MAX_QUERY_WORDS, Synonyms, language_terms, terms, words
from .build import normalise_name
from .schema import DEFAULT_LANG, FIELD_WEIGHTS, field_weights
from .snapshot import AGE_MAX, AGE_MIN, Snapshot

SYNONYM_WEIGHT = 0.8
CORRECTION_WEIGHT = 0.9
#: A filler word ("my", "son", "wont") counts this much of a word that carries meaning.
FILLER_WEIGHT = 0.2
#: A search with this many words or phrases that carry meaning reads as a sentence.
SENTENCE_CONCEPTS = 3
#: ... and so does a search of this many words with at least one that carries meaning.
SENTENCE_WORDS = 4
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
    #: How many words or phrases carry meaning (not filler): 3 or more reads as a sentence.
    meaning: int = 0
    #: Whether the search says anything about an EHC plan.
    mentions_plan: bool = False
    #: How many words were typed.
    length: int = 0

    @property
    def is_sentence(self) -> bool:
        return self.meaning >= SENTENCE_CONCEPTS or (self.length >= SENTENCE_WORDS and self.meaning >= 1)

    def definition(self, snapshot: Snapshot) -> Definition | None:
        for candidate in filter(None, (self.text, self.suggestion)):
            docnum = snapshot.names.get(normalise_name(candidate))
            if docnum is not None:
                stored = snapshot.searcher().stored_fields(docnum)
                return Definition(stored["title"], stored["summary"], stored["url"])
        return None


@dataclass(frozen=True)
class StaffWords:
    """Words staff added while the portal runs, by language: used by every search at once.

    `spellings`: a word as families type it -> the word to search for instead.
    `synonyms`: a phrase as families type it (its words) -> words to search for as well.
    """

    spellings: dict[str, dict[str, str]] = field(default_factory=dict)
    synonyms: dict[str, dict[tuple[str, ...], str]] = field(default_factory=dict)

    def respell(self, typed: list[str], lang: str) -> list[str | None]:
        """For each word, the spelling staff gave for it in `lang`, or None."""
        own = self.spellings.get(lang, {})
        return [own.get(word) for word in typed]

    def meanings(self, typed: list[str], lang: str) -> list[str]:
        """What staff said the phrases found in `typed` (in `lang`) also mean."""
        found = []
        for phrase, means in self.synonyms.get(lang, {}).items():
            size = len(phrase)
            if any(tuple(typed[i : i + size]) == phrase for i in range(len(typed) - size + 1)):
                found.append(means)
        return found


def plan(
    text: str,
    snapshot: Snapshot,
    reader: IndexReader,
    synonyms: Synonyms,
    lang: str = DEFAULT_LANG,
    staff: StaffWords | None = None,
    corrections: bool = True,
) -> Plan:
    """Words -> corrected words -> concepts (synonym phrases, in any language) -> weighted terms.

    In another language the words are also looked up, as that language's analyser makes
    them, in that language's fields, and the SEND concepts they name in every field;
    spelling is only corrected in English (and never when `corrections` is False). Filler
    words count for little; a sentence about struggling also looks for independent advice.
    """
    staff = staff or StaffWords()
    typed = words(text)[:MAX_QUERY_WORDS]
    respelt = staff.respell(typed, lang)
    if lang != DEFAULT_LANG or not corrections:
        corrected: list[str | None] = respelt
    else:
        corrected = [r or correct(word, snapshot, reader, synonyms) for word, r in zip(typed, respelt, strict=True)]
    suggestion = " ".join(c or w for w, c in zip(typed, corrected, strict=True)) if any(corrected) else None
    chosen = [c or w for w, c in zip(typed, corrected, strict=True)]
    boosts: dict[tuple[str, str], float] = {}
    highlight: set[tuple[str, str]] = set()
    keys: set[str] = set()
    meaning = 0

    def add(name: str, term: str, weight: float) -> None:
        boosts[(name, term)] = max(weight, boosts.get((name, term), 0.0))

    # Words that are filler in the reader's language ("dla" in Polish) are not English words.
    english = [w for w in chosen if lang == DEFAULT_LANG or not _all_filler(w, lang, synonyms)]
    for concept in synonyms.segment(terms(" ".join(english))):
        filler = len(concept) == 1 and synonyms.is_filler(concept[0])
        meaning += not filler
        highlight.update((DEFAULT_LANG, term) for phrase in synonyms.alternatives(concept) for term in phrase)
        found = synonyms.group_keys(concept)
        keys.update(found)
        for (name, term), boost in concept_terms(concept, synonyms):
            add(name, term, boost * (FILLER_WEIGHT if filler else 1.0))
    if lang != DEFAULT_LANG:
        own_meaning = 0
        for concept in synonyms.segment(language_terms(" ".join(chosen), lang), lang):
            filler = len(concept) == 1 and synonyms.is_filler(concept[0], lang)
            own_meaning += not filler
            highlight.update((lang, term) for term in concept)
            found = synonyms.group_keys(concept, lang)
            keys.update(found)
            for term in concept:
                for name, boost in field_weights(lang).items():
                    add(name, term, boost * (FILLER_WEIGHT if filler else 1.0))
            for key in found:
                for name, boost in {**FIELD_WEIGHTS, **field_weights(lang)}.items():
                    add(name, key, boost * SYNONYM_WEIGHT)
        meaning = max(meaning, own_meaning)
    # SEND concepts reach pages in the reader's language as well as in English.
    if lang != DEFAULT_LANG:
        for key in keys:
            for name, boost in field_weights(lang).items():
                add(name, key, boost * SYNONYM_WEIGHT)
    for when, also, weight in synonyms.situations:
        if when in keys and also not in keys:
            for name, boost in {**FIELD_WEIGHTS, **(field_weights(lang) if lang != DEFAULT_LANG else {})}.items():
                add(name, also, boost * weight)
    for means in staff.meanings(chosen, lang):
        extra = plan(means, snapshot, reader, synonyms, lang, corrections=False)
        for key, weight in extra.terms.items():
            add(*key, weight * SYNONYM_WEIGHT)
        highlight |= extra.highlight_terms
    return Plan(
        boosts,
        suggestion,
        text,
        frozenset(highlight),
        age_in(text),
        meaning,
        bool(keys & synonyms.plan_keys),
        len(typed),
    )


def _all_filler(word: str, lang: str, synonyms: Synonyms) -> bool:
    """Whether `word` is only filler in `lang`."""
    found = language_terms(word, lang)
    return bool(found) and all(synonyms.is_filler(term, lang) for term in found)


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
