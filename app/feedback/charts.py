"""Charts drawn on the server with matplotlib (SVG), for the dashboard and the report.

Each chart is drawn from the analysis results a view has already built (a `KpiTable` and a
`FeedbackSummary`), never by querying again, and has a data table beside it on the page.
Suppressed figures are never drawn as their value: a KPI line has a gap, and the part of a
stacked bar that is not shown is drawn as its own grey, hatched "not shown" segment, so every
bar still reaches its total. Labels come in already translated.

No pyplot and no rcParams: each chart is its own `Figure` with its style passed to each call,
so charts drawn at the same time in different threads cannot change one another.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

from .analysis import FeedbackSummary, SentimentSplit
from .dashboard import View, period_label
from .kpis import KPI_NAMES, RESPONSE_RATE, KpiTable, Period
from .sentiment import LABELS
from .tables import SENTIMENT_NAMES, partial_label
from .themes import theme_name

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Colours from the GOV.UK palette, chosen to stay distinguishable with common colour blindness.
SENTIMENT_COLOURS = {"positive": "#1d70b8", "neutral": "#b1b4b6", "negative": "#f47738"}
SERIES_COLOURS = ("#1d70b8", "#f47738", "#4c2c92", "#00703c", "#d53880", "#28a197")
TEXT_COLOUR = "#0b0c0c"
EDGE_COLOUR = "#505a5f"
#: The "not shown" part of a bar: white with grey hatching, so it reads as missing, not as a value.
HIDDEN_COLOUR = "#ffffff"
HIDDEN_HATCH = "///"
FONT = {"family": "DejaVu Sans", "size": 10, "color": TEXT_COLOUR}
HIDDEN = "hidden"


def _figure(width: float, height: float) -> tuple[Figure, object]:
    # matplotlib is imported by the first chart drawn, not when the portal starts.
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100)
    FigureCanvasSVG(figure)
    axes = figure.add_subplot()
    for side in ("left", "bottom"):
        axes.spines[side].set_color(EDGE_COLOUR)
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(colors=TEXT_COLOUR, labelsize=FONT["size"])
    return figure, axes


def _svg(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buffer.getvalue()


def _legend(axes) -> None:
    """A legend beside the plot, when anything was drawn."""
    if axes.get_legend_handles_labels()[0]:
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=8, labelcolor=TEXT_COLOUR)


def _ticks(axes, positions: Sequence[int], labels: Sequence[str], axis: str = "x") -> None:
    rotate = axis == "x" and len(labels) > 6
    if axis == "x":
        axes.set_xticks(positions, labels, rotation=45 if rotate else 0, ha="right" if rotate else "center")
    else:
        axes.set_yticks(positions, labels)


# Drawing from plain series -------------------------------------------------------------------


def kpi_trend(
    periods: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    targets: Mapping[str, float | None],
    *,
    y_label: str,
    target_label: str,
) -> bytes:
    """Each KPI as a line over the periods (0 to 100%), its target as a dashed line of the same colour."""
    figure, axes = _figure(8, 3.6)
    positions = list(range(len(periods)))
    for index, (name, values) in enumerate(series.items()):
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        points = [(x, v) for x, v in zip(positions, values, strict=True) if v is not None]
        if points:
            axes.plot([p[0] for p in points], [p[1] for p in points], marker="o", color=colour, label=name)
        target = targets.get(name)
        if target is not None:
            axes.axhline(target, color=colour, linestyle="--", linewidth=1, label=f"{name}: {target_label}")
    axes.set_ylim(0, 100)
    axes.set_ylabel(y_label, fontdict=FONT)
    _ticks(axes, positions, periods)
    axes.grid(axis="y", color="#dddddd")
    _legend(axes)
    return _svg(figure)


def horizontal_bars(
    names: Sequence[str], values: Sequence[float | None], colours: Sequence[str], *, x_label: str
) -> bytes:
    """One bar per name (top to bottom in the order given); a colour of HIDDEN draws a "not shown" bar."""
    figure, axes = _figure(6, 0.45 * max(len(names), 2) + 0.8)
    positions = list(range(len(names)))[::-1]
    for position, value, colour in zip(positions, values, colours, strict=True):
        hidden = colour == HIDDEN
        axes.barh(
            [position],
            [value or 0],
            color=HIDDEN_COLOUR if hidden else colour,
            hatch=HIDDEN_HATCH if hidden else None,
            edgecolor=EDGE_COLOUR if hidden else colour,
        )
    axes.set_yticks(positions, names)
    axes.set_xlabel(x_label, fontdict=FONT)
    axes.grid(axis="x", color="#dddddd")
    axes.set_axisbelow(True)
    return _svg(figure)


def stacked_bars(
    categories: Sequence[str],
    stacks: Mapping[str, Sequence[float | None]],
    colours: Mapping[str, str],
    names: Mapping[str, str],
    *,
    value_label: str,
    horizontal: bool = False,
) -> bytes:
    """Bars made of stacked parts: sentiment per period (vertical) or per theme (horizontal).

    A stack keyed HIDDEN is drawn as the hatched "not shown" part.
    """
    count = max(len(categories), 2)
    figure, axes = _figure(8, 0.45 * count + 1) if horizontal else _figure(8, 3.6)
    positions = list(range(len(categories)))
    if horizontal:
        positions = positions[::-1]
    bottoms = [0.0] * len(categories)
    for key, values in stacks.items():
        shown = [v if v is not None else 0 for v in values]
        style = {"color": colours.get(key, HIDDEN_COLOUR), "label": names[key]}
        if key == HIDDEN:
            style.update(hatch=HIDDEN_HATCH, edgecolor=EDGE_COLOUR, linewidth=0.5)
        if horizontal:
            axes.barh(positions, shown, left=bottoms, **style)
        else:
            axes.bar(positions, shown, bottom=bottoms, **style)
        bottoms = [b + v for b, v in zip(bottoms, shown, strict=True)]
    if horizontal:
        _ticks(axes, positions, categories, axis="y")
        axes.set_xlabel(value_label, fontdict=FONT)
        axes.grid(axis="x", color="#dddddd")
    else:
        _ticks(axes, positions, categories)
        axes.set_ylabel(value_label, fontdict=FONT)
        axes.grid(axis="y", color="#dddddd")
    axes.set_axisbelow(True)
    _legend(axes)
    return _svg(figure)


# Drawing from analysis results --------------------------------------------------------------


def _value(figure) -> float | int | None:
    return None if figure.suppressed else figure.value


def _hidden_count(split: SentimentSplit) -> int | None:
    """How many comments are in the split's hidden parts (None when its total is hidden too)."""
    if split.total.suppressed:
        return None
    return sum(split.counts[label].base for label in LABELS if split.counts[label].suppressed)


