"""Answers between pages (drafts) and storing a response, exactly once, unlinkably.

A person's browser session holds a random draft key; the draft row holds the answers. An
invitation's draft also names its invitation and keeps its key encrypted, so opening the same
link (or typing the same code) on any device carries on with the same answers
(`invitation_draft_key`).
Sending is three separate steps, none sharing a transaction with another:

1. **Claim the invitation** (invitation surveys only): a conditional UPDATE completes it and
   records a digest of the claim made from this browser's draft key (`claim_hash`), then
   commits. A second browser using the same link finds it completed by another claim; a
   retry from the same browser (a double click, or after a crash) finds its own claim and
   carries on.
2. **Seal the draft**: a conditional UPDATE gives the draft its confirmation reference and
   the rows to store (answers, comments, the month), and forgets its invitation, its encrypted
   key, its answers and its old digest (a sealed draft is found by another digest of the key),
   then commits. A second click finds the reference already there and is shown the same one.
3. **Store a shuffled batch**: once `SURVEY_RESPONSE_BATCH` sealed drafts are waiting (or the
   oldest has waited `SURVEY_RESPONSE_MAX_WAIT_DAYS`, by `flask surveys daily`), all of them
   are moved into the responses in one transaction, in random order, with random ids and
   only the month they were sent.

So a stored response shares no transaction id, no order and no time finer than a month with
the invitation it came from: see "Anonymity of survey answers" in README.md.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Connection, bindparam, delete, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from ..clock import reporting_day
from ..extensions import db
from ..feedback.redaction import scrub
from ..logs import log_error
from ..models.moderation import Comment
from ..models.surveys import (
    InvitationStatus,
    SurveyAnswer,
    SurveyDraft,
    SurveyInvitation,
    SurveyResponse,
    month_of,
    utcnow,
)
from ..tokens import ALPHABET, decrypt, digest, digests, encrypt, random_code
from .definitions import FreeTextQuestion, MultipleChoiceQuestion, Survey

#: Letters and digits for confirmation references, without look-alikes.
REFERENCE_ALPHABET = ALPHABET
REFERENCE_LENGTH = 8
#: Drafts untouched for this long are deleted by `flask surveys daily`.
DRAFT_LIFETIME = dt.timedelta(days=30)
#: PostgreSQL advisory lock taken by whoever stores a batch (others skip, never wait).
_BATCH_LOCK = 0x5355525645  # "SURVE"


def new_draft_key() -> str:
    return secrets.token_urlsafe(24)


def new_reference() -> str:
    return random_code(REFERENCE_LENGTH)


def load_draft(key: str | None) -> SurveyDraft | None:
    if not key:
        return None
    return db.session.scalar(select(SurveyDraft).where(SurveyDraft.key_hash.in_(digests(key))))


_RESUME = "survey-draft-key"


def invitation_draft_key(invitation_id: int, survey: Survey) -> str:
    """The draft key of an invitation's answers in progress, made (and flushed) on first use; the caller
    commits. Call it with nothing else waiting to be committed: a clash with another device rolls back.

    Every device that opens the invitation gets the same key, so answers saved on one are there
    on another. When two devices make it at once, the second finds the first one's.
    """
    found = db.session.execute(
        select(SurveyDraft.id, SurveyDraft.resume_key).where(SurveyDraft.invitation_id == invitation_id)
    ).first()
    if found is not None:
        key = decrypt(found.resume_key or "", _RESUME)
        if key is not None:
            return key
        # The server's key has changed since: the answers cannot be read back, so start again.
        db.session.execute(delete(SurveyDraft).where(SurveyDraft.id == found.id))
    key = new_draft_key()
    db.session.add(
        SurveyDraft(
            key_hash=digest(key),
            survey_id=survey.id,
            answers={},
            seen=[],
            invitation_id=invitation_id,
            resume_key=encrypt(key, _RESUME),
        )
    )
    try:
        db.session.flush()
    except IntegrityError:  # another device made it a moment ago: use theirs
        db.session.rollback()
        return invitation_draft_key(invitation_id, survey)
    return key


def discard_invitation_draft(invitation_id: int) -> int:
    """Delete an invitation's answers in progress (it has expired); the caller commits."""
    result = db.session.execute(delete(SurveyDraft).where(SurveyDraft.invitation_id == invitation_id))
    return result.rowcount or 0


