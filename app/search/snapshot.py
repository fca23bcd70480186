"""One opened index build: the Whoosh index plus in-memory facet sets, per-term scores and spelling.

`Snapshot` is what a search reads; `Filters` are the facet choices it narrows by and
`FacetCount` the counts it hands back for each facet value.
"""

from __future__ import annotations

import json
import threading
from array import array
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh.analysis import STOP_WORDS
from whoosh.index import open_dir
from whoosh.searching import Searcher

from ..content import CATEGORIES, NEED_AREAS, WHOLE_AREA
from . import mapped
from .build import SPELLING_FILE, BuildInfo
from .schema import DEFAULT_LANG, KINDS, field_name

# Every searcher reads the segment files from their memory map (see `mapped`).
mapped.install()

#: Most postings (document, score pairs) kept in memory across all cached terms (about 12 bytes each).
IMPACT_CACHE_POSTINGS = 4_000_000
AGE_MIN, AGE_MAX = 0, 25
#: Scores are multiplied by these: a glossary entry or fixed page matches a word easily
#: (short, with the word in its title) but is rarely what a family is looking for.
KIND_WEIGHTS = {"services": 1.0, "guidance": 1.0, "glossary": 0.35, "pages": 0.5}


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
class FacetCount:
    value: str
    count: int
    selected: bool


class Snapshot:
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
        self.plan_only: set[int] = set()  # services only for children and young people with an EHC plan
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
        if (stored.get("details") or {}).get("access") == "ehc-plan-only":
            self.plan_only.add(docnum)

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


def shown(stored: dict[str, Any], name: str) -> str:
    """A stored text field of a result in the language it is written in."""
    return str(stored.get(field_name(name, stored.get("lang") or DEFAULT_LANG), "") or "")


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
