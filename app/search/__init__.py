"""Searching the Local Offer: a Whoosh index built from the content store, and its queries.

`build_index()` writes the index (`flask search build`); `SearchIndex` answers searches;
`index_status()` says whether the index is missing or older than the content (the app's
services log it at start-up, see `app/services.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

from .analysis import Synonyms, default_synonyms, load_synonyms
from .build import BuildInfo, build_index, current_build, records, write_index
from .query import PER_PAGE, Definition, FacetCount, Filters, Hit, SearchIndex, SearchResults, SearchUnavailable
from .schema import KINDS, SCHEMA_VERSION

__all__ = [
    "KINDS",
    "PER_PAGE",
    "SCHEMA_VERSION",
    "BuildInfo",
    "Definition",
    "FacetCount",
    "Filters",
    "Hit",
    "IndexStatus",
    "SearchIndex",
    "SearchResults",
    "SearchUnavailable",
    "Synonyms",
    "build_index",
    "current_build",
    "default_synonyms",
    "index_status",
    "load_synonyms",
    "records",
    "write_index",
]


@dataclass(frozen=True)
class IndexStatus:
    """Whether the index can serve searches, and whether it matches the content."""

    state: str  # "ok" | "missing" | "stale"
    message: str
    info: BuildInfo | None = None

    @property
    def usable(self) -> bool:
        return self.state != "missing"


def index_status(index: SearchIndex, content_fingerprint: str) -> IndexStatus:
    """Compare the live build's recorded content fingerprint with the content's."""
    info = index.build_info()
    if info is None:
        return IndexStatus(
            "missing",
            f"Search index missing in {index.index_dir}: search is unavailable until `flask search build` is run",
        )
    if info.synonyms != index.synonyms.fingerprint:
        return IndexStatus(
            "stale",
            f"Search index in {index.index_dir} was built with other synonyms (built {info.built_at}): "
            "run `flask search build`",
            info,
        )
    if info.fingerprint != content_fingerprint:
        return IndexStatus(
            "stale",
            f"Search index in {index.index_dir} is older than the content (built {info.built_at} from content "
            f"{info.fingerprint}, content is now {content_fingerprint}): run `flask search build`",
            info,
        )
    return IndexStatus("ok", f"Search index {info.path.name} matches the content ({info.documents} documents)", info)
