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

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

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


class Comment(db.Model):
    """One free-text comment and its moderation status."""

    __tablename__ = "moderation_comment"

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

    decided_by: Mapped[User | None] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Comment {self.id} {self.source} {self.status}>"

    @property
    def short_id(self) -> str:
        """The first eight characters of the id, for headings and links."""
        return self.id.hex[:8] if self.id else ""

    @property
    def quotable(self) -> bool:
        """Only approved comments may be quoted (after redaction)."""
        return self.status == ModerationStatus.APPROVED

    def decide(self, decision: str, user: User, now: dt.datetime | None = None) -> None:
        """Record an officer's decision."""
        if decision not in DECISIONS:
            raise ValueError(f"unknown decision {decision!r}")
        self.status = decision
        self.decided_by_id = user.id
        self.decided_at = now or utcnow()