def draft_answers(key: str | None) -> tuple[dict, set[str]]:
    """The answers and pages seen so far for a draft key (empty when there is none)."""
    draft = load_draft(key)
    if draft is None:
        return {}, set()
    return dict(draft.answers or {}), set(draft.seen or [])


def save_page(key: str, survey: Survey, page_id: str, values: Mapping[str, str | list[str] | None]) -> None:
    """Store one page's answers in the draft, creating the draft on the first page; the caller commits.

    A draft that has been sent is never changed.
    """
    draft = load_draft(key)
    if draft is not None and draft.reference is not None:
        return
    if draft is None:
        if db.session.scalar(select(SurveyDraft.id).where(SurveyDraft.key_hash == _sealed_hash(key))) is not None:
            return  # sent already: never started again
        draft = SurveyDraft(key_hash=digest(key), survey_id=survey.id, answers={}, seen=[])
        db.session.add(draft)
    page = survey.page(page_id)
    assert page is not None
    answers = dict(draft.answers or {})
    for question in page.questions:
        value = values.get(question.id)
        if value in (None, "", []):
            answers.pop(question.id, None)
        else:
            answers[question.id] = value
    draft.answers = answers
    draft.seen = sorted({*(draft.seen or []), page_id})
    draft.updated_at = utcnow()
    db.session.flush()


def purge_drafts(now: dt.datetime | None = None) -> int:
    """Delete drafts nobody has touched for DRAFT_LIFETIME, and those of expired invitations (never
    sent answers waiting to be stored); the caller commits."""
    now = now or utcnow()
    cutoff = now - DRAFT_LIFETIME
    expired = select(SurveyInvitation.id).where(
        SurveyInvitation.expires_at <= now, SurveyInvitation.status != InvitationStatus.COMPLETED.value
    )
    result = db.session.execute(
        delete(SurveyDraft).where(
            SurveyDraft.reference.is_(None),
            (SurveyDraft.updated_at < cutoff) | SurveyDraft.invitation_id.in_(expired),
        )
    )
    return result.rowcount or 0


class Outcome(enum.Enum):
    """What happened when someone pressed Submit."""

    STORED = "stored"
    ALREADY_STORED = "already-stored"  # the same answers came in twice: show the first reference
    INVITATION_USED = "invitation-used"
    INVITATION_EXPIRED = "invitation-expired"
    NO_ANSWERS = "no-answers"  # nothing to submit (draft gone or never started)
    INCOMPLETE = "incomplete"


@dataclass(frozen=True)
class SubmitResult:
    outcome: Outcome
    reference: str | None = None
    page_id: str | None = None  # for INCOMPLETE: where to go back to


def valid_answers(survey: Survey, answers: Mapping) -> dict[str, str | list[str]]:
    """The answers that are shown and allowed by the definition (unknown values dropped)."""
    kept: dict[str, str | list[str]] = {}
    for question_id, value in survey.clean(answers).items():
        question = survey.question(question_id)
        assert question is not None
        if isinstance(question, FreeTextQuestion):
            if isinstance(value, str):
                kept[question_id] = scrub(value.strip())[: question.max_length]
        elif isinstance(question, MultipleChoiceQuestion):
            allowed = question.option_values()
            chosen = [v for v in allowed if v in value] if isinstance(value, list) else []
            if chosen:
                kept[question_id] = chosen
        elif isinstance(value, str) and value in question.option_values():
            kept[question_id] = value
    return kept


@dataclass(frozen=True)
class _Stored:
    """What a submission writes besides the response row."""

    answers: list[tuple[str, str, bool, str | None, str | None, int]]  # question, value, multiple, kpi, kind, place
    comments: list[tuple[str, str]]  # question, free text waiting for moderation


