"""Change stamps: one version number per kind of shared state (content, synonyms ...)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db


class LiveStamp(db.Model):
    """The version of one named piece of shared state; bumped in the transaction that changes it."""

    __tablename__ = "live_stamp"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
