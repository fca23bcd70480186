"""Nearest first: the order of a search's results when a family gives their postcode.

The caller knows where services are (their locations in the content) and hands over
`order`: a service's slug -> a number to sort by (smaller is nearer; `math.inf` for a
service with no place, and for "", which stands for any result that is not a service).
Results that are not services, or have no place, keep their relevance order after the rest.
"""

from __future__ import annotations

import heapq
import weakref
from collections.abc import Callable

from .snapshot import Snapshot

#: A service's slug -> its sort key (smaller first).
Order = Callable[[str], float]

_SLUGS: weakref.WeakKeyDictionary[Snapshot, dict[int, str]] = weakref.WeakKeyDictionary()


def service_slugs(snapshot: Snapshot) -> dict[int, str]:
    """Each service document's slug, read once per opened index."""
    slugs = _SLUGS.get(snapshot)
    if slugs is None:
        searcher = snapshot.searcher()
        slugs = {docnum: searcher.stored_fields(docnum).get("slug", "") for docnum in snapshot.kinds["services"]}
        _SLUGS[snapshot] = slugs
    return slugs


def nearest_first(
    snapshot: Snapshot, candidates: list[tuple[float, int]], order: Order, count: int
) -> list[tuple[float, int]]:
    """The first `count` of (score, docnum) `candidates`, nearest first, then by score."""
    slugs = service_slugs(snapshot).get
    decorated = [(order(slugs(docnum, "")), -score, docnum) for score, docnum in candidates]
    return [(-negative, docnum) for _key, negative, docnum in heapq.nsmallest(count, decorated)]
