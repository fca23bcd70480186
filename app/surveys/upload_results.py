"""An upload's links and codes, kept encrypted for the officer who made them, for a few hours.

The upload page redirects to its result (post, redirect, get), so reloading the result or
going back never uploads again, and a closed tab does not lose the links. The links and codes
are kept only as text encrypted with a key derived from the server's secret (`app/tokens.py`),
readable only until `expires_at` (at most 24 hours), and `flask surveys daily` deletes them.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

from sqlalchemy import delete, select

from ..extensions import db
from ..models.surveys import InvitationUpload, SurveyInvitation, utcnow
from ..tokens import decrypt, encrypt
from .invitations import IssuedInvitation, RowProblem, UploadResult

#: The longest an upload's links and codes are kept.
MAX_HOURS = 24
_PURPOSE = "invitation-upload"


def keep_hours(configured: int | str | None) -> int:
    """How many hours to keep them: the setting, between 1 and MAX_HOURS."""
    try:
        hours = int(configured or MAX_HOURS)
    except ValueError:
        hours = MAX_HOURS
    return max(1, min(MAX_HOURS, hours))


def keep(
    result: UploadResult, survey_id: str, user_id: int | None, hours: int, now: dt.datetime | None = None
) -> InvitationUpload:
    """Store an upload's result, encrypted, for `hours`; flushes, the caller commits (with the invitations)."""
    now = now or utcnow()
    payload = {
        "created": [[item.invitation.id, item.token, item.code] for item in result.created],
        "already": [[line, invitation.id] for line, invitation in result.already_invited],
        "problems": [[problem.line, problem.message] for problem in result.problems],
    }
    kept = InvitationUpload(
        id=uuid.uuid4(),
        user_id=user_id,
        survey_id=survey_id,
        created_at=now,
        expires_at=now + dt.timedelta(hours=keep_hours(hours)),
        sealed=encrypt(json.dumps(payload), _PURPOSE),
    )
    db.session.add(kept)
    db.session.flush()
    return kept


def read(kept: InvitationUpload, now: dt.datetime | None = None) -> UploadResult | None:
    """The result again, with its links and codes, or None once it has expired (or cannot be read)."""
    now = now or utcnow()
    if now >= kept.expires_at:
        return None
    text = decrypt(kept.sealed, _PURPOSE, max_age_seconds=MAX_HOURS * 3600 + 60)
    if text is None:
        return None
    payload = json.loads(text)
    ids = [row[0] for row in payload["created"]] + [row[1] for row in payload["already"]]
    found = {inv.id: inv for inv in db.session.scalars(select(SurveyInvitation).where(SurveyInvitation.id.in_(ids)))}
    return UploadResult(
        created=[IssuedInvitation(found[i], token, code) for i, token, code in payload["created"] if i in found],
        already_invited=[(line, found[i]) for line, i in payload["already"] if i in found],
        problems=[RowProblem(line, message) for line, message in payload["problems"]],
    )


def purge(now: dt.datetime | None = None) -> int:
    """Delete every kept result that has expired; the caller commits."""
    result = db.session.execute(delete(InvitationUpload).where(InvitationUpload.expires_at <= (now or utcnow())))
    return result.rowcount or 0
