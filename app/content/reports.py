"""Families' reports of a problem with a service or guidance page.

A report asks for no personal details, and what the family writes is redacted (names
included, `app/feedback/redaction.py`) before it is stored, so no staff list can show one.
Reports are counted per page, and officers close them once dealt with.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import func, select, update

from ..clock import utcnow
from ..extensions import db
from ..feedback.redaction import redact
from ..models.upkeep import MAX_PAGE, ProblemKind, ProblemReport
from .store import ContentStore, Document

#: The longest description of the problem kept.
MAX_DETAILS = 1000
#: The kinds of page a family can report a problem with.
REPORTABLE_KINDS = ("services", "guidance")


def reportable_page(store: ContentStore, page: str | None) -> Document | None:
    """The service or guidance page a page key ("services/<slug>") names, if it exists."""
    kind, _, slug = (page or "").partition("/")
    if kind not in REPORTABLE_KINDS or len(page or "") > MAX_PAGE:
        return None
    return getattr(store, kind).get(slug)


def record_report(page: str, kind: ProblemKind | str, details: str | None, locale: str) -> ProblemReport:
    """Add a report (details redacted before they are stored) and flush; the caller commits."""
    cleaned = redact((details or "").strip())[:MAX_DETAILS].strip() or None
    report = ProblemReport(page=page, kind=ProblemKind(kind).value, details=cleaned, locale=locale[:8])
    db.session.add(report)
    db.session.flush()
    return report


def open_report_counts() -> Counter[str]:
    """Open reports per page."""
    rows = db.session.execute(
        select(ProblemReport.page, func.count()).where(ProblemReport.closed_at.is_(None)).group_by(ProblemReport.page)
    )
    return Counter({page: count for page, count in rows})


def open_reports() -> list[ProblemReport]:
    """Every open report, by page, oldest first."""
    query = select(ProblemReport).where(ProblemReport.closed_at.is_(None))
    return list(db.session.scalars(query.order_by(ProblemReport.page, ProblemReport.created_at, ProblemReport.id)))


def close_report(report: ProblemReport, user_id: int | None, now: dt.datetime | None = None) -> bool:
    """Close an open report (flushes); False when it was already closed."""
    closed = db.session.execute(
        update(ProblemReport)
        .where(ProblemReport.id == report.id, ProblemReport.closed_at.is_(None))
        .values(closed_at=now or utcnow(), closed_by_id=user_id)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(report)
    return closed.rowcount == 1
