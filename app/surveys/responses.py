"""Answers between pages (drafts) and storing a response, once, in one transaction.

A person's browser session holds a random draft key; the draft row holds the answers.
Submitting takes the draft (DELETE ... RETURNING, so a second submission of the same draft
waits, then finds nothing), marks the invitation completed with a conditional UPDATE, and
stores the response with the digest of the draft key as a unique `submission_key`, its
answers and a moderation entry for each free-text answer, all in one transaction. A double
click, a resubmission or two browsers using the same link therefore store exactly one
response.

Submitting is the busiest write in the portal, so it uses few round trips: see
bench/README.md for what each costs.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from ..clock import reporting_day
from ..extensions import db
from ..models.moderation import Comment
from ..models.surveys import InvitationStatus, SurveyAnswer, SurveyDraft, SurveyInvitation, SurveyResponse, utcnow
from .definitions import FreeTextQuestion, MultipleChoiceQuestion, Survey
from .invitations import digest

#: Letters and digits for confirmation references, without look-alikes.
REFERENCE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
REFERENCE_LENGTH = 8
#: Drafts untouched for this long are deleted by `flask surveys purge-drafts`.
DRAFT_LIFETIME = dt.timedelta(days=30)

_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE_RE = re.compile(r"(?<!\w)(\+44\s?|0)(\d[\s-]?){9,10}(?!\w)")


def scrub(text: str) -> str:
    """Remove email addresses and phone numbers someone typed in by mistake."""
    text = _EMAIL_RE.sub("[email removed]", text)
    return _PHONE_RE.sub("[phone number removed]", text)


def new_draft_key() -> str:
    return secrets.token_urlsafe(24)


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def load_draft(key: str | None) -> SurveyDraft | None:
    if not key:
        return None
    return db.session.scalar(select(SurveyDraft).where(SurveyDraft.key_hash == digest(key)))


def draft_answers(key: str | None) -> tuple[dict, set[str]]:
    """The answers and pages seen so far for a draft key (empty when there is none)."""
    draft = load_draft(key)
    if draft is None:
        return {}, set()
    return dict(draft.answers or {}), set(draft.seen or [])


def save_page(key: str, survey: Survey, page_id: str, values: Mapping[str, str | list[str] | None]) -> None:
    """Store one page's answers in the draft, creating the draft on the first page; the caller commits."""
    draft = load_draft(key)
    if draft is None:
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
    """Delete drafts nobody has touched for DRAFT_LIFETIME; the caller commits."""
    cutoff = (now or utcnow()) - DRAFT_LIFETIME
    result = db.session.execute(delete(SurveyDraft).where(SurveyDraft.updated_at < cutoff))
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


def _existing(key_hash: str) -> SurveyResponse | None:
    return db.session.scalar(select(SurveyResponse).where(SurveyResponse.submission_key == key_hash))


# The statements of a submission, built once: each run only binds its parameters.
_DRAFTS = SurveyDraft.__table__
_INVITATIONS = SurveyInvitation.__table__
_RESPONSES = SurveyResponse.__table__

#: Take the draft: on PostgreSQL the DELETE locks the row, so a second submission of the same
#: draft waits, then finds nothing; SQLite serialises writers. Rolling back puts it back.
_TAKE_DRAFT = (
    delete(_DRAFTS)
    .where(_DRAFTS.c.key_hash == bindparam("key_hash"))
    .returning(_DRAFTS.c.survey_id, _DRAFTS.c.answers, _DRAFTS.c.seen)
)
#: Complete the invitation if it is still open: a second browser using the same link waits
#: for the first, then matches nothing.
_COMPLETE_INVITATION = (
    update(_INVITATIONS)
    .where(
        _INVITATIONS.c.id == bindparam("b_invitation_id"),
        _INVITATIONS.c.survey_id == bindparam("b_survey_id"),
        _INVITATIONS.c.status != InvitationStatus.COMPLETED.value,
        _INVITATIONS.c.expires_at > bindparam("b_now"),
    )
    .values(status=InvitationStatus.COMPLETED.value, completed_on=bindparam("b_today"))
)
_INSERT_RESPONSE = insert(_RESPONSES).returning(_RESPONSES.c.id)
#: The response's columns that a submission's parameters carry under the same names.
_RESPONSE_FIELDS = ("reference", "submission_key", "survey_id", "survey_version", "locale", "channel")
_INSERT_ANSWERS = insert(SurveyAnswer.__table__)
_INSERT_COMMENTS = insert(Comment.__table__)


