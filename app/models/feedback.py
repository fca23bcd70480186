"""KPI targets set by officers, and the queries that turn stored feedback into plain records.

The analysis in `app.feedback` works on plain records; the functions here read the database
once and hand it those records: responses with their KPI answers, invitations, and free-text
comments with their moderation status (vexatious comments are left out of the analysis).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from sqlalchemy import DateTime, ForeignKey, Integer, String, and_, select, tuple_
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..feedback.analysis import CommentRecord
from ..feedback.kpis import InvitationRecord, ResponseRecord, kpi_outcome
from .moderation import Comment
from .staff import utcnow
from .surveys import InvitationStatus, SurveyAnswer, SurveyInvitation, SurveyResponse

#: Comment sources that are not a survey, shown in the survey filter under these keys.
PAGE_FEEDBACK = "page-feedback"
PAPER = "paper"


class KpiTarget(db.Model):
    """An officer's target for one KPI, as a whole percentage."""

    __tablename__ = "feedback_kpi_target"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kpi: Mapped[str] = mapped_column(String(40), unique=True)
    percent: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))

    def __repr__(self) -> str:
        return f"<KpiTarget {self.kpi} {self.percent}>"


def targets() -> dict[str, float]:
    """KPI key -> target percentage."""
    return {kpi: float(percent) for kpi, percent in db.session.execute(select(KpiTarget.kpi, KpiTarget.percent))}


def save_targets(values: Mapping[str, int | None], user_id: int | None) -> int:
    """Set, change or clear (None) targets; returns how many changed. The caller commits."""
    existing = {t.kpi: t for t in db.session.scalars(select(KpiTarget))}
    changed = 0
    for kpi, percent in values.items():
        target = existing.get(kpi)
        if percent is None:
            if target is not None:
                db.session.delete(target)
                changed += 1
        elif target is None:
            db.session.add(KpiTarget(kpi=kpi, percent=percent, updated_by_id=user_id, updated_at=utcnow()))
            changed += 1
        elif target.percent != percent:
            target.percent, target.updated_by_id, target.updated_at = percent, user_id, utcnow()
            changed += 1
    return changed


def response_records() -> list[ResponseRecord]:
    """Every stored response with the outcome of each KPI question it answered."""
    outcomes: dict[uuid.UUID, dict[str, bool | None]] = {}
    rows = db.session.execute(
        select(SurveyAnswer.response_id, SurveyAnswer.kpi, SurveyAnswer.value).where(SurveyAnswer.kpi.is_not(None))
    )
    for response_id, kpi, value in rows:
        outcomes.setdefault(response_id, {})[kpi] = kpi_outcome(value)
    responses = db.session.execute(
        select(SurveyResponse.id, SurveyResponse.submitted_on, SurveyResponse.survey_id, SurveyResponse.locale)
    )
    return [
        ResponseRecord(submitted_on, survey_id, locale, outcomes.get(response_id, {}))
        for response_id, submitted_on, survey_id, locale in responses
    ]


def invitation_records() -> list[InvitationRecord]:
    """Every invitation, dated by when the plan was finalised (as the surveys' own pages count them)."""
    rows = db.session.execute(
        select(
            SurveyInvitation.survey_id,
            SurveyInvitation.finalised_on,
            SurveyInvitation.status,
            SurveyInvitation.language,
        )
    )
    return [
        InvitationRecord(survey_id, finalised_on, status == InvitationStatus.COMPLETED.value, language or "en")
        for survey_id, finalised_on, status, language in rows
    ]


@dataclass(frozen=True, slots=True)
class QuestionText:
    """What a free-text question asked, for reading its answers (wording in English, and its kind)."""

    wording: str | None
    kind: str | None


def comment_records(questions: Mapping[tuple[str, str], QuestionText]) -> list[CommentRecord]:
    """Every comment not marked vexatious, dated and attributed to its survey where it came from one.

    `questions` maps (survey id, question id) to the question's wording and kind.
    """
    query = (
        select(Comment, SurveyResponse.survey_id, SurveyResponse.submitted_on)
        .outerjoin(
            SurveyResponse,
            and_(Comment.source == "survey", Comment.source_ref == SurveyResponse.reference),
        )
        .where(Comment.status != "vexatious")
        .order_by(Comment.id)
    )
    records = []
    for comment, survey_id, submitted_on in db.session.execute(query):
        source = survey_id or (PAGE_FEEDBACK if comment.source == "page_feedback" else PAPER)
        question = questions.get((survey_id or "", comment.question_id or ""), QuestionText(None, None))
        records.append(
            CommentRecord(
                id=comment.id,
                text=comment.text,
                submitted_on=submitted_on or comment.created_at.date(),
                survey_id=source,
                locale=comment.locale or "en",
                question=question.wording,
                kind=question.kind,
                quotable=comment.quotable,
            )
        )
    return records


@dataclass(frozen=True, slots=True)
class RawResponse:
    """One stored response as plain values, for the anonymised export."""

    reference: str
    survey_id: str
    survey_version: str
    locale: str
    channel: str
    submitted_on: dt.date


def raw_responses(batch: int = 500) -> Iterator[tuple[RawResponse, dict[str, str | list[str]]]]:
    """Every response with its answers (question id -> value, a list for multiple choice), month by month.

    Read in batches of plain rows, so memory stays flat however many responses there are.
    """
    last: tuple | None = None
    columns = (
        SurveyResponse.id,
        SurveyResponse.reference,
        SurveyResponse.survey_id,
        SurveyResponse.survey_version,
        SurveyResponse.locale,
        SurveyResponse.channel,
        SurveyResponse.submitted_on,
    )
    while True:
        query = select(*columns).order_by(SurveyResponse.submitted_on, SurveyResponse.id).limit(batch)
        if last is not None:
            query = query.where(tuple_(SurveyResponse.submitted_on, SurveyResponse.id) > last)
        page = db.session.execute(query).all()
        if not page:
            return
        ids = [row[0] for row in page]
        answers: dict[uuid.UUID, dict[str, str | list[str]]] = {}
        rows = db.session.execute(
            select(SurveyAnswer.response_id, SurveyAnswer.question_id, SurveyAnswer.value, SurveyAnswer.multiple)
            .where(SurveyAnswer.response_id.in_(ids))
            .order_by(SurveyAnswer.question_id, SurveyAnswer.position)
        )
        for response_id, question_id, value, multiple in rows:
            found = answers.setdefault(response_id, {})
            if multiple:
                chosen = found.setdefault(question_id, [])
                if isinstance(chosen, list):
                    chosen.append(value)
            else:
                found[question_id] = value
        for response_id, *values in page:
            yield RawResponse(*values), answers.get(response_id, {})
        last = (page[-1].submitted_on, ids[-1])


def approved_texts() -> set[tuple[str, str, str]]:
    """(response reference, question id, text) of every survey comment approved for quoting."""
    rows = db.session.execute(
        select(Comment.source_ref, Comment.question_id, Comment.text).where(
            Comment.source == "survey", Comment.status == "approved"
        )
    )
    return {(ref or "", question or "", text) for ref, question, text in rows}
