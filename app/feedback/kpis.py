"""KPIs per month or quarter: % felt listened to, % have seen the plan, % satisfied, the response rate
and % of plans finalised within 20 weeks (from the dates officers upload with the invitations).

Works on plain records (ResponseRecord, InvitationRecord). The baseline of each KPI is the first
period with enough responses to show (5 or more); later periods are compared with it and with
the officers' target. Every figure goes through the small-number suppression rule, and the
periods are protected together with their total row (see `suppression.protect`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from flask_babel import lazy_gettext as _l

from .suppression import Figure, Line, count, difference, is_small, percentage, protect

Granularity = Literal["month", "quarter"]
Status = Literal["met", "not_met", "no_target", "suppressed", "no_data"]

#: The measures the improvement plans track; a survey question may feed one of them.
KPI_KEYS: dict[str, object] = {
    "listened": _l("Felt listened to"),
    "involved": _l("Felt involved in making the plan"),
    "contributions_reflected": _l("Education, health and care advice reflected in the plan"),
    "seen_plan": _l("Have seen the final plan"),
    "accurate": _l("The plan describes the child or young person accurately"),
    "outcomes_clear": _l("The outcomes in the plan are clear"),
    "within_20_weeks": _l("Plan finished within 20 weeks"),
    "satisfied": _l("Satisfied overall"),
    "found_information": _l("Found the information they needed"),
    "easy_to_use": _l("Found the Local Offer easy to use"),
}
#: The KPIs the improvement plans promise to report, in order.
HEADLINE_KPIS: tuple[str, ...] = ("listened", "seen_plan", "satisfied")
#: The response rate's key, used for its target.
RESPONSE_RATE = "response_rate"
#: The share of plans finalised within 20 weeks of the request for an assessment (from the
#: council's own dates on the invitations, not from answers).
TIMELINESS = "finalised_in_20_weeks"
#: The legal time limit from the request for an EHC needs assessment to the final plan
#: (SEND Regulations 2014, reg 13(2)); exceptions (reg 13(3)) are left out of the figure.
TWENTY_WEEKS = dt.timedelta(weeks=20)
#: Every KPI's name: the survey definitions' measures, the response rate and the 20-week figure.
KPI_NAMES: dict[str, object] = {
    **KPI_KEYS,
    RESPONSE_RATE: _l("Response rate"),
    TIMELINESS: _l("Plans finalised within 20 weeks (council records)"),
}

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
    """One invitation: when it was issued (the plan's final day) and whether it has been answered.

    `requested_on` (when the assessment was asked for) and `exception` feed the 20-week figure;
    each plan carries them once, however many surveys it was invited to.
    """

    survey_id: str
    invited_on: dt.date
    completed: bool
    language: str = "en"
    requested_on: dt.date | None = None
    exception: bool = False


def finalised_in_time(requested_on: dt.date, finalised_on: dt.date) -> bool:
    """True when a plan was finalised within 20 weeks of the request (exactly 20 weeks is in time)."""
    return finalised_on - requested_on <= TWENTY_WEEKS


def timeliness(invitations: Iterable[InvitationRecord]) -> tuple[int, int]:
    """(finalised in time, plans counted): plans with a request date and no documented exception."""
    in_time = counted = 0
    for invitation in invitations:
        if invitation.requested_on is None or invitation.exception:
            continue
        counted += 1
        in_time += finalised_in_time(invitation.requested_on, invitation.invited_on)
    return in_time, counted


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
    #: The period had not ended when the figures were made.
    partial: bool = False


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


def _cell(
    key: str, positive: int, base: int, target: float | None, baseline: Figure | None, first: bool, hide: bool
) -> KpiCell:
    figure = percentage(positive, base, hide)
    change = difference(figure, baseline) if baseline is not None else Figure(None, 0, percent=True, points=True)
    return KpiCell(key, positive, base, figure, change, target, _status(figure, target), first)


@dataclass(frozen=True, slots=True)
class _Tally:
    """The raw counts of one period (or of all the periods shown)."""

    responses: int
    invited: int
    completed: int
    kpis: dict[str, tuple[int, int]]  # key -> (positive, base)


def _tally_period(responses: Sequence[ResponseRecord], invited: Sequence[InvitationRecord], keys) -> _Tally:
    return _Tally(
        len(responses),
        len(invited),
        sum(1 for i in invited if i.completed),
        {k: timeliness(invited) if k == TIMELINESS else _tally(responses, k) for k in keys},
    )


def _protected(shown: Sequence[tuple[str, _Tally]], total: _Tally, keys: Sequence[str]) -> frozenset:
    """Which counts of the table to hide: each column of periods adds up to the total row."""
    values: dict = {}
    columns = ["responses", "invited", "completed"]
    for key in keys:
        columns += [f"kpi:{key}", f"yes:{key}", f"no:{key}"]

    def number(tally: _Tally, column: str) -> int:
        kind, _sep, key = column.partition(":")
        if not key:
            return getattr(tally, column)
        positive, base = tally.kpis[key]
        return {"kpi": base, "yes": positive, "no": base - positive}[kind]

    for column in columns:
        for key, tally in shown:
            values[(column, key)] = number(tally, column)
        values[(column, "total")] = number(total, column)
    lines = [Line(tuple((column, key) for key, _t in shown), (column, "total")) for column in columns]
    return protect(values, lines)


def _kpi_hidden(hidden: frozenset, key: str, period_key: str) -> bool:
    """A KPI's percentage hides with its base, and with either side of it (a percentage gives both away)."""
    return any((f"{kind}:{key}", period_key) in hidden for kind in ("kpi", "yes", "no"))


def kpi_table(
    responses: Iterable[ResponseRecord],
    invitations: Iterable[InvitationRecord] = (),
    *,
    granularity: Granularity = "month",
    keys: Sequence[str] = HEADLINE_KPIS,
    targets: Mapping[str, float] | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    today: dt.date | None = None,
) -> KpiTable:
    """KPIs per period between `start` and `end` (default: the first and last dates in the data).

    The baseline of each KPI is the first period, from the start of the data (even before
    `start`), with a figure that can be shown. Response rate is by cohort: of the invitations
    issued in a period, the share answered so far. The periods shown and their total row are
    protected together (see `suppression.protect`): a KPI's percentage hides with its base or
    when fewer than 5 answered either way (83% of 6 would say that one family did not), and the
    response rate with the invitations or completions it comes from. A period that has not
    ended by `today` is marked partial.
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

    tallies = {p.key: _tally_period(by_period[p.key], invited_by_period[p.key], keys) for p in periods}
    shown_periods = [p for p in periods if p.start >= shown_from]
    whole = Period("total", shown_periods[0].start, shown_periods[-1].end, granularity) if shown_periods else None
    inside = [r for r in responses if whole and whole.contains(r.submitted_on)]
    invited_inside = [i for i in invitations if whole and whole.contains(i.invited_on)]
    total = _tally_period(inside, invited_inside, keys)
    hidden = _protected([(p.key, tallies[p.key]) for p in shown_periods], total, keys)

    def hides(column: str, period_key: str) -> bool:
        return (column, period_key) in hidden

    baselines: dict[str, Baseline | None] = dict.fromkeys([*keys, RESPONSE_RATE])
    rows = []
    for period in periods:
        tally = tallies[period.key]
        shown = period.start >= shown_from
        cells = {}
        for key in keys:
            positive, base = tally.kpis[key]
            hide = _kpi_hidden(hidden, key, period.key) if shown else is_small(positive) or is_small(base - positive)
            cells[key] = _measure(key, positive, base, targets, baselines, period, hide)
        rate_hidden = shown and (hides("invited", period.key) or hides("completed", period.key))
        rate = _measure(RESPONSE_RATE, tally.completed, tally.invited, targets, baselines, period, rate_hidden)
        if shown:
            rows.append(
                PeriodRow(
                    period,
                    count(tally.responses, hides("responses", period.key)),
                    count(tally.invited, hides("invited", period.key)),
                    count(tally.completed, hides("completed", period.key)),
                    rate,
                    cells,
                    partial=today is not None and period.end >= today,
                )
            )

    total_row = None
    if whole is not None:
        total_cells = {
            key: _cell(
                key,
                *total.kpis[key],
                targets.get(key),
                _baseline_figure(baselines, key),
                False,
                _kpi_hidden(hidden, key, "total"),
            )
            for key in keys
        }
        total_rate = _cell(
            RESPONSE_RATE,
            total.completed,
            total.invited,
            targets.get(RESPONSE_RATE),
            _baseline_figure(baselines, RESPONSE_RATE),
            False,
            hides("invited", "total") or hides("completed", "total"),
        )
        total_row = PeriodRow(
            whole,
            count(total.responses, hides("responses", "total")),
            count(total.invited, hides("invited", "total")),
            count(total.completed, hides("completed", "total")),
            total_rate,
            total_cells,
            partial=today is not None and whole.end >= today,
        )
    return KpiTable(granularity, tuple(keys), tuple(rows), baselines, total_row)


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
    hide: bool,
) -> KpiCell:
    """A KPI cell; the first period whose figure can be shown becomes that KPI's baseline."""
    figure = percentage(positive, base, hide)
    first = False
    if baselines.get(key) is None and figure.value is not None:
        baselines[key] = Baseline(period, figure)
        first = True
    return _cell(key, positive, base, targets.get(key), _baseline_figure(baselines, key), first, hide)


def _baseline_figure(baselines: Mapping[str, Baseline | None], key: str) -> Figure | None:
    baseline = baselines.get(key)
    return baseline.figure if baseline else None


def latest_complete(table: KpiTable, key: str) -> int | None:
    """The index of the headline row for a KPI: the last complete period with responses (else the last with any)."""
    cells = [(i, row.response_rate if key == RESPONSE_RATE else row.kpis[key]) for i, row in enumerate(table.rows)]
    with_data = [i for i, cell in cells if cell.base > 0]
    complete = [i for i in with_data if not table.rows[i].partial]
    if complete:
        return complete[-1]
    return with_data[-1] if with_data else None
