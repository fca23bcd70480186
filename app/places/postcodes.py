"""Postcodes and distances: pure functions, no database (the gazetteer is in `gazetteer`)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

#: A full UK postcode: outward code (area, district) and inward code (sector, unit).
POSTCODE_RE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$")
EARTH_RADIUS_MILES = 3958.8


@dataclass(frozen=True)
class Point:
    """A place on the map, in degrees (WGS84, as the ONS Postcode Directory gives it)."""

    latitude: float
    longitude: float


def normalise_postcode(text: str | None) -> str | None:
    """A typed postcode written the ONS way ("sw1a  1aa" -> "SW1A 1AA"), or None when it is not a full postcode."""
    squashed = re.sub(r"\s+", "", (text or "").upper())
    match = POSTCODE_RE.match(squashed)
    return f"{match[1]} {match[2]}" if match else None


def distance_miles(a: Point, b: Point) -> float:
    """The distance between two points over the earth's surface, in miles."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat, dlon = lat2 - lat1, math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))


def nearest_miles(origin: Point, points: Iterable[Point]) -> float | None:
    """How far the nearest of `points` is from `origin`, or None when there are none."""
    return min((distance_miles(origin, point) for point in points), default=None)
