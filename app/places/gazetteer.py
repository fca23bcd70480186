"""The local gazetteer: loading the ONS Postcode Directory, and finding a typed postcode in it."""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select

from ..extensions import db
from ..models.places import Postcode
from .postcodes import Point, normalise_postcode

#: The demo's gazetteer, in the content folder, loaded by `flask demo seed`.
GAZETTEER_FILE = "gazetteer.csv"
#: The ONS Postcode Directory's columns for the local authority, newest naming first.
AUTHORITY_COLUMNS = re.compile(r"^(?:lad\d{2}cd|oslaua|lad)$", re.IGNORECASE)
#: ONSPD gives postcodes without a grid reference latitude 99.999999.
MAX_LATITUDE = 90.0


@dataclass(frozen=True)
class Found:
    """A postcode found in the gazetteer: where it is and whether it is in the council's own area."""

    postcode: str
    point: Point
    in_area: bool


@dataclass(frozen=True)
class ImportResult:
    kept: int
    skipped: int


def locate(postcode: str, own_authority: str | None) -> Found | None:
    """A normalised postcode's place from the gazetteer, or None when the gazetteer does not have it."""
    query = select(Postcode.latitude, Postcode.longitude, Postcode.authority).where(Postcode.postcode == postcode)
    row = db.session.execute(query).first()
    if row is None:
        return None
    return Found(postcode, Point(row.latitude, row.longitude), row.authority == own_authority)


def _rows(path: Path) -> Iterable[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        missing = [name for name in ("pcds", "lat", "long") if name not in columns]
        if not any(AUTHORITY_COLUMNS.match(name) for name in columns):
            missing.append("oslaua (or ladNNcd)")
        if missing:
            raise ValueError(f"not an ONS Postcode Directory file: no column {', '.join(missing)}")
        authority = next(name for name in columns if AUTHORITY_COLUMNS.match(name))
        for row in reader:
            yield {"pcds": row["pcds"], "lat": row["lat"], "long": row["long"], "authority": row[authority]}


def import_gazetteer(path: Path, authorities: Sequence[str]) -> ImportResult:
    """Replace the gazetteer with the rows of an ONSPD CSV file in `authorities` (flushes; the caller commits).

    Rows in other areas, without a grid reference or with a malformed postcode are skipped.
    Raises ValueError when the file is not in the ONS Postcode Directory's format.
    """
    wanted = set(authorities)
    rows: dict[str, Postcode] = {}
    skipped = 0
    for row in _rows(path):
        postcode = normalise_postcode(row["pcds"])
        try:
            latitude, longitude = float(row["lat"]), float(row["long"])
        except ValueError:
            latitude = longitude = math.nan
        if row["authority"] not in wanted or postcode is None or not abs(latitude) < MAX_LATITUDE:
            skipped += 1
            continue
        rows[postcode] = Postcode(postcode=postcode, latitude=latitude, longitude=longitude, authority=row["authority"])
    db.session.execute(delete(Postcode))
    db.session.add_all(rows.values())
    db.session.flush()
    return ImportResult(len(rows), skipped)
