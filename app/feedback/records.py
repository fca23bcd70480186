"""The data the dashboard, exports and reports read: stored feedback as plain records.

The analysis in `app.feedback` works on plain records; the functions here read the database
once and hand it those records: responses with their KPI answers, invitations, free-text
comments with their moderation status (vexatious comments are left out of the analysis), the
answers to KPI questions for the annual report, and the anonymised raw responses.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from sqlalchemy import and_, select, tuple_

from ..clock import reporting_day
from ..extensions import db
from ..models.moderation import Comment
from ..models.surveys import InvitationStatus, SurveyAnswer, SurveyInvitation, SurveyResponse
from .analysis import CommentRecord
from .kpis import InvitationRecord, ResponseRecord, kpi_outcome

#: Comment sources that are not a survey, shown in the survey filter under these keys.
PAGE_FEEDBACK = "page-feedback"
PAPER = "paper"


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
    """Every invitation, dated by when the plan was finalised (as the surveys' own pages count them).

    A plan invited to more than one survey gives its request date (for the 20-week figure) once,
    with its first invitation that has one.
    """
    rows = db.session.execute(
        select(
            SurveyInvitation.plan_reference,
            SurveyInvitation.survey_id,
            SurveyInvitation.finalised_on,
            SurveyInvitation.status,
            SurveyInvitation.language,
            SurveyInvitation.assessment_requested_on,
            SurveyInvitation.timescale_exception,
        ).order_by(SurveyInvitation.assessment_requested_on.is_(None), SurveyInvitation.id)
    )
    counted: set[str] = set()
    records = []
    for plan, survey_id, finalised_on, status, language, requested_on, exception in rows:
        first = requested_on is not None and plan not in counted
        if first:
            counted.add(plan)
        records.append(
            InvitationRecord(
                survey_id,
                finalised_on,
                status == InvitationStatus.COMPLETED.value,
                language or "en",
                requested_on if first else None,
                bool(exception) and first,
            )
        )
    return records


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
    return [
        comment_record(comment, survey_id, submitted_on, questions)
        for comment, survey_id, submitted_on in db.session.execute(query)
    ]


def comment_record(
    comment: Comment,
    survey_id: str | None,
    submitted_on: dt.date | None,
    questions: Mapping[tuple[str, str], QuestionText],
) -> CommentRecord:
    """One stored comment as the analysis reads it, with any officer's corrections."""
    source = survey_id or (PAGE_FEEDBACK if comment.source == "page_feedback" else PAPER)
    question = questions.get((survey_id or "", comment.question_id or ""), QuestionText(None, None))
    return CommentRecord(
        id=comment.id,
        text=comment.text,
        submitted_on=submitted_on or reporting_day(comment.created_at),
        survey_id=source,
        locale=comment.locale or "en",
        question=question.wording,
        kind=question.kind,
        quotable=comment.quotable,
        corrected_sentiment=comment.corrected_sentiment,
        corrected_themes=comment.corrected_theme_keys,
    )


def survey_of(comment: Comment) -> tuple[str | None, dt.date | None]:
    """The survey a comment answered and the day its response was submitted (None for other sources)."""
    if comment.source != "survey" or not comment.source_ref:
        return None, None
    row = db.session.execute(
        select(SurveyResponse.survey_id, SurveyResponse.submitted_on).where(
            SurveyResponse.reference == comment.source_ref
        )
    ).first()
    return (row[0], row[1]) if row else (None, None)


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
            Comment.source == "survey", Comment.status == "approved", Comment.own_case.is_(False)
        )
    )
    return {(ref or "", question or "", text) for ref, question, text in rows}


@dataclass(frozen=True, slots=True)
class KpiAnswer:
    """One answer to a question that feeds a KPI."""

    kpi: str
    survey_id: str
    question_id: str
    value: str


def kpi_answers(start: dt.date, end: dt.date) -> list[KpiAnswer]:
    """Every answer to a KPI question in responses submitted from `start` to `end` (UK days, inclusive)."""
    rows = db.session.execute(
        select(SurveyAnswer.kpi, SurveyResponse.survey_id, SurveyAnswer.question_id, SurveyAnswer.value)
        .join(SurveyResponse, SurveyAnswer.response_id == SurveyResponse.id)
        .where(
            SurveyAnswer.kpi.is_not(None),
            SurveyResponse.submitted_on >= start,
            SurveyResponse.submitted_on <= end,
        )
        .order_by(SurveyAnswer.id)
    )
    return [KpiAnswer(kpi, survey_id, question_id, value) for kpi, survey_id, question_id, value in rows]
