"""Answering a search: plain words in, ranked and highlighted results with facet counts out.

The index snapshot and its facets live in `snapshot`, turning words into weighted terms in
`planning`, and the highlighted passages in `snippets`; this module ties them together.
"""

from __future__ import annotations

import heapq
import html
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh.index import open_dir
from whoosh.searching import Searcher

from ..recent import Recent
from . import nearby, planning
from .analysis import Synonyms, clean_text, default_synonyms, terms, words
from .build import BuildInfo, current_build
from .planning import Definition, Plan, StaffWords
from .schema import DEFAULT_LANG, FIELD_WEIGHTS, SCHEMA_VERSION
from .snapshot import AGE_MAX, AGE_MIN, FacetCount, Filters, Snapshot, shown
from .snippets import snippet

__all__ = [
    "AGE_MAX",
    "AGE_MIN",
    "MAX_PAGE",
    "PER_PAGE",
    "Definition",
    "FacetCount",
    "Filters",
    "Hit",
    "SearchIndex",
    "SearchResults",
    "SearchUnavailable",
]

PER_PAGE = 10
MAX_PAGE = 1000
#: In a sentence that says nothing about an EHC plan, a place that needs one counts this much.
PLAN_ONLY_WEIGHT = 0.5
#: A spelling is suggested only when the words it corrects find nothing as typed and its
#: best result scores more than this many times the typed words' best.
SUGGEST_BETTER = 1.05
#: Recent searches' results kept by each process, for as long as the index and staff words last.
RECENT_SEARCHES = 256


class SearchUnavailable(Exception):
    """There is no usable index: search cannot answer, browsing still works."""


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


class _Recent:
    """The results of recent searches, for one snapshot of the index and one set of staff words.

    Families search for the same few things again and again; a search whose words, filters,
    page and language were answered a moment ago is answered the same way. A new snapshot
    (a rebuild, or a page updated in place) or new staff words empty it.
    """

    def __init__(self) -> None:
        #: The snapshot and staff words the results are for, and the results (swapped whole).
        self._current: tuple[Snapshot | None, StaffWords | None, Recent[SearchResults]] = (
            None,
            None,
            Recent(RECENT_SEARCHES),
        )

    def get(self, snapshot: Snapshot, staff: StaffWords | None, key: tuple) -> SearchResults | None:
        held_snapshot, held_staff, results = self._current
        return results.get(key) if held_snapshot is snapshot and held_staff is staff else None

    def put(self, snapshot: Snapshot, staff: StaffWords | None, key: tuple, results: SearchResults) -> None:
        current = self._current
        if current[0] is not snapshot or current[1] is not staff:
            current = self._current = (snapshot, staff, Recent(RECENT_SEARCHES))
        current[2].put(key, results)