def kpi_chart(table: KpiTable, period_label: Callable[[Period], str], *, y_label: str, target_label: str) -> bytes:
    """The KPIs and response rate period by period (suppressed periods are gaps), with their targets."""
    periods = [period_label(row.period) for row in table.rows]
    keys = [*table.keys, RESPONSE_RATE]

    def cells(key: str):
        return [row.response_rate if key == RESPONSE_RATE else row.kpis[key] for row in table.rows]

    series = {str(KPI_NAMES[k]): [_value(cell.figure) for cell in cells(k)] for k in keys}
    targets = {str(KPI_NAMES[k]): cells(k)[0].target for k in keys if table.rows}
    return kpi_trend(periods, series, targets, y_label=y_label, target_label=target_label)


def sentiment_chart(summary: FeedbackSummary, names: Mapping[str, str], hidden_name: str, *, x_label: str) -> bytes:
    """Comments by sentiment, with a "not shown" bar for the comments in hidden parts."""
    split = summary.split
    labels = [names[label] for label in LABELS]
    values: list[float | None] = [_value(split.counts[label]) for label in LABELS]
    colours = [SENTIMENT_COLOURS[label] for label in LABELS]
    hidden = _hidden_count(split)
    if hidden:
        labels.append(hidden_name)
        values.append(hidden)
        colours.append(HIDDEN)
    return horizontal_bars(labels, values, colours, x_label=x_label)


def sentiment_trend_chart(
    summary: FeedbackSummary,
    period_label: Callable[[Period], str],
    names: Mapping[str, str],
    hidden_name: str,
    *,
    value_label: str,
) -> bytes:
    """The share of each sentiment per period; every bar with comments reaches 100%, its hidden part shown as such."""
    periods = [period_label(period) for period, _split in summary.trend]
    stacks: dict[str, list[float | None]] = {label: [] for label in LABELS}
    stacks[HIDDEN] = []
    for _period, split in summary.trend:
        for label in LABELS:
            stacks[label].append(_value(split.shares[label]))
        stacks[HIDDEN].append(split.hidden_share if split.total.base else 0)
    return stacked_bars(periods, stacks, SENTIMENT_COLOURS, {**names, HIDDEN: hidden_name}, value_label=value_label)


def themes_chart(
    summary: FeedbackSummary,
    theme_name: Callable[[str], str],
    names: Mapping[str, str],
    hidden_name: str,
    *,
    value_label: str,
) -> bytes:
    """Comments about each theme split by sentiment; a theme whose count is hidden is left out of the chart."""
    rows = [row for row in summary.themes if row.comments.base > 0 and not row.comments.suppressed]
    stacks: dict[str, list[float | None]] = {
        label: [_value(row.split.counts[label]) for row in rows] for label in LABELS
    }
    stacks[HIDDEN] = [_hidden_count(row.split) for row in rows]
    return stacked_bars(
        [theme_name(row.key) for row in rows],
        stacks,
        SENTIMENT_COLOURS,
        {**names, HIDDEN: hidden_name},
        value_label=value_label,
        horizontal=True,
    )


# A view's charts ---------------------------------------------------------------------------

#: The charts on the dashboard and in the report, with what each shows (for its text alternative).
CHART_DESCRIPTIONS: dict[str, object] = {
    "kpis": _l("Line chart of each KPI and the response rate by period, with targets as dashed lines."),
    "sentiment": _l("Bar chart of how many comments were positive, neutral and negative, and how many are not shown."),
    "sentiment_trend": _l(
        "Stacked bar chart of the share of positive, neutral and negative comments by period; "
        "the hatched part of a bar is the share not shown."
    ),
    "themes": _l("Stacked bar chart of comments about each theme, split by sentiment; the hatched part is not shown."),
}
CHARTS = tuple(CHART_DESCRIPTIONS)


def draw(view: View, name: str) -> bytes:
    """One chart of a built view, as SVG, from the figures it already holds."""
    names = {label: str(SENTIMENT_NAMES[label]) for label in LABELS}
    hidden = str(_l("Not shown"))

    def label(period: Period) -> str:
        return partial_label(period_label(period), period.end >= view.today)

    if name == "kpis":
        return kpi_chart(view.kpis, label, y_label=str(_l("Per cent")), target_label=str(_l("target")))
    if name == "sentiment":
        return sentiment_chart(view.summary, names, hidden, x_label=str(_l("Comments")))
    if name == "sentiment_trend":
        return sentiment_trend_chart(view.summary, label, names, hidden, value_label=str(_l("Share of comments (%)")))
    if name == "themes":
        return themes_chart(view.summary, theme_name, names, hidden, value_label=str(_l("Comments")))
    raise KeyError(name)
