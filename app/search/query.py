"""Answering a search: plain words in, ranked and highlighted results with facet counts out.

User text is never parsed as Whoosh query syntax. It is cut down to words, unknown words
are corrected from the index's own vocabulary, SEND synonyms and acronyms are expanded
both ways, and the query object is built directly.
"""

from __future__ import annotations

import heapq
import html
import json
import re
import threading
from array import array
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh.analysis import STOP_WORDS
from whoosh.index import open_dir
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from ..content import CATEGORIES, NEED_AREAS, WHOLE_AREA
from .analysis import (
    MAX_QUERY_WORDS,
    WORD_PATTERN,
    Synonyms,
    clean_text,
    default_synonyms,
    language_terms,
    terms,
    word_term,
    words,
)
from .build import SPELLING_FILE, BuildInfo, current_build, normalise_name
from .schema import DEFAULT_LANG, FIELD_WEIGHTS, KINDS, SCHEMA_VERSION, field_name, field_weights

PER_PAGE = 10
#: Most postings (document, score pairs) kept in memory across all cached terms (about 12 bytes each).
IMPACT_CACHE_POSTINGS = 4_000_000
MAX_PAGE = 1000
AGE_MIN, AGE_MAX = 0, 25
SYNONYM_WEIGHT = 0.8
#: Scores are multiplied by these: a glossary entry or fixed page matches a word easily
#: (short, with the word in its title) but is rarely what a family is looking for.
KIND_WEIGHTS = {"services": 1.0, "guidance": 1.0, "glossary": 0.35, "pages": 0.5}
CORRECTION_WEIGHT = 0.9
SNIPPET_CHARS = 240
SNIPPET_LEAD = 60
_WORD = re.compile(WORD_PATTERN)
_AGE_IN_TEXT = re.compile(
    r"\b(\d{1,2})\s*-?\s*(?:years?|yrs?)\s*-?\s*old\b|\baged?\s+(\d{1,2})\b|\b(\d{1,2})\s*yo\b", re.IGNORECASE
)


class SearchUnavailable(Exception):
    """There is no usable index: search cannot answer, browsing still works."""


@dataclass(frozen=True)
class Filters:
    """Facet choices. Within a facet any chosen value matches; facets combine with AND."""

    kinds: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    need_areas: frozenset[str] = frozenset()
    areas: frozenset[str] = frozenset()
    age: int | None = None
    free: bool = False
    self_referral: bool = False

    @classmethod
    def clean(
        cls,
        kinds: Iterable[str] = (),
        categories: Iterable[str] = (),
        need_areas: Iterable[str] = (),
        areas: Iterable[str] = (),
        age: int | None = None,
        free: bool = False,
        self_referral: bool = False,
        local_areas: Iterable[str] = (),
    ) -> Filters:
        """Filters keeping only known values; anything else is dropped, never an error.

        `local_areas` are the parts of the council's area a family can say they live in.
        """
        local_areas = frozenset(local_areas) - {WHOLE_AREA}
        return cls(
            kinds=frozenset(v for v in kinds if v in KINDS),
            categories=frozenset(v for v in categories if v in CATEGORIES),
            need_areas=frozenset(v for v in need_areas if v in NEED_AREAS),
            areas=frozenset(v for v in areas if v in local_areas),
            age=age if isinstance(age, int) and AGE_MIN <= age <= AGE_MAX else None,
            free=bool(free),
            self_referral=bool(self_referral),
        )

    @property
    def active(self) -> bool:
        return bool(
            self.kinds
            or self.categories
            or self.need_areas
            or self.areas
            or self.age is not None
            or self.free
            or self.self_referral
        )


@dataclass(frozen=True)
class Hit:
    """One result: what it is, where it is, and a highlighted snippet (escaped HTML)."""

    kind: str
    url: str
    title: str
    snippet: str
    details: dict[str, Any]
    score: float


@dataclass(frozen=True)
class FacetCount:
    value: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Definition:
    """A glossary entry whose name is exactly what was searched for."""

    title: str
    text: str
    url: str


@dataclass(frozen=True)
class SearchResults:
    text: str
    filters: Filters
    hits: list[Hit]
    total: int
    page: int
    pages: int
    facets: dict[str, list[FacetCount]]
    suggestion: str | None = None
    definition: Definition | None = None
    age_hint: int | None = None
    terms: tuple[str, ...] = field(default=())

    @property
    def first(self) -> int:
        return (self.page - 1) * PER_PAGE + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * PER_PAGE, self.total)


