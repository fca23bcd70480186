"""The tables shown on the dashboard, and exported as CSV, XLSX and JSON, built once from the analysis.

Every table is a `Table` of typed columns; the dashboard, every export format and the report
render the same objects, so the figures cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from flask_babel import lazy_gettext as _l

from .analysis import FeedbackSummary
from .kpis import KPI_NAMES, RESPONSE_RATE, STATUS_NAMES, KpiCell, KpiTable, Period, PeriodRow, latest_complete
from .sentiment import LABELS
from .suppression import Figure
from .themes import theme_name

ColumnKind = Literal["text", "count", "percent", "points", "number", "date", "month"]
Cell = str | int | float | dt.date | Figure | None

SENTIMENT_NAMES: dict[str, object] = {
    "positive": _l("Positive"),
    "neutral": _l("Neutral"),
    "negative": _l("Negative"),
}
#: The order tables appear in on the dashboard and in the workbook, with their titles.
TABLE_TITLES: dict[str, object] = {
    "targets": _l("KPIs against targets"),
    "kpis": _l("KPIs by period"),
    "sentiment": _l("Sentiment of comments"),
    "sentiment_trend": _l("Sentiment by period"),
    "themes": _l("Themes"),
    "quotes": _l("Quotes by theme"),
}


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its key (used in JSON and CSV headers), its heading, and the kind of value it holds."""

    key: str
    label: str
    kind: ColumnKind = "text"


@dataclass(frozen=True, slots=True)
class Table:
    """A titled table of typed columns."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def column(self, key: str) -> list[Cell]:
        """Every value in one column."""
        index = [c.key for c in self.columns].index(key)
        return [row[index] for row in self.rows]


PeriodLabel = Callable[[Period], str]


def _status_text(cell: KpiCell) -> str:
    return str(STATUS_NAMES[cell.status])


def partial_label(label: str, partial: bool) -> str:
    """A period's label, marked when the period had not ended when the figures were made."""
    return str(_l("%(period)s (partial)", period=label)) if partial else label


def row_label(row: PeriodRow, period_label: PeriodLabel) -> str:
    """A KPI table row's label: the period (marked when partial), or "All periods"."""
    if row.period.key == "total":
        return str(_l("All periods"))
    return partial_label(period_label(row.period), row.partial)


def headline_index(table: KpiTable, key: str, headline: str | None = None) -> int | None:
    """The row a KPI's headline figure comes from: the period chosen, else the last complete one with responses."""
    if headline:
        chosen = next((i for i, row in enumerate(table.rows) if row.period.key == headline), None)
        if chosen is not None:
            return chosen
    return latest_complete(table, key)


def targets_table(table: KpiTable, period_label: PeriodLabel, headline: str | None = None) -> Table:
    """Each KPI and the response rate: baseline, headline period, change, target and status.

    The headline period is the one the officer chose, else the last complete period with
    responses: a month four days old is never the headline unless it is all there is, and then
    it is labelled partial.
    """
    columns = (
        Column("kpi", str(_l("KPI"))),
        Column("baseline_period", str(_l("Baseline period"))),
        Column("baseline", str(_l("Baseline (%)")), "percent"),
        Column("latest_period", str(_l("Headline period"))),
        Column("latest", str(_l("Headline (%)")), "percent"),
        Column("change", str(_l("Change since baseline (percentage points)")), "points"),
        Column("target", str(_l("Target (%)")), "percent"),
        Column("status", str(_l("Against target"))),
    )
    rows = []
    for key in (*table.keys, RESPONSE_RATE):
        cells = [row.response_rate if key == RESPONSE_RATE else row.kpis[key] for row in table.rows]
        index = headline_index(table, key, headline)
        latest = cells[index] if index is not None else None
        baseline = table.baselines.get(key)
        rows.append(
            (
                str(KPI_NAMES.get(key, key)),
                period_label(baseline.period) if baseline else "",
                baseline.figure if baseline else None,
                row_label(table.rows[index], period_label) if index is not None else "",
                latest.figure if latest else None,
                latest.change if latest else None,
                Figure(cells[0].target, 0, percent=True) if cells and cells[0].target is not None else None,
                _status_text(latest) if latest else str(STATUS_NAMES["no_data"]),
            )
        )
    return Table("targets", str(TABLE_TITLES["targets"]), columns, tuple(rows))