def _to_store(survey: Survey, answers: Mapping) -> _Stored:
    """One answer row per value (per choice for multiple choice), a comment per free-text answer."""
    rows, comments = [], []
    for question in survey.questions():
        value = answers.get(question.id)
        items = value if isinstance(value, list) else [value] if value else []
        for position, item in enumerate(items):
            multiple = isinstance(question, MultipleChoiceQuestion)
            rows.append((question.id, item, multiple, question.kpi, question.kind, position))
            if isinstance(question, FreeTextQuestion):
                # Every free-text answer waits for an officer's decision before it can be quoted.
                comments.append((question.id, item))
    return _Stored(rows, comments)


def _claim_hash(key: str) -> str:
    """The claim a browser makes on an invitation: derived from its draft key, but not the draft's digest."""
    return digest("claim:" + key)


def _sealed_hash(key: str) -> str:
    """What a sealed draft (and the response it becomes) is found by: another digest of the key than
    the draft had while it was being answered, so a copy of the in-progress draft matches neither."""
    return digest("sealed:" + key)


def _sent_hashes(key: str) -> list[str]:
    """Every digest a sent draft or stored response of this key may carry (older ones kept the draft's own)."""
    return [_sealed_hash(key), *digests(key)]


_INVITATIONS = SurveyInvitation.__table__
#: Step 1: complete the invitation if it is still open, recording the claim.
_CLAIM = (
    update(_INVITATIONS)
    .where(
        _INVITATIONS.c.id == bindparam("b_invitation_id"),
        _INVITATIONS.c.survey_id == bindparam("b_survey_id"),
        _INVITATIONS.c.status != InvitationStatus.COMPLETED.value,
        _INVITATIONS.c.expires_at > bindparam("b_now"),
    )
    .values(status=InvitationStatus.COMPLETED.value, completed_on=bindparam("b_today"), claim_hash=bindparam("b_claim"))
)
_CLAIMED = select(_INVITATIONS.c.status, _INVITATIONS.c.claim_hash).where(
    _INVITATIONS.c.id == bindparam("b_invitation_id")
)


def _claim_invitation(
    connection: Connection, invitation_id: int, survey_id: str, claim: str, now: dt.datetime
) -> Outcome | None:
    """Step 1, in its own transaction: complete the invitation for this claim, or say why not."""
    changed = connection.execute(
        _CLAIM,
        {
            "b_invitation_id": invitation_id,
            "b_survey_id": survey_id,
            "b_now": now,
            "b_today": reporting_day(now),
            "b_claim": claim,
        },
    ).rowcount
    connection.commit()
    if changed == 1:
        return None
    found = connection.execute(_CLAIMED, {"b_invitation_id": invitation_id}).first()
    connection.rollback()
    if found is not None and found.status == InvitationStatus.COMPLETED.value:
        return None if found.claim_hash == claim else Outcome.INVITATION_USED
    return Outcome.INVITATION_EXPIRED


_DRAFTS = SurveyDraft.__table__
#: Step 2: seal an unsent draft with its reference and what to store. The returned count (of
#: the other sealed drafts: databases differ on whether RETURNING sees this one) says whether a
#: batch is due.
_SEAL = (
    update(_DRAFTS)
    .where(
        _DRAFTS.c.key_hash == bindparam("b_key_hash"),
        _DRAFTS.c.reference.is_(None),
        ~select(SurveyResponse.reference).where(SurveyResponse.reference == bindparam("b_reference")).exists(),
    )
    .values(
        reference=bindparam("b_reference"),
        payload=bindparam("b_payload"),
        updated_at=bindparam("b_now"),
        key_hash=bindparam("b_sealed_hash"),
        answers=bindparam("b_no_answers"),
        seen=bindparam("b_no_pages"),
        invitation_id=None,
        resume_key=None,
    )
    .returning(
        select(func.count())
        .select_from(_DRAFTS)
        .where(
            _DRAFTS.c.reference.is_not(None),
            _DRAFTS.c.key_hash != bindparam("b_key_hash"),
            _DRAFTS.c.key_hash != bindparam("b_sealed_hash"),
        )
        .scalar_subquery()
    )
)


def _sent_reference(connection: Connection, key: str) -> str | None:
    """The reference of a draft sent with this key, waiting in a draft or already stored."""
    hashes = _sent_hashes(key)
    found = connection.execute(
        select(SurveyDraft.reference).where(SurveyDraft.key_hash.in_(hashes), SurveyDraft.reference.is_not(None))
    ).scalar()
    if found is None:
        found = connection.execute(
            select(SurveyResponse.reference).where(SurveyResponse.submission_key.in_(hashes))
        ).scalar()
    connection.rollback()
    return found


