"""Invitation and response rates per survey per month, for the officers' view."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..models.surveys import InvitationStatus, SurveyInvitation

#: The improvement plans' promise: every family gets a survey once the plan is final.
TARGET_SENT_PERCENT = 100


@dataclass
class MonthRates:
    """One survey's invitations for plans finalised in one month."""

    survey_id: str
    month: dt.date  # the first day of the month
    invited: int = 0
    sent: int = 0
    opened: int = 0
    completed: int = 0
    expired: int = 0

    @staticmethod
    def _percent(part: int, whole: int) -> int | None:
        return round(100 * part / whole) if whole else None

    @property
    def sent_percent(self) -> int | None:
        """Share of invitations that have gone out: the measure with the 100% target."""
        return self._percent(self.sent, self.invited)

    @property
    def opened_percent(self) -> int | None:
        return self._percent(self.opened, self.invited)

    @property
    def completed_percent(self) -> int | None:
        """The response rate."""
        return self._percent(self.completed, self.invited)


def response_rates(now: dt.datetime) -> dict[str, list[MonthRates]]:
    """survey id -> its months, newest first, counting each invitation once by how far it got."""
    rows = db.session.execute(
        select(
            SurveyInvitation.survey_id,
            SurveyInvitation.finalised_on,
            SurveyInvitation.status,
            SurveyInvitation.expires_at,
        )
    )
    table: dict[tuple[str, dt.date], MonthRates] = {}
    for survey_id, finalised_on, status, expires_at in rows:
        month = finalised_on.replace(day=1)
        rates = table.setdefault((survey_id, month), MonthRates(survey_id, month))
        rates.invited += 1
        if status != InvitationStatus.CREATED:
            rates.sent += 1
        if status in (InvitationStatus.OPENED, InvitationStatus.COMPLETED):
            rates.opened += 1
        if status == InvitationStatus.COMPLETED:
            rates.completed += 1
        elif expires_at <= now:
            rates.expired += 1
    by_survey: dict[str, list[MonthRates]] = defaultdict(list)
    for (survey_id, _month), rates in sorted(table.items(), key=lambda item: item[0][1], reverse=True):
        by_survey[survey_id].append(rates)
    return dict(by_survey)
