"""Ids in URLs: only values a database id column can hold match a route.

Every `<int:...>` in a route is an id or a year. A number the column cannot hold
(PostgreSQL's `integer` stops at 2,147,483,647; SQLite's at 2**63 - 1) made the
database driver raise, a 500. With this converter such a URL simply matches no route:
a 404, on public and staff pages alike, before any view or query runs.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

#: The largest value of an `Integer` column on every supported database.
MAX_ID = 2**31 - 1


class DatabaseIntConverter(IntegerConverter):
    """`<int:...>` limited to 0..MAX_ID; longer numbers do not match (so a 404)."""

    def __init__(
        self, url_map, fixed_digits: int = 0, min: int | None = 0, max: int | None = MAX_ID, signed: bool = False
    ):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def ids_from(text: str | None) -> list[int]:
    """The ids in a comma-separated form value, leaving out anything an id column cannot hold."""
    parts = (part.strip() for part in (text or "").split(","))
    return [int(part) for part in parts if part.isdigit() and len(part) <= 10 and 0 < int(part) <= MAX_ID]


def register_id_converter(app: Flask) -> None:
    """Make `<int:...>` the bounded converter (call before any route is added)."""
    app.url_map.converters["int"] = DatabaseIntConverter
