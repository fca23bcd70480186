"""KPIs per month or quarter: % felt listened to, % have seen the plan, % satisfied and the response rate.

Works on plain records (ResponseRecord, InvitationRecord). The baseline of each KPI is the first
period with enough responses to show (5 or more); later periods are compared with it and with
the officers' target. Every figure goes through the small-number suppression rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from flask_babel import lazy_gettext as _l

from ..surveys.definitions import KPI_KEYS
from .suppression import Figure, count, difference, percentage

Granularity = Literal["month", "quarter"]
Status = Literal["met", "not_met", "no_target", "suppressed", "no_data"]

#: The KPIs the improvement plans promise to report, in order.
HEADLINE_KPIS: tuple[str, ...] = ("listened", "seen_plan", "satisfied")
#: The response rate's key, used for its target.
RESPONSE_RATE = "response_rate"
#: Every KPI's name: the survey definitions' measures plus the response rate.
KPI_NAMES: dict[str, object] = {**KPI_KEYS, RESPONSE_RATE: _l("Response rate")}

#: Answers that count towards a KPI ("yes", satisfied or very satisfied, easy or very easy).
POSITIVE_ANSWERS = frozenset({"yes", "4", "5", "very-easy", "easy", "satisfied", "very-satisfied"})
#: Answers that leave a response out of a KPI's base: the family could not know.
UNKNOWN_ANSWERS = frozenset({"", "dont-know", "don't know", "not-applicable", "n/a"})
STATUS_NAMES: dict[str, object] = {
    "met": _l("Target met"),
    "not_met": _l("Below target"),
    "no_target": _l("No target set"),
    "suppressed": _l("Too few responses to compare"),
    "no_data": _l("No responses"),
}


def kpi_outcome(answer: str | int | None) -> bool | None:
    """Whether an answer counts towards its KPI: True, False, or None when it is left out of the base.

    "yes", 4 or 5 on the satisfaction scale and "easy" count; "no", "not sure", "partly" and 1 to 3
    do not; no answer or "I do not know" is left out.
    """
    if answer is None:
        return None
    value = str(answer).strip().lower()
    if value in UNKNOWN_ANSWERS:
        return None
    return value in POSITIVE_ANSWERS


@dataclass(frozen=True, slots=True)
class ResponseRecord:
    """One response: when, to which survey, in which language, and its KPI outcomes."""

    submitted_on: dt.date
    survey_id: str
    locale: str
    kpis: Mapping[str, bool | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class InvitationRecord:
    """One invitation: when it was issued and whether it has been answered."""

    survey_id: str
    invited_on: dt.date
    completed: bool
    language: str = "en"


@dataclass(frozen=True, slots=True)
class Period:
    """A calendar month ("2026-03") or quarter ("2026-Q1") with its first and last days."""

    key: str
    start: dt.date
    end: dt.date
    granularity: Granularity

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@lru_cache(maxsize=4096)
def period_of(day: dt.date, granularity: Granularity) -> Period:
    """The month or calendar quarter `day` falls in."""
    if granularity == "month":
        start = day.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        return Period(f"{day.year}-{day.month:02d}", start, end, "month")
    quarter = (day.month - 1) // 3 + 1
    start = dt.date(day.year, 3 * quarter - 2, 1)
    end = (dt.date(day.year + quarter // 4, (3 * quarter) % 12 + 1, 1)) - dt.timedelta(days=1)
    return Period(f"{day.year}-Q{quarter}", start, end, "quarter")


def periods_between(first: dt.date, last: dt.date, granularity: Granularity) -> list[Period]:
    """Every period from the one containing `first` to the one containing `last`, gaps included."""
    periods = []
    current = period_of(first, granularity)
    while current.start <= last:
        periods.append(current)
        current = period_of(current.end + dt.timedelta(days=1), granularity)
    return periods


@dataclass(frozen=True, slots=True)
class KpiCell:
    """One KPI in one period: the percentage, its change since the baseline, and the target."""

    key: str
    positive: int
    base: int
    figure: Figure
    change: Figure
    target: float | None
    status: Status
    is_baseline: bool = False


@dataclass(frozen=True, slots=True)
class PeriodRow:
    """Every KPI for one period, with the responses, invitations and response rate."""

    period: Period
    responses: Figure
    invited: Figure
    completed: Figure
    response_rate: KpiCell
    kpis: dict[str, KpiCell]


@dataclass(frozen=True, slots=True)
class Baseline:
    """A KPI's baseline: the first period with enough responses to show, and its figure."""

    period: Period
    figure: Figure


@dataclass(frozen=True, slots=True)
class KpiTable:
    """KPIs period by period, the KPIs shown, the baseline of each (None: none yet), and a total row."""

    granularity: Granularity
    keys: tuple[str, ...]
    rows: tuple[PeriodRow, ...]
    baselines: dict[str, Baseline | None]
    total: PeriodRow | None