class _Snapshot:
    """One opened build: the Whoosh index plus in-memory facet sets for fast counting."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.info = BuildInfo.read(path)
        self.index = open_dir(str(path))
        self.local = threading.local()
        self.kinds: dict[str, set[int]] = {key: set() for key in KINDS}
        self.categories: dict[str, set[int]] = {key: set() for key in CATEGORIES}
        self.need_areas: dict[str, set[int]] = {key: set() for key in NEED_AREAS}
        self.areas: dict[str, set[int]] = {WHOLE_AREA: set()}
        self.ages: list[set[int]] = [set() for _ in range(AGE_MIN, AGE_MAX + 1)]
        self.free: set[int] = set()
        self.self_referral: set[int] = set()
        self.names: dict[str, int] = {}
        self.browse_order: dict[int, tuple[int, str]] = {}
        self.langs: dict[str, set[int]] = {}
        self.translated: dict[str, set[str]] = {}  # lang -> "kind/slug" of every page translated into it
        self._english_ids: dict[int, str] = {}
        self._visible: dict[str, frozenset[int]] = {}
        self.weights: dict[int, float] = {}
        self.spelling: dict[str, int] = {}  # every word in the index -> how many documents use it
        self.by_initial: dict[str, list[str]] = {}
        self.corrections: dict[str, str | None] = {}
        self._impacts: OrderedDict[tuple[str, str], tuple[array, array]] = OrderedDict()
        self._impact_size = 0
        self._impact_lock = threading.Lock()
        with self.index.reader() as reader:
            for docnum, stored in reader.iter_docs():
                self._remember(docnum, stored)
        self.spelling = json.loads((path / SPELLING_FILE).read_text(encoding="utf-8"))
        for word in self.spelling:
            self.by_initial.setdefault(word[:1], []).append(word)
        self.all_docs = set(self.browse_order)
        self.browse_list = sorted(self.browse_order, key=self.browse_order.__getitem__)
        self.down_weighted = sum(1 for weight in self.weights.values() if weight < 1.0)
        # Services for the whole area count for each part of it.
        borough = self.areas[WHOLE_AREA]
        for key in self.local_areas:
            self.areas[key] |= borough

    @property
    def local_areas(self) -> tuple[str, ...]:
        """The parts of the area that some indexed service names (not the whole area)."""
        return tuple(key for key in self.areas if key != WHOLE_AREA)

    def _remember(self, docnum: int, stored: dict[str, Any]) -> None:
        lang = stored.get("lang") or DEFAULT_LANG
        self.langs.setdefault(lang, set()).add(docnum)
        twin = f"{stored['kind']}/{stored.get('slug', '')}"
        if lang == DEFAULT_LANG:
            self._english_ids[docnum] = twin
        else:
            self.translated.setdefault(lang, set()).add(twin)
        self.kinds.setdefault(stored["kind"], set()).add(docnum)
        kind_rank = KINDS.index(stored["kind"]) if stored["kind"] in KINDS else len(KINDS)
        self.browse_order[docnum] = (kind_rank, shown(stored, "title").lower())
        self.weights[docnum] = KIND_WEIGHTS.get(stored["kind"], 1.0)
        for name in stored.get("names") or ():
            self.names.setdefault(name, docnum)
        if stored["kind"] != "services":
            return
        self.categories.setdefault(stored["category"], set()).add(docnum)
        for key in str(stored.get("need_areas", "")).split():
            self.need_areas.setdefault(key, set()).add(docnum)
        for key in str(stored.get("areas", "")).split():
            self.areas.setdefault(key, set()).add(docnum)
        for age in range(max(AGE_MIN, stored["age_min"]), min(AGE_MAX, stored["age_max"]) + 1):
            self.ages[age].add(docnum)
        if stored.get("free"):
            self.free.add(docnum)
        if stored.get("self_referral"):
            self.self_referral.add(docnum)

    def visible(self, lang: str) -> frozenset[int]:
        """The documents a reader of `lang` is shown: those in `lang`, and English where no translation."""
        cached = self._visible.get(lang)
        if cached is None:
            translated = self.translated.get(lang, set()) if lang != DEFAULT_LANG else set()
            english = {docnum for docnum, twin in self._english_ids.items() if twin not in translated}
            cached = frozenset(english | (self.langs.get(lang, set()) if lang != DEFAULT_LANG else set()))
            self._visible[lang] = cached
        return cached

    def closest(self, word: str, extra: Iterable[str] = ()) -> str | None:
        """The known word nearest to `word` (same first letter; fewest edits, then most used)."""
        maxdist = 1 if len(word) <= 4 else 2
        candidates = [*self.by_initial.get(word[:1], ()), *(w for w in extra if w[:1] == word[:1])]
        best: tuple[int, int, str] | None = None
        for candidate in candidates:
            if (
                abs(len(candidate) - len(word)) > maxdist
                or len(candidate) < 3
                or candidate in STOP_WORDS
                or candidate == word
            ):
                continue
            distance = _distance(candidate, word)
            if distance <= maxdist:
                key = (distance, -self.spelling.get(candidate, 0), candidate)
                if best is None or key < best:
                    best = key
        return best[2] if best else None

    def impacts(self, searcher: Searcher, name: str, text: str) -> tuple[array, array]:
        """(documents, BM25F scores) of one term, read from the index once and then kept in memory.

        Whoosh's matchers cost several microseconds per document in Python; summing cached
        per-term scores costs a fraction of that. The cache holds at most IMPACT_CACHE_POSTINGS
        postings, dropping the least recently used terms.
        """
        key = (name, text)
        cached = self._impacts.get(key)
        if cached is not None:
            with self._impact_lock:
                if key in self._impacts:
                    self._impacts.move_to_end(key)
            return cached
        docs, scores = array("i"), array("d")
        if key in searcher.reader():
            matcher = searcher.postings(name, text)
            while matcher.is_active():
                docs.append(matcher.id())
                scores.append(matcher.score())
                matcher.next()
        with self._impact_lock:
            self._impacts[key] = (docs, scores)
            self._impact_size += len(docs)
            while self._impact_size > IMPACT_CACHE_POSTINGS and len(self._impacts) > 1:
                _, (old_docs, _) = self._impacts.popitem(last=False)
                self._impact_size -= len(old_docs)
        return docs, scores

    def score(self, searcher: Searcher, terms: dict[tuple[str, str], float]) -> dict[int, float]:
        """Every matching document's score: the weighted sum of its terms' BM25F scores."""
        totals: dict[int, float] = {}
        get = totals.get
        for (name, text), weight in terms.items():
            docs, scores = self.impacts(searcher, name, text)
            for docnum, score in zip(docs, scores, strict=True):
                totals[docnum] = get(docnum, 0.0) + score * weight
        return totals

    def searcher(self) -> Searcher:
        """This thread's searcher (Whoosh searchers are not shared between threads)."""
        searcher = getattr(self.local, "searcher", None)
        if searcher is None:
            searcher = self.local.searcher = self.index.searcher()
        return searcher

    # Facets -----------------------------------------------------------------------------

    def passing(self, filters: Filters) -> dict[str, set[int]]:
        """For each active facet, the documents it lets through."""
        groups: dict[str, set[int]] = {}
        if filters.kinds:
            groups["kinds"] = set().union(*(self.kinds.get(k, set()) for k in filters.kinds))
        if filters.categories:
            groups["categories"] = set().union(*(self.categories[k] for k in filters.categories))
        if filters.need_areas:
            groups["need_areas"] = set().union(*(self.need_areas[k] for k in filters.need_areas))
        if filters.areas:
            groups["areas"] = set().union(*(self.areas.get(k, self.areas[WHOLE_AREA]) for k in filters.areas))
        if filters.age is not None:
            groups["age"] = self.ages[filters.age]
        if filters.free:
            groups["free"] = self.free
        if filters.self_referral:
            groups["self_referral"] = self.self_referral
        return groups

    def counts(self, matched: set[int], filters: Filters, groups: dict[str, set[int]]) -> dict[str, list[FacetCount]]:
        """Counts for each facet value, with every *other* active facet applied."""

        def base(name: str) -> set[int]:
            result = matched
            for other, docs in groups.items():
                if other != name:
                    result = result & docs
            return result

        def values(name: str, sets: dict[str, set[int]], keys: Iterable[str], chosen: frozenset[str]):
            docs = base(name)
            return [FacetCount(key, len(docs & sets.get(key, set())), key in chosen) for key in keys]

        return {
            "kinds": values("kinds", self.kinds, KINDS, filters.kinds),
            "categories": values("categories", self.categories, CATEGORIES, filters.categories),
            "need_areas": values("need_areas", self.need_areas, NEED_AREAS, filters.need_areas),
            "areas": values(
                "areas",
                {**dict.fromkeys(filters.areas, self.areas[WHOLE_AREA]), **self.areas},
                sorted(set(self.local_areas) | filters.areas | {WHOLE_AREA}),
                filters.areas,
            ),
            "age": [
                FacetCount(str(filters.age if filters.age is not None else ""), len(base("age") & self.ages[a]), True)
                for a in ([filters.age] if filters.age is not None else [])
            ],
            "free": [FacetCount("free", len(base("free") & self.free), filters.free)],
            "self_referral": [
                FacetCount("self-referral", len(base("self_referral") & self.self_referral), filters.self_referral)
            ],
        }


