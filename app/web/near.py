"""The search page's postcode: kept in its links, turned into a nearest-first order and distances.

The postcode travels only in the page's own address (the access log leaves it out, see
`app/access_log.py`); it is never stored.
"""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from ..places.gazetteer import Found
from ..places.near import nearest_first, service_places
from ..search import SearchResults
from ..search.nearby import Order
from ..services import content_store
from .forms.places import POSTCODE_MAX

SERVICE_PREFIX = "/services/"


def with_postcode(cleaned: MultiDict, args: MultiDict) -> MultiDict:
    """The cleaned search parameters, with the postcode box's value (cut short) when there is one."""
    postcode = args.get("postcode", "").strip()[:POSTCODE_MAX]
    if postcode:
        cleaned["postcode"] = postcode
    return cleaned


def nearest_order(found: Found | None) -> Order | None:
    """Services nearest the postcode first, or None (relevance order) without a postcode."""
    return nearest_first(found.point, service_places(content_store())) if found else None


def distances(results: SearchResults, found: Found | None) -> dict[str, float | None]:
    """Each service result's distance from the postcode in miles (None when it has no place of its own)."""
    if found is None:
        return {}
    places = service_places(content_store())
    shown: dict[str, float | None] = {}
    for hit in results.hits:
        place = places.get(hit.url.removeprefix(SERVICE_PREFIX)) if hit.url.startswith(SERVICE_PREFIX) else None
        if place is not None:
            shown[hit.url] = place.miles_from(found.point)
    return shown


def covers_whole_area(url: str) -> bool:
    """Whether the service at `url` covers the whole area (for "covers all of <place>")."""
    place = service_places(content_store()).get(url.removeprefix(SERVICE_PREFIX))
    return bool(place and place.whole_area)