def _payload(survey: Survey, answers: Mapping, locale: str, channel: str, now: dt.datetime) -> dict:
    to_store = _to_store(survey, valid_answers(survey, answers))
    return {
        "survey_id": survey.id,
        "survey_version": survey.version,
        "locale": locale,
        "channel": channel,
        "month": month_of(now).isoformat(),
        "answers": [list(row) for row in to_store.answers],
        "comments": [list(row) for row in to_store.comments],
    }


def submit(
    survey: Survey,
    key: str | None,
    locale: str,
    invitation_id: int | None = None,
    now: dt.datetime | None = None,
) -> SubmitResult:
    """Send the draft: claim the invitation, seal the draft, and store a batch when one is due.

    Every step commits on its own (on one connection, taken from the pool once); a retry of
    the same draft (a double click, or after a failure part way) finds its own claim and its
    own reference, so it is stored once.
    """
    now = now or utcnow()
    if not key:
        return SubmitResult(Outcome.NO_ANSWERS)
    with db.engine.connect() as connection:
        return _submit(connection, survey, key, locale, invitation_id, now)


def _submit(
    connection: Connection, survey: Survey, key: str, locale: str, invitation_id: int | None, now: dt.datetime
) -> SubmitResult:
    draft = connection.execute(
        select(
            SurveyDraft.key_hash, SurveyDraft.survey_id, SurveyDraft.answers, SurveyDraft.seen, SurveyDraft.reference
        ).where(SurveyDraft.key_hash.in_(digests(key)))
    ).first()
    connection.rollback()
    if draft is not None and draft.reference is not None:
        return SubmitResult(Outcome.ALREADY_STORED, draft.reference)
    if draft is None or draft.survey_id != survey.id:
        found = _sent_reference(connection, key)
        return SubmitResult(Outcome.ALREADY_STORED, found) if found else SubmitResult(Outcome.NO_ANSWERS)
    key_hash = draft.key_hash  # keyed, or a plain digest for a draft begun before digests were keyed
    stored = dict(draft.answers or {})
    missing = survey.first_unanswered(stored, set(draft.seen or []))
    if missing is not None:
        return SubmitResult(Outcome.INCOMPLETE, page_id=missing.id)

    if invitation_id is not None:
        refused = _claim_invitation(connection, invitation_id, survey.id, _claim_hash(key), now)
        if refused is not None:
            found = _sent_reference(connection, key)
            return SubmitResult(Outcome.ALREADY_STORED, found) if found else SubmitResult(refused)

    payload = _payload(survey, stored, locale, "invitation" if invitation_id is not None else "open", now)
    for _attempt in range(5):
        reference = new_reference()
        try:
            waiting = connection.execute(
                _SEAL,
                {
                    "b_key_hash": key_hash,
                    "b_sealed_hash": _sealed_hash(key),
                    "b_reference": reference,
                    "b_payload": payload,
                    "b_now": now,
                    "b_no_answers": {},
                    "b_no_pages": [],
                },
            ).scalar()
            connection.commit()
        except IntegrityError:  # the reference is already another draft's (rarely)
            connection.rollback()
            continue
        if waiting is None:
            # Sealed a moment ago by another click, or the reference was taken by a stored response.
            found = _sent_reference(connection, key)
            if found:
                return SubmitResult(Outcome.ALREADY_STORED, found)
            still_there = connection.execute(select(SurveyDraft.id).where(SurveyDraft.key_hash == key_hash)).first()
            connection.rollback()
            if still_there is None:  # deleted meanwhile (untouched for DRAFT_LIFETIME)
                return SubmitResult(Outcome.NO_ANSWERS)
            continue
        if waiting + 1 >= batch_size():
            try:
                store_batch(connection=connection)
            except Exception as error:  # the answers are sealed: the next batch or the daily run stores them
                connection.rollback()
                log_error(logging.getLogger(__name__), "Could not store a batch of survey responses", error)
        return SubmitResult(Outcome.STORED, reference)
    found = _sent_reference(connection, key)
    if found is not None:
        return SubmitResult(Outcome.ALREADY_STORED, found)
    raise RuntimeError("could not seal the response after five attempts")


