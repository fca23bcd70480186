"""Keeping the Local Offer current: requests to providers to check their listing, and
families' reports of a problem with a page.

A review request's link is stored only as a keyed digest (`app/tokens.py`). A problem
report keeps no personal details: it asks for none, and its details are redacted before
they are stored.
"""

from __future__ import annotations

import datetime as dt
import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db

#: The longest page key kept ("services/<slug>").
MAX_PAGE = 140


class ReviewOutcome(enum.StrEnum):
    """What the provider answered to "Is everything still correct?"."""

    CONFIRMED = "confirmed"
    CHANGES = "changes"


class ListingReview(db.Model):
    """One request to a listing's maintainer to check it, for one review date.

    There is at most one request per listing and review date (so a daily job never sends
    twice), and a listing has one working link at a time. The reminder's link is new; the
    first one keeps working beside it (`earlier_token_hash`) until the request is answered
    or expires.
    """

    __tablename__ = "listing_review"
    __table_args__ = (UniqueConstraint("page", "review_due", name="uq_listing_review_cycle"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The listing, as "services/<slug>".
    page: Mapped[str] = mapped_column(String(MAX_PAGE), index=True)
    #: The listing's review date this request is about.
    review_due: Mapped[dt.date] = mapped_column(Date)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    earlier_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    requested_on: Mapped[dt.date] = mapped_column(Date)
    reminded_on: Mapped[dt.date | None] = mapped_column(Date)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    outcome: Mapped[str | None] = mapped_column(String(12))
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    def __repr__(self) -> str:
        return f"<ListingReview {self.id} {self.page} {self.review_due}>"

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return self.expires_at <= (now or utcnow())


class ProblemKind(enum.StrEnum):
    """What a family says is wrong with a page."""

    CONTACT = "contact"
    CLOSED = "closed"
    OPENING_TIMES = "opening-times"
    COST = "cost"
    OTHER = "other"


PROBLEM_KIND_LABELS = {
    ProblemKind.CONTACT: _l("The phone number or email address is wrong"),
    ProblemKind.CLOSED: _l("The service has closed"),
    ProblemKind.OPENING_TIMES: _l("The opening times are wrong"),
    ProblemKind.COST: _l("The cost is wrong"),
    ProblemKind.OTHER: _l("Something else"),
}


class ProblemReport(db.Model):
    """A family's report that something on a page is wrong (no personal details)."""

    __tablename__ = "problem_report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The page, as "services/<slug>" or "guidance/<slug>".
    page: Mapped[str] = mapped_column(String(MAX_PAGE), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    #: What the family wrote, with personal details removed before it was stored.
    details: Mapped[str | None] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String(8), default="en")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<ProblemReport {self.id} {self.page} {self.kind}>"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
