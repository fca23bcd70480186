"""Where transactions end. Domain functions add and flush; the view or command that called
them records the audit event and commits, here or with `db.session.commit()`.

One exception is sending a survey response (`surveys.responses.submit`), which
commits itself, on a connection of its own: claiming the invitation, sealing the draft and
storing a shuffled batch must each be a separate transaction, so that a response never
shares one with its invitation (see "Anonymity of survey answers" in README.md).

The other is sending messages (`notifications.deliver_due`): each message is claimed, sent
and its result recorded in transactions of their own, so two processes never send the same
message and a result is never lost when a later message fails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError

from .extensions import db

T = TypeVar("T")


def commit_with_retry(work: Callable[[], T], attempts: int = 3) -> T:
    """Run `work` (which adds and flushes) and commit.

    When another request wrote a clashing row at the same moment (a unique constraint
    fails), roll back and run `work` again: it sees the other row this time.
    """
    for _attempt in range(attempts):
        try:
            result = work()
            db.session.commit()
            return result
        except IntegrityError:
            db.session.rollback()
    raise RuntimeError(f"could not commit after {attempts} attempts")
