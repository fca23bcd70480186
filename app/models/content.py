"""Revisions of the Local Offer made in the browser, and which revision each page shows.

The files in content/ are the seed. A published revision of a page overlays its file (or
adds a page no file has); a page nobody edited has no rows here at all.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, ForeignKey, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from .staff import User

#: A revision's status: saved but not sent, awaiting approval, public, approved with edits, turned down.
STATUSES = ("draft", "proposed", "published", "approved", "rejected")
#: Who a change came from.
SOURCES = ("staff", "provider", "family")


class Revision(db.Model):
    """One saved version of one page (or of the glossary): its whole source text."""

    __tablename__ = "content_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: "services/<slug>", "guidance/<slug>", "pages/<slug>" or "glossary".
    page: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True, default="draft")
    #: The whole source: front matter and markdown (a page) or YAML (the glossary).
    text: Mapped[str] = mapped_column(Text)
    #: True when this revision closes the page (gone from lists, search and the sitemap).
    retired: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: The published revision this one was written on (None: the file in content/).
    base_revision_id: Mapped[int | None] = mapped_column(Integer)
    #: The revision this one brings back, for a restore.
    restored_from_id: Mapped[int | None] = mapped_column(Integer)
    #: The proposal an officer edited before approving it.
    proposal_id: Mapped[int | None] = mapped_column(Integer)
    #: The front-matter fields a proposal changes (names), for the approval queue.
    changed_fields: Mapped[list[Any]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(20), default="staff")
    note: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: Why a proposal was turned down (shown to staff and sent to `reply_to`, never public).
    reason: Mapped[str | None] = mapped_column(Text)
    #: Where a rejection is sent (an email address); never shown publicly.
    reply_to: Mapped[str | None] = mapped_column(String(254))
    #: The "content" live-stamp version this revision was published at.
    content_version: Mapped[int | None] = mapped_column(BigInteger, index=True)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    def __repr__(self) -> str:
        return f"<Revision {self.id} {self.page} {self.status}>"

    @property
    def kind(self) -> str:
        return self.page.partition("/")[0]

    @property
    def slug(self) -> str:
        return self.page.partition("/")[2]


class PublishedPage(db.Model):
    """The revision a page shows now; moved with a conditional UPDATE, so two saves never overwrite."""

    __tablename__ = "content_page"

    page: Mapped[str] = mapped_column(String(200), primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("content_revision.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    revision: Mapped[Revision] = relationship()
