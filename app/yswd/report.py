"""The annual Local Offer feedback report (SEND Regulations 2014, reg 56).

Each year the council publishes the comments it received about its Local Offer and its
response, identifying nobody. The report is built from the year's published entries,
grouped by theme, plus survey figures given as plain data:

    figures = [
        {"question": "Did you feel listened to?", "answer": "Yes", "count": 42, "total": 60},
        {"question": "Did you feel listened to?", "answer": "No", "count": 3, "total": 60},
        ...
    ]

`figure_rows(figures)` applies small-number suppression: a count under 5 is shown as
"fewer than 5" with no percentage, and when a question has exactly one such answer the
next smallest is hidden too, so it cannot be worked out from the total. Totals under 5
hide the whole question's counts.

The survey code supplies figures by registering a callable under
`app.extensions["yswd_report_figures"]`, taking a year and returning such a list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..models.yswd import Entry
from .themes import ENTRY_THEMES

#: Counts below this are never shown.
SUPPRESSION_THRESHOLD = 5


@dataclass(frozen=True)
class FigureRow:
    """One answer's figures; count and percent are None when suppressed."""

    question: str
    answer: str
    count: int | None
    percent: int | None
    total: int | None

    @property
    def suppressed(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class ThemeSection:
    theme: str
    entries: tuple[Entry, ...]

    @property
    def label(self) -> str:
        return str(ENTRY_THEMES[self.theme])


@dataclass(frozen=True)
class AnnualReport:
    year: int
    sections: tuple[ThemeSection, ...]
    figures: tuple[FigureRow, ...]

    @property
    def entry_count(self) -> int:
        return sum(len(section.entries) for section in self.sections)

    @property
    def done_count(self) -> int:
        return sum(1 for section in self.sections for entry in section.entries if entry.status == "done")


def figure_rows(figures: Iterable[Mapping]) -> list[FigureRow]:
    """Survey figures with small numbers suppressed (see the module docstring)."""
    by_question: dict[str, list[Mapping]] = {}
    for figure in figures:
        by_question.setdefault(str(figure["question"]), []).append(figure)
    rows: list[FigureRow] = []
    for question, answers in by_question.items():
        total = max(int(a.get("total") or 0) for a in answers) or sum(int(a["count"]) for a in answers)
        hidden = {i for i, a in enumerate(answers) if int(a["count"]) < SUPPRESSION_THRESHOLD}
        if total < SUPPRESSION_THRESHOLD:
            hidden = set(range(len(answers)))
        elif len(hidden) == 1 and len(answers) > 1:
            shown = sorted((int(a["count"]), i) for i, a in enumerate(answers) if i not in hidden)
            hidden.add(shown[0][1])
        for index, answer in enumerate(answers):
            count = int(answer["count"])
            if index in hidden:
                rows.append(FigureRow(question, str(answer["answer"]), None, None, None if total < 5 else total))
            else:
                percent = round(100 * count / total) if total else None
                rows.append(FigureRow(question, str(answer["answer"]), count, percent, total))
    return rows


def build_report(year: int, entries: Sequence[Entry], figures: Iterable[Mapping] = ()) -> AnnualReport:
    """The year's report: published entries by theme (in the themes' order) and suppressed figures."""
    grouped: dict[str, list[Entry]] = {}
    for entry in entries:
        grouped.setdefault(entry.theme, []).append(entry)
    sections = tuple(ThemeSection(theme, tuple(grouped[theme])) for theme in ENTRY_THEMES if theme in grouped)
    return AnnualReport(year=year, sections=sections, figures=tuple(figure_rows(figures)))


def report_years(entry_years: Iterable[int], today: dt.date) -> list[int]:
    """Years a report can be shown for: those with entries, never in the future."""
    return sorted({year for year in entry_years if year <= today.year}, reverse=True)
