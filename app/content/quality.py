"""How current and complete the Local Offer's listings are, for the officers' data quality page.

Each listing is checked for its review date (overdue, due soon), whether its provider has
ever confirmed it, open problem reports and missing recommended fields; the figures are
then added up by category and by area. Pure functions over the content store and counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from .schema import CATEGORIES, WHOLE_AREA
from .store import ContentStore, Document

#: Days ahead that a review date counts as due soon.
DUE_SOON_DAYS = 30

#: Fields a listing should have, though the schema does not require them.
RECOMMENDED_FIELDS = {
    "opening_times": _l("Opening times"),
    "accessibility": _l("Venue accessibility"),
    "cost_detail": _l("Cost detail"),
    "languages": _l("Languages"),
    "contact": _l("A phone number or email"),
}


def missing_fields(meta) -> list[str]:
    """The keys of RECOMMENDED_FIELDS a service's front matter leaves out."""
    present = {
        "opening_times": bool(meta.opening_times),
        "accessibility": bool(meta.accessibility),
        "cost_detail": bool(meta.cost.detail),
        "languages": bool(meta.languages),
        "contact": bool(meta.contact.phone or meta.contact.email),
    }
    return [key for key, there in present.items() if not there]


@dataclass(frozen=True)
class ListingQuality:
    """One listing's state."""

    doc: Document
    overdue: bool
    due_soon: bool
    never_checked: bool
    open_reports: int
    missing: tuple[str, ...]

    @property
    def needs_attention(self) -> bool:
        return self.overdue or self.due_soon or self.never_checked or bool(self.open_reports) or bool(self.missing)


@dataclass(frozen=True)
class GroupFigures:
    """The figures for one category or area."""

    key: str
    label: object  # text, or a lazily translated label
    listings: int
    overdue: int
    due_soon: int
    never_checked: int
    with_reports: int
    missing_fields: int


def listing_quality(
    store: ContentStore, today: dt.date, report_counts: Mapping[str, int], checked: set[str]
) -> list[ListingQuality]:
    """Every service's state; `report_counts` are open reports per page, `checked` the pages a provider confirmed."""
    rows = []
    for doc in store.services.values():
        page = f"{doc.kind}/{doc.slug}"
        due = doc.meta.review_due
        rows.append(
            ListingQuality(
                doc=doc,
                overdue=due < today,
                due_soon=today <= due <= today + dt.timedelta(days=DUE_SOON_DAYS),
                never_checked=page not in checked,
                open_reports=report_counts.get(page, 0),
                missing=tuple(missing_fields(doc.meta)),
            )
        )
    return rows


def _figures(key: str, label: object, rows: list[ListingQuality]) -> GroupFigures:
    return GroupFigures(
        key=key,
        label=label,
        listings=len(rows),
        overdue=sum(r.overdue for r in rows),
        due_soon=sum(r.due_soon for r in rows),
        never_checked=sum(r.never_checked for r in rows),
        with_reports=sum(bool(r.open_reports) for r in rows),
        missing_fields=sum(bool(r.missing) for r in rows),
    )


def _grouped(
    rows: list[ListingQuality], groups: Iterable[tuple[str, object]], belongs: Callable[[ListingQuality, str], bool]
) -> list[GroupFigures]:
    return [_figures(key, label, [r for r in rows if belongs(r, key)]) for key, label in groups]


def by_category(rows: list[ListingQuality]) -> list[GroupFigures]:
    """Figures for each category, in the categories' order, leaving out empty ones."""
    figures = _grouped(rows, CATEGORIES.items(), lambda r, k: r.doc.meta.category == k)
    return [f for f in figures if f.listings]


def by_area(rows: list[ListingQuality], areas: Mapping[str, object]) -> list[GroupFigures]:
    """Figures for each of the council's areas; a listing for the whole area counts in each."""

    def serves(row: ListingQuality, key: str) -> bool:
        served = row.doc.meta.area_served
        return key in served or (key != WHOLE_AREA and WHOLE_AREA in served)

    return _grouped(rows, areas.items(), serves)


def total(rows: list[ListingQuality], label: object) -> GroupFigures:
    """The figures for every listing."""
    return _figures("all", label, rows)


def csv_table(rows: list[ListingQuality], areas: Mapping[str, str]) -> tuple[list[str], list[list[object]]]:
    """The header and one row per listing, for the CSV download (no maintainer details)."""
    header = [
        str(_l("Listing")),
        str(_l("Address on the site")),
        str(_l("Category")),
        str(_l("Areas")),
        str(_l("Last checked")),
        str(_l("Next review")),
        str(_l("Overdue")),
        str(_l("Due in the next 30 days")),
        str(_l("Never checked by the provider")),
        str(_l("Open problem reports")),
        str(_l("Missing recommended fields")),
    ]
    yes, no = str(_l("Yes")), str(_l("No"))
    body = [
        [
            row.doc.title,
            row.doc.url,
            str(CATEGORIES[row.doc.meta.category]),
            "; ".join(str(areas.get(a, a)) for a in row.doc.meta.area_served),
            row.doc.meta.last_reviewed.isoformat(),
            row.doc.meta.review_due.isoformat(),
            yes if row.overdue else no,
            yes if row.due_soon else no,
            yes if row.never_checked else no,
            row.open_reports,
            "; ".join(str(RECOMMENDED_FIELDS[key]) for key in row.missing),
        ]
        for row in rows
    ]
    return header, body
