"""The annual Local Offer feedback report (SEND Regulations 2014, reg 56).

Each year the council publishes the comments it received about its Local Offer and its
response, identifying nobody. The report is built from the year's published entries,
grouped by theme, plus survey figures given as plain data:

    figures = [
        {"question": "Did you feel listened to?", "answer": "Yes", "count": 42, "total": 60},
        {"question": "Did you feel listened to?", "answer": "No", "count": 3, "total": 60},
        ...
    ]

`figure_rows(figures)` applies the portal's one suppression rule (`app.feedback.suppression`),
the same as the dashboard and exports: each question's answers add up to its total, so a count
under 5 hides with whatever else would give it away, and a total under 5 hides the question's
counts. The figures come from `app.feedback.annual.annual_figures`, which the report page calls.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..feedback.suppression import protect_group
from ..models.yswd import Entry
from .themes import ENTRY_THEMES


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
    def totals_differ(self) -> bool:
        """Whether the questions' totals differ (families skip questions), so the report says why."""
        return len({row.total for row in self.figures if row.total is not None}) > 1

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
        counts = [int(a["count"]) for a in answers]
        total = max(int(a.get("total") or 0) for a in answers) or sum(counts)
        hidden, total_hidden = protect_group(counts, total)
        shown_total = None if total_hidden else total
        for answer, count, is_hidden in zip(answers, counts, hidden, strict=True):
            if is_hidden:
                rows.append(FigureRow(question, str(answer["answer"]), None, None, shown_total))
            else:
                percent = round(100 * count / total) if total else None
                rows.append(FigureRow(question, str(answer["answer"]), count, percent, shown_total))
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