class SearchIndex:
    """The site's search: finds the live build in `index_dir` and answers queries from it.

    Safe to share between threads. Picks up a newly swapped-in build on the next search.
    """

    def __init__(self, index_dir: Path, synonyms: Synonyms | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.synonyms = synonyms or default_synonyms()
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None

    # Opening ----------------------------------------------------------------------------

    def build_info(self) -> BuildInfo | None:
        """What the live build was made from, or None when there is no usable build."""
        path = current_build(self.index_dir)
        if path is None:
            return None
        try:
            info = BuildInfo.read(path)
        except (OSError, ValueError, KeyError):
            return None
        return info if info.schema_version == SCHEMA_VERSION else None

    def _open(self) -> _Snapshot:
        path = current_build(self.index_dir)
        if path is None:
            raise SearchUnavailable(f"no search index in {self.index_dir}")
        snapshot = self._snapshot
        if snapshot is not None and snapshot.path == path:
            return snapshot
        with self._lock:
            if self._snapshot is None or self._snapshot.path != path:
                try:
                    opened = _Snapshot(path)
                except Exception as exc:  # a damaged or foreign index folder
                    raise SearchUnavailable(f"cannot open the search index in {path}: {exc}") from exc
                if opened.info.schema_version != SCHEMA_VERSION:
                    raise SearchUnavailable(f"the search index in {path} was built by another version")
                self._snapshot = opened
            return self._snapshot

    @property
    def available(self) -> bool:
        try:
            self._open()
        except SearchUnavailable:
            return False
        return True

    # Searching --------------------------------------------------------------------------

    def search(
        self, text: str, filters: Filters | None = None, page: int = 1, lang: str = DEFAULT_LANG
    ) -> SearchResults:
        """Results for `text` (plain words) narrowed by `filters`, page `page` of 10.

        `lang` is the reader's language: pages translated into it are searched in it (with
        its analyser) in place of their English twins; other pages are searched in English.
        Raises SearchUnavailable when there is no index. Never raises for odd text.
        """
        filters = filters or Filters()
        snapshot = self._open()
        searcher = snapshot.searcher()
        cleaned = clean_text(text)
        lang = lang if lang in snapshot.info.languages else DEFAULT_LANG
        plan = self._plan(cleaned, snapshot, searcher.reader(), lang)
        if not plan.terms and not filters.active:
            return SearchResults(cleaned, filters, [], 0, 1, 1, {}, plan.suggestion, plan.definition(snapshot))
        groups = snapshot.passing(filters)
        groups["lang"] = set(snapshot.visible(lang))
        allowed = set.intersection(*groups.values())
        if not plan.terms:  # filters only: browse everything they let through, in a fixed order
            matched: set[int] | dict[int, float] = snapshot.all_docs
            ranked = [doc for doc in snapshot.browse_list if doc in allowed]
            total = len(ranked)
            pages = max(1, -(-total // PER_PAGE))
            page = min(max(1, page), pages, MAX_PAGE)
            chosen = [(0.0, doc) for doc in ranked[(page - 1) * PER_PAGE : page * PER_PAGE]]
        else:
            matched = snapshot.score(searcher, plan.terms)
            candidates = ((d, s) for d, s in matched.items() if d in allowed)
            weights = snapshot.weights
            weighted = [(score * weights[docnum], docnum) for docnum, score in candidates]
            total = len(weighted)
            pages = max(1, -(-total // PER_PAGE))
            page = min(max(1, page), pages, MAX_PAGE)
            chosen = heapq.nlargest(page * PER_PAGE, weighted)[(page - 1) * PER_PAGE :]
        hits = [self._hit(searcher, docnum, score, plan.highlight_terms) for score, docnum in chosen]
        groups.pop("lang")
        matched = set(matched) & snapshot.visible(lang)
        return SearchResults(
            text=cleaned,
            filters=filters,
            hits=hits,
            total=total,
            page=page,
            pages=pages,
            facets=snapshot.counts(matched, filters, groups),
            suggestion=plan.suggestion,
            definition=plan.definition(snapshot),
            age_hint=None if filters.age is not None else plan.age_hint,
            terms=tuple(sorted(term for _lang, term in plan.highlight_terms)),
        )

    def _plan(self, text: str, snapshot: _Snapshot, reader: IndexReader, lang: str = DEFAULT_LANG) -> _Plan:
        """Words -> corrected words -> concepts (synonym phrases) -> a Whoosh query.

        In another language the words are also looked up, as that language's analyser makes
        them, in that language's fields; spelling is only corrected in English.
        """
        typed = words(text)[:MAX_QUERY_WORDS]
        if lang != DEFAULT_LANG:
            corrected: list[str | None] = [None] * len(typed)
        else:
            corrected = [self._correct(word, snapshot, reader) for word in typed]
        suggestion = " ".join(c or w for w, c in zip(typed, corrected, strict=True)) if any(corrected) else None
        query_terms = terms(" ".join(c or w for w, c in zip(typed, corrected, strict=True)))
        concepts = self.synonyms.segment(query_terms)
        highlight_terms: set[str] = set()
        boosts: dict[tuple[str, str], float] = {}
        for concept in concepts:
            highlight_terms.update(term for phrase in self.synonyms.alternatives(concept) for term in phrase)
            for key, boost in self._concept_terms(concept):
                boosts[key] = max(boost, boosts.get(key, 0.0))
        highlight = {(DEFAULT_LANG, term) for term in highlight_terms}
        if lang != DEFAULT_LANG:
            own = language_terms(" ".join(typed), lang)
            highlight |= {(lang, term) for term in own}
            for term in own:
                for name, boost in field_weights(lang).items():
                    boosts[(name, term)] = max(boost, boosts.get((name, term), 0.0))
        return _Plan(boosts, suggestion, text, frozenset(highlight), _age_in(text))

    def _concept_terms(self, concept: tuple[str, ...]) -> list[tuple[tuple[str, str], float]]:
        """A word or synonym phrase as (field, term) pairs with boosts: the word, and its groups' keys."""
        weighted = [(concept[0], 1.0)] if len(concept) == 1 else []
        weighted += [(key, SYNONYM_WEIGHT if weighted else 1.0) for key in self.synonyms.group_keys(concept)]
        return [((name, text), boost * weight) for name, boost in FIELD_WEIGHTS.items() for text, weight in weighted]

    def _correct(self, word: str, snapshot: _Snapshot, reader: IndexReader) -> str | None:
        """A spelling correction for an unknown word, from the index's own words, or None."""
        if len(word) < 4 or not word.isalpha() or word in STOP_WORDS or word in self.synonyms.vocabulary:
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
            correction = snapshot.closest(word, self.synonyms.vocabulary)
        if len(snapshot.corrections) < 10_000:
            snapshot.corrections[word] = correction
        return correction

    def _hit(self, searcher: Searcher, docnum: int, score: float, highlight: frozenset[tuple[str, str]]) -> Hit:
        stored = searcher.stored_fields(docnum)
        lang = stored.get("lang") or DEFAULT_LANG
        highlight_terms = frozenset(term for term_lang, term in highlight if term_lang == lang)
        body, summary = shown(stored, "body"), shown(stored, "summary")
        snippet = _snippet(body, highlight_terms, whole=False, lang=lang) or _snippet(
            summary, highlight_terms, whole=True, lang=lang
        )
        return Hit(
            kind=stored["kind"],
            url=stored["url"],
            title=shown(stored, "title"),
            snippet=snippet or html.escape(summary, quote=False),
            details=dict(stored.get("details") or {}),
            score=score,
        )


@dataclass(frozen=True)
class _Plan:
    terms: dict[tuple[str, str], float]  # (field, term) -> weight; a document's score sums them
    suggestion: str | None
    text: str
    highlight_terms: frozenset[tuple[str, str]]  # (language, term) pairs to mark in snippets
    age_hint: int | None

    def definition(self, snapshot: _Snapshot) -> Definition | None:
        for candidate in filter(None, (self.text, self.suggestion)):
            docnum = snapshot.names.get(normalise_name(candidate))
            if docnum is not None:
                stored = snapshot.searcher().stored_fields(docnum)
                return Definition(stored["title"], stored["summary"], stored["url"])
        return None


def _age_in(text: str) -> int | None:
    """An age written in the query ("my 7 year old", "aged 12"), when it is 0 to 25."""
    match = _AGE_IN_TEXT.search(text)
    if not match:
        return None
    age = int(next(group for group in match.groups() if group))
    return age if AGE_MIN <= age <= AGE_MAX else None


def shown(stored: dict[str, Any], name: str) -> str:
    """A stored text field of a result in the language it is written in."""
    return str(stored.get(field_name(name, stored.get("lang") or DEFAULT_LANG), "") or "")


def _snippet(text: str, highlight_terms: frozenset[str], whole: bool, lang: str = DEFAULT_LANG) -> str:
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


def _distance(a: str, b: str) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance between two short words."""
    if abs(len(a) - len(b)) > 2:
        return 3
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]
