"""The co-production report's link between what families said and what was done.

Each published "You said, we did" entry is shown beside the rows of the themes table it
answers, so the report reads what families said about a theme next to the response.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from ..clock import reporting_day
from ..extensions import db
from ..models.yswd import Entry
from ..yswd.themes import ENTRY_THEMES, STATUSES
from .analysis import ThemeRow

#: The feedback themes each "You said, we did" theme answers.
YSWD_THEME_LINKS: dict[str, tuple[str, ...]] = {
    "early-years": ("school_setting",),
    "schools": ("school_setting", "specialist_provision"),
    "post-16": ("school_setting", "preparing_for_adulthood"),
    "alternative-provision": ("specialist_provision",),
    "health": ("health_input",),
    "social-care": ("social_care",),
    "training": ("preparing_for_adulthood",),
    "travel": ("transport",),
    "adulthood": ("preparing_for_adulthood",),
    "advice": ("sendiass", "information_local_offer"),
    "money": ("funding_and_resources",),
    "disagreements": ("disagreement_resolution",),
    "local-offer": ("information_local_offer",),
    "ehc-process": ("plan_quality", "assessment_process"),
    "sen-support": ("school_setting",),
    "communication": ("communication",),
    "co-production": ("listening_involvement",),
    "waiting-times": ("timeliness",),
}


@dataclass(frozen=True)
class LinkedEntry:
    """A published "You said, we did" entry with the feedback themes it answers."""

    entry: Entry
    theme: str
    status: str
    themes: tuple[ThemeRow, ...]


def linked_entries(start: dt.date | None, end: dt.date | None, themes: Sequence[ThemeRow]) -> list[LinkedEntry]:
    """Published entries for a period (published in it, or still being worked on), with their themes' rows."""
    query = select(Entry).where(Entry.live()).order_by(Entry.publish_at.desc())
    rows = {row.key: row for row in themes}
    linked = []
    for entry in db.session.scalars(query):
        published = reporting_day(entry.publish_at)
        if end is not None and published > end:
            continue
        if start is not None and published < start and entry.status == "done":
            continue
        found = tuple(rows[key] for key in YSWD_THEME_LINKS.get(entry.theme, ()) if key in rows)
        linked.append(
            LinkedEntry(
                entry,
                str(ENTRY_THEMES.get(entry.theme, entry.theme)),
                str(STATUSES.get(entry.status, entry.status)),
                found,
            )
        )
    return linked
