"""Changes that every web process and every host sees within seconds, without a restart.

State that staff change while the portal runs (published content, search synonyms ...) is
kept in the database; each process also holds a copy in memory. The transaction that
changes such state calls `bump(name)`; each process asks `Watch.changed()` (cheap: one
primary-key read, at most once every `LIVE_POLL_SECONDS`) and reloads its copy when the
version moved. Every process and host sharing one database therefore sees a change within
`LIVE_POLL_SECONDS` plus the time the reload takes.
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from .clock import utcnow
from .extensions import db
from .models.live import LiveStamp

#: How often (seconds) a process looks for changes, by default.
DEFAULT_POLL_SECONDS = 2.0


def bump(name: str) -> None:
    """Record that `name` changed, in the current transaction (flushes; the caller commits)."""
    bumped = db.session.execute(
        update(LiveStamp)
        .where(LiveStamp.name == name)
        .values(version=LiveStamp.version + 1, changed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if bumped.rowcount:
        return
    try:
        with db.session.begin_nested():
            db.session.add(LiveStamp(name=name, version=1, changed_at=utcnow()))
    except IntegrityError:  # another process created it first: count this change on top
        db.session.execute(
            update(LiveStamp)
            .where(LiveStamp.name == name)
            .values(version=LiveStamp.version + 1, changed_at=utcnow())
            .execution_options(synchronize_session=False)
        )


def version(name: str) -> int:
    """The committed version of `name` (0 when it never changed)."""
    return db.session.scalar(select(LiveStamp.version).where(LiveStamp.name == name)) or 0


class Watch:
    """One process's view of a stamp: says when it moved since the process last looked."""

    def __init__(self, name: str, poll_seconds: float = DEFAULT_POLL_SECONDS) -> None:
        self.name = name
        self.poll_seconds = poll_seconds
        self.seen: int | None = None
        self._checked = float("-inf")
        self._lock = threading.Lock()

    def mark_seen(self, seen: int) -> None:
        """Note that this process's copy reflects version `seen`."""
        self.seen = seen
        self._checked = time.monotonic()

    def changed(self) -> int | None:
        """The new version if it moved since last seen (at most one read per poll interval), else None."""
        now = time.monotonic()
        if now - self._checked < self.poll_seconds:
            return None
        with self._lock:
            if now - self._checked < self.poll_seconds:
                return None
            self._checked = now
            current = version(self.name)
            if current == self.seen:
                return None
            return current
