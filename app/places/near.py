"""Which services are near a place: each service's points, and a nearest-first sort key."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..content import ContentStore
from .postcodes import Point, nearest_miles

#: The sort key of a service that covers the whole area but has no place of its own: after every
#: service with a place (keys are squared degrees, far below this), before results with neither.
WHOLE_AREA_KEY = 1e6


@dataclass(frozen=True)
class ServicePlaces:
    """Where one service is given, and whether it covers the whole area."""

    points: tuple[Point, ...]
    whole_area: bool

    @property
    def flat(self) -> tuple[float, ...]:
        """Latitude, longitude, latitude, longitude... of its places (for the fast sort key)."""
        return tuple(value for point in self.points for value in (point.latitude, point.longitude))

    def miles_from(self, origin: Point) -> float | None:
        """How far its nearest place is, or None when it has none."""
        return nearest_miles(origin, self.points)


_cache: tuple[ContentStore, Mapping[str, ServicePlaces]] | None = None
_lock = threading.Lock()


def service_places(store: ContentStore) -> Mapping[str, ServicePlaces]:
    """Every service's places (by slug), worked out once per content store."""
    global _cache
    cached = _cache
    if cached is not None and cached[0] is store:
        return cached[1]
    with _lock:
        places = {
            slug: ServicePlaces(
                tuple(Point(place.latitude, place.longitude) for place in doc.meta.locations),
                doc.meta.covers_whole_area,
            )
            for slug, doc in store.services.items()
        }
        _cache = (store, places)
    return places


def nearest_first(origin: Point, places: Mapping[str, ServicePlaces]) -> Callable[[str], float]:
    """A sort key for services by slug: nearest place first (a flat-earth distance, right at a
    council's scale), then those covering the whole area, then the rest (`math.inf`)."""
    scale = math.cos(math.radians(origin.latitude)) ** 2
    lat0, lon0 = origin.latitude, origin.longitude
    flat, area_wide = _flat(places)
    get, fallback, inf = flat.get, area_wide.get, math.inf

    def key(slug: str) -> float:
        coordinates = get(slug)
        if coordinates is None:
            return fallback(slug, inf)
        north, east = coordinates[0] - lat0, coordinates[1] - lon0
        best = north * north + east * east * scale
        for i in range(2, len(coordinates), 2):  # a service with several places: the nearest
            north, east = coordinates[i] - lat0, coordinates[i + 1] - lon0
            best = min(best, north * north + east * east * scale)
        return best

    return key


_Flat = tuple[dict[str, tuple[float, ...]], dict[str, float]]
_flat_cache: tuple[Mapping[str, ServicePlaces], _Flat] | None = None


def _flat(places: Mapping[str, ServicePlaces]) -> _Flat:
    """Each service's coordinates in one flat tuple, and the whole-area services without a place."""
    global _flat_cache
    cached = _flat_cache
    if cached is not None and cached[0] is places:
        return cached[1]
    flat = {slug: found.flat for slug, found in places.items() if found.points}
    area_wide = {slug: WHOLE_AREA_KEY for slug, found in places.items() if found.whole_area and not found.points}
    _flat_cache = (places, (flat, area_wide))
    return flat, area_wide