def batch_size() -> int:
    """How many sealed drafts are stored together (the smallest group a response hides in)."""
    return max(1, int(current_app.config.get("SURVEY_RESPONSE_BATCH", 10)))


_RESPONSES = SurveyResponse.__table__
_INSERT_RESPONSES = insert(_RESPONSES)
_INSERT_ANSWERS = insert(SurveyAnswer.__table__)
_INSERT_COMMENTS = insert(Comment.__table__)
_TAKE_SEALED = (
    delete(_DRAFTS)
    .where(_DRAFTS.c.reference.is_not(None))
    .returning(_DRAFTS.c.key_hash, _DRAFTS.c.reference, _DRAFTS.c.payload)
)


def store_batch(minimum: int = 1, now: dt.datetime | None = None, connection: Connection | None = None) -> int:
    """Step 3: move every sealed draft into the responses, in random order, in one transaction.

    Does nothing when fewer than `minimum` are waiting, or (on PostgreSQL) when another
    process is storing a batch right now. Returns how many responses were stored.
    """
    if connection is None:
        with db.engine.connect() as own:
            return store_batch(minimum, now, own)
    now = now or utcnow()
    if (
        connection.dialect.name == "postgresql"
        and not connection.execute(text("SELECT pg_try_advisory_xact_lock(:lock)"), {"lock": _BATCH_LOCK}).scalar()
    ):
        connection.rollback()
        return 0
    rows = connection.execute(_TAKE_SEALED).all()
    if not rows or len(rows) < minimum:
        connection.rollback()
        return 0
    shuffle = secrets.SystemRandom().shuffle
    shuffle(rows)
    responses, answers, comments = [], [], []
    for key_hash, reference, payload in rows:
        response_id = uuid.uuid4()
        responses.append(
            {
                "id": response_id,
                "reference": reference,
                "submission_key": key_hash,
                "survey_id": payload["survey_id"],
                "survey_version": payload["survey_version"],
                "locale": payload["locale"],
                "channel": payload["channel"],
                "submitted_on": dt.date.fromisoformat(payload["month"]),
            }
        )
        for question_id, value, multiple, kpi, kind, position in payload["answers"]:
            answers.append(
                {
                    "id": uuid.uuid4(),
                    "response_id": response_id,
                    "question_id": question_id,
                    "value": value,
                    "multiple": multiple,
                    "kpi": kpi,
                    "kind": kind,
                    "position": position,
                }
            )
        for question_id, comment in payload["comments"]:
            comments.append(
                {
                    "id": uuid.uuid4(),
                    "source": "survey",
                    "source_ref": reference,
                    "question_id": question_id,
                    "text": comment,
                    "locale": payload["locale"],
                    "status": "pending",
                    "own_case": False,
                    "created_at": now,
                    "decided_by_id": None,
                    "decided_at": None,
                }
            )
    shuffle(answers)
    shuffle(comments)
    connection.execute(_INSERT_RESPONSES, responses)
    if answers:
        connection.execute(_INSERT_ANSWERS, answers)
    if comments:
        connection.execute(_INSERT_COMMENTS, comments)
    connection.commit()
    return len(rows)


def store_waiting(now: dt.datetime | None = None) -> int:
    """The daily run: store a batch if one is due, or if the oldest sealed draft has waited too long."""
    now = now or utcnow()
    oldest = db.session.scalar(select(func.min(SurveyDraft.updated_at)).where(SurveyDraft.reference.is_not(None)))
    db.session.rollback()
    if oldest is None:
        return 0
    max_wait = dt.timedelta(days=int(current_app.config.get("SURVEY_RESPONSE_MAX_WAIT_DAYS", 7)))
    return store_batch(minimum=1 if oldest <= now - max_wait else batch_size(), now=now)


def vacuum_drafts() -> None:
    """On PostgreSQL, clear deleted drafts out of the table's files (they outlive DELETE until vacuumed)."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM survey_draft"))