@dataclass(frozen=True)
class _Stored:
    """What a submission writes besides the response row."""

    answers: list[tuple[str, str, bool, str | None, str | None]]  # question, value, multiple, kpi, kind
    comments: list[tuple[str, str]]  # question, free text waiting for moderation


def _to_store(survey: Survey, answers: Mapping) -> _Stored:
    """One answer row per value (per choice for multiple choice), a comment per free-text answer."""
    rows, comments = [], []
    for question in survey.questions():
        value = answers.get(question.id)
        for item in value if isinstance(value, list) else [value] if value else []:
            rows.append((question.id, item, isinstance(question, MultipleChoiceQuestion), question.kpi, question.kind))
            if isinstance(question, FreeTextQuestion):
                # Every free-text answer waits for an officer's decision before it can be quoted.
                comments.append((question.id, item))
    return _Stored(rows, comments)


#: On PostgreSQL the rest of a submission is one statement: complete the invitation (if any),
#: then insert the response, its answers and its comments, from arrays. No row back: the
#: invitation was already used or has expired.
_STORE_POSTGRESQL = text(
    """
    WITH invitation AS (
        UPDATE survey_invitation SET status = :completed, completed_on = :today
        WHERE id = :invitation_id AND survey_id = :survey_id AND status <> :completed AND expires_at > :now
        RETURNING id
    ), response AS (
        INSERT INTO survey_response (reference, submission_key, survey_id, survey_version, locale, channel,
                                     submitted_on)
        SELECT :reference, :submission_key, :survey_id, :survey_version, :locale, :channel, :today
        WHERE CAST(:invitation_id AS integer) IS NULL OR EXISTS (SELECT 1 FROM invitation)
        RETURNING id
    ), answers AS (
        INSERT INTO survey_answer (response_id, question_id, value, multiple, kpi, kind)
        SELECT response.id, a.question_id, a.value, a.multiple, a.kpi, a.kind
        FROM response, unnest(CAST(:a_question AS text[]), CAST(:a_value AS text[]),
                              CAST(:a_multiple AS boolean[]), CAST(:a_kpi AS text[]), CAST(:a_kind AS text[]))
             AS a(question_id, value, multiple, kpi, kind)
    ), comments AS (
        INSERT INTO moderation_comment (source, source_ref, question_id, text, locale, status, created_at)
        SELECT 'survey', :reference, c.question_id, c.text, :locale, 'pending', :now
        FROM response, unnest(CAST(:c_question AS text[]), CAST(:c_text AS text[])) AS c(question_id, text)
    )
    SELECT id FROM response
    """
)


def _store(connection, to_store: _Stored, params: dict, invitation_id: int | None) -> bool:
    """Write the response and all that goes with it; False when the invitation can no longer be used."""
    if connection.dialect.name == "postgresql":
        return _store_in_one_statement(connection, to_store, params, invitation_id)
    return _store_statement_by_statement(connection, to_store, params, invitation_id)


def _store_in_one_statement(connection, to_store: _Stored, params: dict, invitation_id: int | None) -> bool:
    """PostgreSQL: the answers and comments go in as one array a column."""
    answers = list(zip(*to_store.answers, strict=True)) or [(), (), (), (), ()]
    comments = list(zip(*to_store.comments, strict=True)) or [(), ()]
    row = connection.execute(
        _STORE_POSTGRESQL,
        {
            **params,
            "completed": InvitationStatus.COMPLETED.value,
            "invitation_id": invitation_id,
            "a_question": list(answers[0]),
            "a_value": list(answers[1]),
            "a_multiple": list(answers[2]),
            "a_kpi": list(answers[3]),
            "a_kind": list(answers[4]),
            "c_question": list(comments[0]),
            "c_text": list(comments[1]),
        },
    ).first()
    return row is not None


