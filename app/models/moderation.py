"""Free-text comments waiting for (or given) a moderation decision.

Comments come from survey answers, page feedback or comments sent on paper or by
phone. An officer marks each one vexatious, about one person's case (neither is
ever published or quoted) or approved for quoting; quotes are shown only after
personal details are redacted.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, String, Text, Uuid, false
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..extensions import db
from .staff import User, utcnow


class CommentSource(enum.StrEnum):
    """Where a comment came from."""

    SURVEY = "survey"
    PAGE_FEEDBACK = "page_feedback"
    PAPER = "paper"


COMMENT_SOURCE_LABELS = {
    CommentSource.SURVEY: _l("Survey answer"),
    CommentSource.PAGE_FEEDBACK: _l("Page feedback"),
    CommentSource.PAPER: _l("Paper or phone comment"),
}


class ModerationStatus(enum.StrEnum):
    """A comment's moderation status: waiting, or the officer's decision."""

    PENDING = "pending"
    APPROVED = "approved"
    VEXATIOUS = "vexatious"
    INDIVIDUAL_CASE = "individual_case"


MODERATION_STATUS_LABELS = {
    ModerationStatus.PENDING: _l("Waiting for a decision"),
    ModerationStatus.APPROVED: _l("Approved for quoting"),
    ModerationStatus.VEXATIOUS: _l("Vexatious"),
    ModerationStatus.INDIVIDUAL_CASE: _l("About one person's case"),
}

#: The statuses an officer can choose, each as the choice is worded and with a hint.
DECISIONS = (ModerationStatus.APPROVED, ModerationStatus.VEXATIOUS, ModerationStatus.INDIVIDUAL_CASE)
DECISION_LABELS = {
    ModerationStatus.APPROVED: _l("Approve for quoting"),
    ModerationStatus.VEXATIOUS: _l("Vexatious: never publish or quote"),
    ModerationStatus.INDIVIDUAL_CASE: _l("About one person's case: never publish or quote"),
}
DECISION_HINTS = {
    ModerationStatus.APPROVED: _l("It can be quoted in reports after personal details are removed."),
    ModerationStatus.VEXATIOUS: _l("Abusive, offensive or not a genuine comment."),
    ModerationStatus.INDIVIDUAL_CASE: _l("Pass it to the right team instead if it needs action."),
}


class OwnCaseError(ValueError):
    """A comment about one person's own case cannot be approved for quoting."""


class Comment(db.Model):
    """One free-text comment and its moderation status."""

    __tablename__ = "moderation_comment"
    __table_args__ = (CheckConstraint("NOT (own_case AND status = 'approved')", name="own_case_never_approved"),)

    #: Random, so a survey comment's id says nothing about when it was written.
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    source: Mapped[str] = mapped_column(String(20))
    source_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    question_id: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    locale: Mapped[str] = mapped_column(String(10), default="en")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    status: Mapped[str] = mapped_column(String(20), default=ModerationStatus.PENDING.value, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: Once marked as about one person's own case, always: such a comment is never approved or quoted.
    own_case: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    #: An officer's correction of the machine's reading: a sentiment label, and the theme keys
    #: separated by ";" ("" when the comment is about none). None where not corrected.
    corrected_sentiment: Mapped[str | None] = mapped_column(String(10))
    corrected_themes: Mapped[str | None] = mapped_column(Text)
    corrected_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    corrected_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    decided_by: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[decided_by_id])

    def __repr__(self) -> str:
        return f"<Comment {self.id} {self.source} {self.status}>"

    @property
    def short_id(self) -> str:
        """The first eight characters of the id, for headings and links."""
        return self.id.hex[:8] if self.id else ""

    @property
    def quotable(self) -> bool:
        """Only approved comments may be quoted (after redaction); never one about a person's own case."""
        return self.status == ModerationStatus.APPROVED and not self.own_case

    @validates("status")
    def _never_approve_own_case(self, _key: str, status: str) -> str:
        if status == ModerationStatus.INDIVIDUAL_CASE:
            self.own_case = True
        elif status == ModerationStatus.APPROVED and self.own_case:
            raise OwnCaseError("a comment about one person's own case cannot be approved for quoting")
        return status

    @validates("own_case")
    def _own_case_stays(self, _key: str, own_case: bool | None) -> bool:
        if self.own_case and not own_case:
            raise OwnCaseError("a comment marked as about one person's own case stays marked")
        if own_case and self.status == ModerationStatus.APPROVED:
            raise OwnCaseError("a comment about one person's own case cannot be approved for quoting")
        return bool(own_case)

    @property
    def corrected(self) -> bool:
        """Whether an officer corrected the sentiment or the themes."""
        return self.corrected_sentiment is not None or self.corrected_themes is not None

    @property
    def corrected_theme_keys(self) -> tuple[str, ...] | None:
        """The corrected themes, or None when they were not corrected."""
        if self.corrected_themes is None:
            return None
        return tuple(key for key in self.corrected_themes.split(";") if key)

    def correct(
        self, sentiment: str | None, themes: Sequence[str] | None, user: User, now: dt.datetime | None = None
    ) -> None:
        """Record an officer's reading: a sentiment label and themes (None leaves the machine's)."""
        self.corrected_sentiment = sentiment or None
        self.corrected_themes = None if themes is None else ";".join(themes)
        self.corrected_by_id = user.id
        self.corrected_at = now or utcnow()

    def decide(self, decision: str, user: User, now: dt.datetime | None = None) -> None:
        """Record an officer's decision; OwnCaseError when approving a comment about one person's own case."""
        if decision not in DECISIONS:
            raise ValueError(f"unknown decision {decision!r}")
        self.status = decision
        self.decided_by_id = user.id
        self.decided_at = now or utcnow()
