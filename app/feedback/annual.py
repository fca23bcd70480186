"""The survey figures of the annual "You said, we did" report, which calls `annual_figures` directly.

For each headline KPI, every answer its questions offer is counted over the year's responses:
"Yes", "No" and, only where the question has it, "Not sure"; the satisfaction scale point by
point. The report protects them with the same suppression as the dashboard and exports
(`yswd.report.figure_rows`). Each question's total is the number of families who answered it,
so totals differ between questions when some families skipped one.

Beside them, `annual_timeliness` gives the share of the year's plans finalised within 20 weeks
of the request for an assessment, month by month and quarter by quarter, against its target,
from the dates officers upload with the invitations (never from answers).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .kpis import HEADLINE_KPIS, KPI_NAMES, TIMELINESS, KpiTable, kpi_table
from .records import invitation_records, kpi_answers


@dataclass(frozen=True, slots=True)
class KpiQuestion:
    """A survey question that feeds a KPI, with its answers in the order they are offered: (value, label)."""

    kpi: str | None
    options: tuple[tuple[str, str], ...]


def annual_figures(
    year: int, questions: Mapping[tuple[str, str], KpiQuestion], keys: Sequence[str] = HEADLINE_KPIS
) -> list[dict]:
    """The headline KPIs' answers for one calendar year (UK days), as the report takes them.

    `questions` maps (survey id, question id) to the question's KPI and its answers. An answer is
    listed only when a question feeding that KPI offers it; answers no longer offered (an older
    version of a survey) are listed under their stored value.
    """
    answers = kpi_answers(dt.date(year, 1, 1), dt.date(year, 12, 31))
    figures = []
    for key in keys:
        options: dict[str, str] = {}
        for question in questions.values():
            if question.kpi == key:
                for value, label in question.options:
                    options.setdefault(value, label)
        counted = Counter(a.value for a in answers if a.kpi == key)
        for value in counted:
            options.setdefault(value, value)
        total = sum(counted.values())
        if not total:
            continue
        for value, label in options.items():
            figures.append({"question": str(KPI_NAMES[key]), "answer": label, "count": counted[value], "total": total})
    return figures


def annual_timeliness(year: int, targets: Mapping[str, float] | None = None) -> dict[str, KpiTable] | None:
    """The 20-week figure for each month and each quarter of `year` (with a total row), or None when
    no plan finalised that year has a request date."""
    invited = invitation_records()
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if not any(i.requested_on is not None and first <= i.invited_on <= last for i in invited):
        return None
    return {
        granularity: kpi_table(
            (), invited, granularity=granularity, keys=(TIMELINESS,), targets=targets, start=first, end=last
        )
        for granularity in ("month", "quarter")
    }
