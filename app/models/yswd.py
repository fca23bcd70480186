"""What the portal publishes from staff: "You said, we did" entries and news updates.

Both follow one workflow: draft → published (now, or scheduled with `publish_at` in
the future) → archived. Only published items whose `publish_at` has passed are public.
Markdown is rendered and sanitised when saved; the HTML is stored beside the source.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, and_
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from ..extensions import db
from .staff import User, utcnow

STATES = ("draft", "published", "archived")


class Publishable:
    """Columns and rules shared by everything with the draft/publish/archive workflow."""

    state: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    publish_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))

    @declared_attr
    def updated_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))

    @declared_attr
    def created_by(cls) -> Mapped[User | None]:
        return relationship(foreign_keys=[cls.created_by_id])

    @declared_attr
    def updated_by(cls) -> Mapped[User | None]:
        return relationship(foreign_keys=[cls.updated_by_id])

    def is_live(self, now: dt.datetime | None = None) -> bool:
        """Visible to the public: published, and its publication time has come."""
        return self.state == "published" and self.publish_at is not None and self.publish_at <= (now or utcnow())

    def stage(self, now: dt.datetime | None = None) -> str:
        """draft, scheduled, published or archived (scheduled = published with a future time)."""
        if self.state == "published" and not self.is_live(now):
            return "scheduled"
        return self.state

    @classmethod
    def live(cls, now: dt.datetime | None = None) -> Any:
        """A WHERE clause for items the public can see."""
        return and_(cls.state == "published", cls.publish_at.is_not(None), cls.publish_at <= (now or utcnow()))

    @classmethod
    def scheduled(cls, now: dt.datetime | None = None) -> Any:
        """A WHERE clause for items published for a time still to come."""
        return and_(cls.state == "published", cls.publish_at > (now or utcnow()))

    @classmethod
    def in_stage(cls, stage: str, now: dt.datetime | None = None) -> Any:
        """A WHERE clause for one stage (see `stage()`); ValueError for an unknown one."""
        if stage == "published":
            return cls.live(now)
        if stage == "scheduled":
            return cls.scheduled(now)
        if stage in ("draft", "archived"):
            return cls.state == stage
        raise ValueError(f"unknown stage {stage!r}")


class Entry(Publishable, db.Model):
    """One "You said, we did" entry."""

    __tablename__ = "yswd_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str] = mapped_column(String(40), index=True)
    we_asked: Mapped[str] = mapped_column(Text, default="")
    we_asked_url: Mapped[str | None] = mapped_column(String(500))
    you_said: Mapped[str] = mapped_column(Text)
    you_said_html: Mapped[str] = mapped_column(Text, default="")
    we_did: Mapped[str] = mapped_column(Text)
    we_did_html: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="planned")
    progress: Mapped[int | None] = mapped_column(Integer)
    evidence_url: Mapped[str | None] = mapped_column(String(500))

    revisions: Mapped[list[EntryRevision]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="EntryRevision.id.desc()"
    )
    updates: Mapped[list[EntryUpdate]] = relationship(
        back_populates="entry",
        cascade="all, delete-orphan",
        order_by=lambda: (EntryUpdate.happened_on.desc(), EntryUpdate.id.desc()),
    )

    #: The fields staff write (the markdown ones are rendered to *_html when saved).
    FIELDS = (
        "title",
        "theme",
        "we_asked",
        "we_asked_url",
        "you_said",
        "we_did",
        "status",
        "progress",
        "evidence_url",
    )
    #: The fields kept in each revision's snapshot: what staff wrote, and where it is in the workflow.
    SNAPSHOT_FIELDS = (*FIELDS, "state", "publish_at")

    def __repr__(self) -> str:
        return f"<Entry {self.id} {self.state}>"

    def snapshot(self) -> dict[str, Any]:
        values = {name: getattr(self, name) for name in self.SNAPSHOT_FIELDS}
        if values["publish_at"] is not None:
            values["publish_at"] = values["publish_at"].isoformat(timespec="minutes")
        return values


class EntryRevision(db.Model):
    """The fields of an entry as they were after one save."""

    __tablename__ = "yswd_entry_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("yswd_entry.id", ondelete="CASCADE"), index=True)
    saved_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    saved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(20))
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)

    entry: Mapped[Entry] = relationship(back_populates="revisions")
    saved_by: Mapped[User | None] = relationship()


class EntryUpdate(db.Model):
    """A dated progress update on an entry."""

    __tablename__ = "yswd_entry_update"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("yswd_entry.id", ondelete="CASCADE"), index=True)
    happened_on: Mapped[dt.date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))

    entry: Mapped[Entry] = relationship(back_populates="updates")


class NewsPost(Publishable, db.Model):
    """A short news update: an event, a service change, an open consultation."""

    __tablename__ = "news_post"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="news")
    summary: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")

    #: The fields staff write.
    FIELDS = ("title", "kind", "summary", "body")

    def __repr__(self) -> str:
        return f"<NewsPost {self.id} {self.state}>"