def _store_statement_by_statement(connection, to_store: _Stored, params: dict, invitation_id: int | None) -> bool:
    """Other databases (SQLite): the invitation, the response, its answers, its comments."""
    if invitation_id is not None:
        changed = connection.execute(
            _COMPLETE_INVITATION,
            {
                "b_invitation_id": invitation_id,
                "b_survey_id": params["survey_id"],
                "b_now": params["now"],
                "b_today": params["today"],
            },
        ).rowcount
        if changed != 1:
            return False
    response_id = connection.execute(
        _INSERT_RESPONSE,
        {
            **{name: params[name] for name in _RESPONSE_FIELDS},
            "submitted_on": params["today"],
        },
    ).scalar_one()
    if to_store.answers:
        connection.execute(
            _INSERT_ANSWERS,
            [
                {"response_id": response_id, "question_id": q, "value": v, "multiple": m, "kpi": k, "kind": kind}
                for q, v, m, k, kind in to_store.answers
            ],
        )
    if to_store.comments:
        connection.execute(
            _INSERT_COMMENTS,
            [
                {
                    "source": "survey",
                    "source_ref": params["reference"],
                    "question_id": q,
                    "text": t,
                    "locale": params["locale"],
                    "status": "pending",
                    "created_at": params["now"],
                    "decided_by_id": None,
                    "decided_at": None,
                }
                for q, t in to_store.comments
            ],
        )
    return True


def submit(
    survey: Survey,
    key: str | None,
    locale: str,
    invitation_id: int | None = None,
    now: dt.datetime | None = None,
) -> SubmitResult:
    """Store the draft as a response, exactly once, in one transaction.

    Take (delete) the draft, then complete the invitation and insert the response, its answers
    and its comments: one statement on PostgreSQL, four elsewhere. Anything short of storing
    rolls back, keeping the draft.
    """
    now = now or utcnow()
    if not key:
        return SubmitResult(Outcome.NO_ANSWERS)
    key_hash = digest(key)
    for _attempt in range(3):
        try:
            connection = db.session.connection()
            draft = connection.execute(_TAKE_DRAFT, {"key_hash": key_hash}).first()
            if draft is None or draft.survey_id != survey.id:
                db.session.rollback()
                # The same answers may have been stored a moment ago by a second click.
                found = _existing(key_hash)
                if found is not None:
                    return SubmitResult(Outcome.ALREADY_STORED, found.reference)
                return SubmitResult(Outcome.NO_ANSWERS)
            stored = dict(draft.answers or {})
            missing = survey.first_unanswered(stored, set(draft.seen or []))
            if missing is not None:
                db.session.rollback()
                return SubmitResult(Outcome.INCOMPLETE, page_id=missing.id)
            to_store = _to_store(survey, valid_answers(survey, stored))
            reference = new_reference()
            params = {
                "reference": reference,
                "submission_key": key_hash,
                "survey_id": survey.id,
                "survey_version": survey.version,
                "locale": locale,
                "channel": "invitation" if invitation_id is not None else "open",
                "now": now,
                "today": reporting_day(now),
            }
            if not _store(connection, to_store, params, invitation_id):
                db.session.rollback()
                found = _existing(key_hash)
                if found is not None:
                    return SubmitResult(Outcome.ALREADY_STORED, found.reference)
                invitation = db.session.get(SurveyInvitation, invitation_id)
                if invitation is not None and invitation.status != InvitationStatus.COMPLETED.value:
                    return SubmitResult(Outcome.INVITATION_EXPIRED)
                return SubmitResult(Outcome.INVITATION_USED)
            db.session.commit()
            return SubmitResult(Outcome.STORED, reference)
        except IntegrityError:
            # The reference was taken (rarely), or the same answers were stored at the same moment.
            db.session.rollback()
    found = _existing(key_hash)
    if found is not None:
        return SubmitResult(Outcome.ALREADY_STORED, found.reference)
    raise RuntimeError("could not store the response after three attempts")
