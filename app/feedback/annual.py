"""The survey figures of the annual "You said, we did" report, which calls `annual_figures` directly.

For each headline KPI, every answer its questions offer is counted over the year's responses:
"Yes", "No" and, only where the question has it, "Not sure"; the satisfaction scale point by
point. The report protects them with the same suppression as the dashboard and exports
(`yswd.report.figure_rows`). Each question's total is the number of families who answered it,
so totals differ between questions when some families skipped one.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .kpis import HEADLINE_KPIS, KPI_NAMES
from .records import kpi_answers


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