def kpi_period_table(table: KpiTable, period_label: PeriodLabel) -> Table:
    """One row per period (and one for the whole range): responses, invitations, response rate and each KPI."""
    columns = [
        Column("period", str(_l("Period"))),
        Column("responses", str(_l("Responses")), "count"),
        Column("invited", str(_l("Invited")), "count"),
        Column("completed", str(_l("Completed")), "count"),
        Column(RESPONSE_RATE, str(_l("Response rate (%)")), "percent"),
    ]
    columns += [Column(key, str(_l("%(kpi)s (%%)", kpi=KPI_NAMES.get(key, key))), "percent") for key in table.keys]
    rows = []
    all_rows = [*table.rows, table.total] if table.total else list(table.rows)
    for row in all_rows:
        rows.append(
            (
                row_label(row, period_label),
                row.responses,
                row.invited,
                row.completed,
                row.response_rate.figure,
                *(row.kpis[key].figure for key in table.keys),
            )
        )
    return Table("kpis", str(TABLE_TITLES["kpis"]), tuple(columns), tuple(rows))


def sentiment_table(summary: FeedbackSummary) -> Table:
    """Comments by sentiment."""
    columns = (
        Column("sentiment", str(_l("Sentiment"))),
        Column("comments", str(_l("Comments")), "count"),
        Column("share", str(_l("Share of comments (%)")), "percent"),
        Column("corrected", str(_l("Of which an officer corrected the labels")), "count"),
    )
    # Officers' corrections count staff actions, not families' answers, so they are shown as they are.
    corrected = summary.corrected_labels
    rows = [
        (
            str(SENTIMENT_NAMES[label]),
            summary.split.counts[label],
            summary.split.shares[label],
            Figure(corrected.get(label, 0), corrected.get(label, 0)),
        )
        for label in LABELS
    ]
    rows.append((str(_l("All comments")), summary.comments, None, Figure(summary.corrected, summary.corrected)))
    return Table("sentiment", str(TABLE_TITLES["sentiment"]), columns, tuple(rows))


def sentiment_trend_table(summary: FeedbackSummary, period_label: PeriodLabel, today: dt.date | None = None) -> Table:
    """Comments by sentiment, period by period."""
    columns = [Column("period", str(_l("Period"))), Column("comments", str(_l("Comments")), "count")]
    columns += [Column(label, str(SENTIMENT_NAMES[label]), "count") for label in LABELS]
    columns += [
        Column(f"{label}_share", str(_l("%(sentiment)s (%%)", sentiment=SENTIMENT_NAMES[label])), "percent")
        for label in LABELS
    ]
    rows = [
        (
            partial_label(period_label(period), today is not None and period.end >= today),
            split.total,
            *(split.counts[label] for label in LABELS),
            *(split.shares[label] for label in LABELS),
        )
        for period, split in summary.trend
    ]
    return Table("sentiment_trend", str(TABLE_TITLES["sentiment_trend"]), tuple(columns), tuple(rows))


def themes_table(summary: FeedbackSummary) -> Table:
    """Each theme mentioned: comments, share, sentiment counts and average polarity."""
    columns = (
        Column("theme", str(_l("Theme"))),
        Column("comments", str(_l("Comments")), "count"),
        Column("share", str(_l("Share of comments (%)")), "percent"),
        *(Column(label, str(SENTIMENT_NAMES[label]), "count") for label in LABELS),
        Column("polarity", str(_l("Average polarity (-1 to 1)")), "number"),
    )
    rows = [
        (
            theme_name(row.key),
            row.comments,
            row.share,
            *(row.split.counts[label] for label in LABELS),
            row.mean_polarity,
        )
        for row in summary.themes
        if row.comments.base > 0
    ]
    return Table("themes", str(TABLE_TITLES["themes"]), columns, tuple(rows))


def quotes_table(summary: FeedbackSummary) -> Table:
    """The representative quotes, redacted, with their theme, sentiment and month."""
    columns = (
        Column("theme", str(_l("Theme"))),
        Column("sentiment", str(_l("Sentiment"))),
        Column("quote", str(_l("Quote (personal details removed)"))),
        Column("month", str(_l("Month")), "month"),
    )
    rows = [
        (theme_name(row.key), str(SENTIMENT_NAMES[quote.label]), quote.text, quote.submitted_on.replace(day=1))
        for row in summary.themes
        for quote in row.quotes
    ]
    return Table("quotes", str(TABLE_TITLES["quotes"]), columns, tuple(rows))


def dashboard_tables(
    kpis: KpiTable,
    summary: FeedbackSummary,
    period_label: PeriodLabel,
    *,
    today: dt.date | None = None,
    headline: str | None = None,
) -> dict[str, Table]:
    """Every table on the dashboard, by name, in display order."""
    tables = [
        targets_table(kpis, period_label, headline),
        kpi_period_table(kpis, period_label),
        sentiment_table(summary),
        sentiment_trend_table(summary, period_label, today),
        themes_table(summary),
        quotes_table(summary),
    ]
    return {table.name: table for table in tables}
