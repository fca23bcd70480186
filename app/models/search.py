"""What families search for (counted by day, never who or when), and the words staff add."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db

#: Longest search text kept (after redaction); longer searches are cut.
QUERY_CHARS = 200
#: Longest phrase staff can add, and what it stands for.
PHRASE_CHARS = 100


class SearchCount(db.Model):
    """How many times one (redacted) search was made in one language on one UK day.

    Nothing else is kept: no address, session, time of day or order, so a row says what was
    searched for, never who searched or when within the day.
    """

    __tablename__ = "search_count"
    __table_args__ = (UniqueConstraint("day", "lang", "query", "found", name="uq_search_count"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, nullable=False, index=True)
    lang: Mapped[str] = mapped_column(String(8), nullable=False)
    query: Mapped[str] = mapped_column(String(QUERY_CHARS), nullable=False)
    found: Mapped[bool] = mapped_column(Boolean, nullable=False)
    searches: Mapped[int] = mapped_column(Integer, nullable=False, default=1)


class SearchWord(db.Model):
    """A synonym or spelling staff added for one language, used by every search at once."""

    __tablename__ = "search_word"
    __table_args__ = (UniqueConstraint("lang", "kind", "phrase", name="uq_search_word"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lang: Mapped[str] = mapped_column(String(8), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # "synonym" | "spelling"
    phrase: Mapped[str] = mapped_column(String(PHRASE_CHARS), nullable=False)
    means: Mapped[str] = mapped_column(String(PHRASE_CHARS), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=utcnow)