class SearchIndex:
    """The site's search: finds the live build in `index_dir` and answers queries from it.

    Safe to share between threads. Picks up a newly swapped-in build on the next search.
    """

    def __init__(self, index_dir: Path, synonyms: Synonyms | None = None) -> None:
        self.index_dir = Path(index_dir)
        self.synonyms = synonyms or default_synonyms()
        self._lock = threading.Lock()
        self._snapshot: Snapshot | None = None
        self._generation = -1
        self._recent = _Recent()

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

    def _open(self) -> Snapshot:
        path = current_build(self.index_dir)
        if path is None:
            raise SearchUnavailable(f"no search index in {self.index_dir}")
        snapshot = self._snapshot
        if snapshot is not None and snapshot.path == path and snapshot.index.latest_generation() == self._generation:
            return snapshot
        with self._lock:
            snapshot = self._snapshot
            if snapshot is None or snapshot.path != path or snapshot.index.latest_generation() != self._generation:
                try:
                    # Read first: an update made while opening is picked up by the next search.
                    generation = open_dir(str(path)).latest_generation()
                    opened = Snapshot(path)
                except Exception as exc:  # a damaged or foreign index folder
                    raise SearchUnavailable(f"cannot open the search index in {path}: {exc}") from exc
                if opened.info.schema_version != SCHEMA_VERSION:
                    raise SearchUnavailable(f"the search index in {path} was built by another version")
                # Updated in place (`update_documents`) since it was opened: the generation moves.
                self._generation = generation
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
        self,
        text: str,
        filters: Filters | None = None,
        page: int = 1,
        lang: str = DEFAULT_LANG,
        staff: StaffWords | None = None,
        order: nearby.Order | None = None,
    ) -> SearchResults:
        """Results for `text` (plain words) narrowed by `filters`, page `page` of 10.

        `lang` is the reader's language: pages translated into it are searched in it (with
        its analyser) in place of their English twins; other pages are searched in English.
        `staff` are the spellings and synonyms staff added; `order` (a service's slug -> distance)
        sorts the results nearest first (see `nearby`). Raises SearchUnavailable when there is no
        index. Never raises for odd text.
        """
        filters = filters or Filters()
        snapshot = self._open()
        key = (text, filters, page, lang) if order is None else None
        found = self._recent.get(snapshot, staff, key) if key else None
        if found is None:
            found = self._search(snapshot, text, filters, page, lang, staff, order)
            if key:
                self._recent.put(snapshot, staff, key, found)
        return found

    def _search(
        self,
        snapshot: Snapshot,
        text: str,
        filters: Filters,
        page: int,
        lang: str,
        staff: StaffWords | None,
        order: nearby.Order | None,
    ) -> SearchResults:
        searcher = snapshot.searcher()
        cleaned = clean_text(text)
        lang = lang if lang in snapshot.info.languages else DEFAULT_LANG
        plan = planning.plan(cleaned, snapshot, searcher.reader(), self.synonyms, lang, staff)
        if plan.suggestion and lang == DEFAULT_LANG:
            plan = self._better(
                snapshot,
                searcher,
                plan,
                planning.plan(cleaned, snapshot, searcher.reader(), self.synonyms, lang, staff, corrections=False),
            )
        if not plan.terms and not filters.active and order is None:
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
            weighted = self._weighted(snapshot, plan, matched, allowed)
            total = len(weighted)
            pages = max(1, -(-total // PER_PAGE))
            page = min(max(1, page), pages, MAX_PAGE)
            chosen = [] if order else heapq.nlargest(page * PER_PAGE, weighted)[(page - 1) * PER_PAGE :]
        if order is not None:
            candidates = weighted if plan.terms else [(0.0, doc) for doc in ranked]
            chosen = nearby.nearest_first(snapshot, candidates, order, page * PER_PAGE)[(page - 1) * PER_PAGE :]
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

    @staticmethod
    def _weighted(
        snapshot: Snapshot, plan: Plan, matched: dict[int, float], allowed: set[int] | frozenset[int]
    ) -> list[tuple[float, int]]:
        """(score, document) for every matched document allowed, weighted by kind and fit.

        A sentence that says nothing about an EHC plan describes a family still looking for
        help: places only for children with a plan count for less than open support.
        """
        weights = snapshot.weights
        plan_only = snapshot.plan_only if plan.is_sentence and not plan.mentions_plan else set()
        return [
            (score * weights[docnum] * (PLAN_ONLY_WEIGHT if docnum in plan_only else 1.0), docnum)
            for docnum, score in matched.items()
            if docnum in allowed
        ]

    def _better(self, snapshot: Snapshot, searcher: Searcher, corrected: Plan, typed: Plan) -> Plan:
        """The corrected plan when it clearly finds more and better results, else the typed one.

        More: the words it corrects find nothing as typed. Better: its best result scores
        higher than the typed words' best (or the typed words find nothing at all).
        """
        reader = searcher.reader()
        changed = [w for w, c in zip(words(typed.text), words(corrected.suggestion or ""), strict=False) if w != c]
        if any((name, term) in reader for word in changed for term in terms(word) for name in FIELD_WEIGHTS):
            return typed
        allowed = snapshot.visible(DEFAULT_LANG)
        best = {
            name: max(
                (score for score, _ in self._weighted(snapshot, p, snapshot.score(searcher, p.terms), allowed)),
                default=0.0,
            )
            for name, p in (("corrected", corrected), ("typed", typed))
        }
        return corrected if best["corrected"] > SUGGEST_BETTER * best["typed"] else typed

    def _hit(self, searcher: Searcher, docnum: int, score: float, highlight: frozenset[tuple[str, str]]) -> Hit:
        stored = searcher.stored_fields(docnum)
        lang = stored.get("lang") or DEFAULT_LANG
        highlight_terms = frozenset(term for term_lang, term in highlight if term_lang == lang)
        body, summary = shown(stored, "body"), shown(stored, "summary")
        passage = snippet(body, highlight_terms, whole=False, lang=lang) or snippet(
            summary, highlight_terms, whole=True, lang=lang
        )
        return Hit(
            kind=stored["kind"],
            url=stored["url"],
            title=shown(stored, "title"),
            snippet=passage or html.escape(summary, quote=False),
            details=dict(stored.get("details") or {}),
            score=score,
        )