def _status(figure: Figure, target: float | None) -> Status:
    if figure.suppressed:
        return "suppressed"
    if figure.value is None:
        return "no_data"
    if target is None:
        return "no_target"
    return "met" if figure.value >= target else "not_met"


def _cell(key: str, positive: int, base: int, target: float | None, baseline: Figure | None, first: bool) -> KpiCell:
    figure = percentage(positive, base)
    change = difference(figure, baseline) if baseline is not None else Figure(None, 0, percent=True, points=True)
    return KpiCell(key, positive, base, figure, change, target, _status(figure, target), first)


def kpi_table(
    responses: Iterable[ResponseRecord],
    invitations: Iterable[InvitationRecord] = (),
    *,
    granularity: Granularity = "month",
    keys: Sequence[str] = HEADLINE_KPIS,
    targets: Mapping[str, float] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> KpiTable:
    """KPIs per period between `start` and `end` (default: the first and last dates in the data).

    The baseline of each KPI is the first period, from the start of the data (even before
    `start`), with enough responses to show. Response rate is by cohort: of the invitations
    issued in a period, the share answered so far.
    """
    targets = targets or {}
    responses = list(responses)
    invitations = list(invitations)
    dates = [r.submitted_on for r in responses] + [i.invited_on for i in invitations]
    if not dates and (start is None or end is None):
        return KpiTable(granularity, tuple(keys), (), dict.fromkeys([*keys, RESPONSE_RATE]), None)
    first = min([*dates, start]) if start and dates else (start or min(dates))
    periods = periods_between(first, end or max(dates), granularity)
    shown_from = period_of(start or first, granularity).start
    by_period: dict[str, list[ResponseRecord]] = {p.key: [] for p in periods}
    invited_by_period: dict[str, list[InvitationRecord]] = {p.key: [] for p in periods}
    for response in responses:
        key = period_of(response.submitted_on, granularity).key
        if key in by_period:
            by_period[key].append(response)
    for invitation in invitations:
        key = period_of(invitation.invited_on, granularity).key
        if key in invited_by_period:
            invited_by_period[key].append(invitation)

    baselines: dict[str, Baseline | None] = dict.fromkeys([*keys, RESPONSE_RATE])
    rows = []
    for period in periods:
        cells = {}
        for key in keys:
            positive, base = _tally(by_period[period.key], key)
            cells[key] = _measure(key, positive, base, targets, baselines, period)
        invited = invited_by_period[period.key]
        completed = sum(1 for i in invited if i.completed)
        rate = _measure(RESPONSE_RATE, completed, len(invited), targets, baselines, period)
        if period.start >= shown_from:
            responded = count(len(by_period[period.key]))
            rows.append(PeriodRow(period, responded, count(len(invited)), count(completed), rate, cells))

    shown = [row.period for row in rows]
    total = _total_row(shown, responses, invitations, keys, targets, baselines)
    return KpiTable(granularity, tuple(keys), tuple(rows), baselines, total)


def _tally(responses: Iterable[ResponseRecord], key: str) -> tuple[int, int]:
    positive = base = 0
    for response in responses:
        outcome = response.kpis.get(key)
        if outcome is None:
            continue
        base += 1
        positive += bool(outcome)
    return positive, base


def _measure(
    key: str,
    positive: int,
    base: int,
    targets: Mapping[str, float],
    baselines: dict[str, Baseline | None],
    period: Period,
) -> KpiCell:
    """A KPI cell; the first period that can be shown becomes that KPI's baseline."""
    figure = percentage(positive, base)
    first = False
    if baselines.get(key) is None and figure.value is not None:
        baselines[key] = Baseline(period, figure)
        first = True
    return _cell(key, positive, base, targets.get(key), _baseline_figure(baselines, key), first)


def _baseline_figure(baselines: Mapping[str, Baseline | None], key: str) -> Figure | None:
    baseline = baselines.get(key)
    return baseline.figure if baseline else None


def _total_row(
    periods: list[Period],
    responses: list[ResponseRecord],
    invitations: list[InvitationRecord],
    keys: Sequence[str],
    targets: Mapping[str, float],
    baselines: dict[str, Baseline | None],
) -> PeriodRow | None:
    if not periods:
        return None
    whole = Period("total", periods[0].start, periods[-1].end, periods[0].granularity)
    inside = [r for r in responses if whole.contains(r.submitted_on)]
    invited = [i for i in invitations if whole.contains(i.invited_on)]
    completed = sum(1 for i in invited if i.completed)
    cells = {}
    for key in keys:
        positive, base = _tally(inside, key)
        cells[key] = _cell(key, positive, base, targets.get(key), _baseline_figure(baselines, key), False)
    rate = _cell(
        RESPONSE_RATE,
        completed,
        len(invited),
        targets.get(RESPONSE_RATE),
        _baseline_figure(baselines, RESPONSE_RATE),
        False,
    )
    return PeriodRow(whole, count(len(inside)), count(len(invited)), count(completed), rate, cells)
