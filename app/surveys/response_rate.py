"""The response rate: invited, sent, reminded, opened and completed, per month and per language.

Counted from the invitations only (never from responses, which are not linked to them), by the
month the plan was finalised, against the target that every family is sent a survey. Small
numbers go through the portal's one suppression rule (`feedback.suppression`): counts of 1 to
4 are not shown, and months and languages add up to the same total row, so they are protected
together so that no hidden figure can be worked out by subtraction.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..feedback.suppression import Figure, Line, count, protect, share
from ..models.surveys import InvitationStatus, SurveyInvitation
from .stats import TARGET_SENT_PERCENT

#: The stages an invitation goes through, in order, with their column headings.
STAGES = ("invited", "sent", "reminded", "opened", "completed")
STAGE_LABELS = {
    "invited": _l("Invited"),
    "sent": _l("Sent"),
    "reminded": _l("Reminded"),
    "opened": _l("Opened"),
    "completed": _l("Completed"),
}
TOTAL = "total"


@dataclass
class RateRow:
    """One month, one language or the total: each stage's count and its share of those invited."""

    key: object
    counts: Counter = field(default_factory=Counter)
    figures: dict[str, Figure] = field(default_factory=dict)
    shares: dict[str, Figure] = field(default_factory=dict)

    @property
    def on_target(self) -> bool | None:
        """Whether every invited family was sent the survey (None when that share is not shown)."""
        sent = self.shares.get("sent")
        if sent is None or sent.value is None:
            return None
        return sent.value >= TARGET_SENT_PERCENT


@dataclass
class ResponseRate:
    """The response-rate tables of one survey (or all)."""

    months: list[RateRow]
    languages: list[RateRow]
    total: RateRow
    target: int = TARGET_SENT_PERCENT


def _stages(status: str, reminders_sent: int) -> list[str]:
    reached = ["invited"]
    if status != InvitationStatus.CREATED:
        reached.append("sent")
    if reminders_sent:
        reached.append("reminded")
    if status in (InvitationStatus.OPENED, InvitationStatus.COMPLETED):
        reached.append("opened")
    if status == InvitationStatus.COMPLETED:
        reached.append("completed")
    return reached


def response_rate(survey_id: str | None = None) -> ResponseRate:
    """Every stage per month (newest first) and per language, with the total, suppressed together."""
    query = select(
        SurveyInvitation.finalised_on,
        SurveyInvitation.language,
        SurveyInvitation.status,
        SurveyInvitation.reminders_sent,
    )
    if survey_id:
        query = query.where(SurveyInvitation.survey_id == survey_id)
    months: dict[dt.date, RateRow] = {}
    languages: dict[str, RateRow] = {}
    total = RateRow(TOTAL)
    for finalised_on, language, status, reminders_sent in db.session.execute(query):
        month = finalised_on.replace(day=1)
        for row in (
            months.setdefault(month, RateRow(month)),
            languages.setdefault(language, RateRow(language)),
            total,
        ):
            row.counts.update(_stages(status, reminders_sent or 0))
    month_rows = [months[key] for key in sorted(months, reverse=True)]
    language_rows = [languages[key] for key in sorted(languages)]
    _suppress(month_rows, language_rows, total)
    return ResponseRate(month_rows, language_rows, total)


def _suppress(month_rows: list[RateRow], language_rows: list[RateRow], total: RateRow) -> None:
    """Fill each row's figures: small counts hidden, and months and languages protected with the total."""
    values: dict[tuple, int] = {}
    for group, rows in (("month", month_rows), ("language", language_rows)):
        for row in rows:
            for stage in STAGES:
                values[(group, row.key, stage)] = row.counts[stage]
    for stage in STAGES:
        values[(TOTAL, stage)] = total.counts[stage]
    lines = [
        Line(tuple((group, row.key, stage) for row in rows), (TOTAL, stage))
        for group, rows in (("month", month_rows), ("language", language_rows))
        for stage in STAGES
    ]
    hidden = protect(values, lines)
    for group, rows in (("month", month_rows), ("language", language_rows), (TOTAL, [total])):
        for row in rows:
            keys = {stage: (TOTAL, stage) if group == TOTAL else (group, row.key, stage) for stage in STAGES}
            invited_hidden = keys["invited"] in hidden
            for stage in STAGES:
                is_hidden = keys[stage] in hidden
                row.figures[stage] = count(row.counts[stage], hide=is_hidden)
                if stage != "invited":
                    row.shares[stage] = share(
                        row.counts[stage], row.counts["invited"], hide=is_hidden or invited_hidden
                    )
