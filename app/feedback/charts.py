"""Charts drawn on the server with matplotlib (SVG), for the dashboard and the report.

Each chart has a data table beside it on the page; the chart is a picture of that table.
Suppressed figures are not drawn at all (a gap or a missing bar), as a bar would reveal them.
Labels come in already translated. No pyplot: each chart is its own Figure, safe in threads.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

#: Colours from the GOV.UK palette, chosen to stay distinguishable with common colour blindness.
SENTIMENT_COLOURS = {"positive": "#1d70b8", "neutral": "#b1b4b6", "negative": "#f47738"}
SERIES_COLOURS = ("#1d70b8", "#f47738", "#4c2c92", "#00703c", "#d53880", "#28a197")
TEXT_COLOUR = "#0b0c0c"

_STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "svg.fonttype": "none",
    "svg.hashsalt": "local-offer",
    "axes.edgecolor": "#505a5f",
    "axes.labelcolor": TEXT_COLOUR,
    "xtick.color": TEXT_COLOUR,
    "ytick.color": TEXT_COLOUR,
}


def _svg(figure: Figure) -> bytes:
    FigureCanvasSVG(figure)
    buffer = io.BytesIO()
    with matplotlib.rc_context(_STYLE):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    return buffer.getvalue()


def _legend(axes) -> None:
    """A legend beside the plot, when anything was drawn."""
    if axes.get_legend_handles_labels()[0]:
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=8)


def _figure(width: float, height: float) -> Figure:
    with matplotlib.rc_context(_STYLE):
        return Figure(figsize=(width, height), dpi=100)


def kpi_trend(
    periods: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    targets: Mapping[str, float | None],
    *,
    y_label: str,
    target_label: str,
) -> bytes:
    """Each KPI as a line over the periods (0 to 100%), its target as a dashed line of the same colour."""
    with matplotlib.rc_context(_STYLE):
        figure = _figure(8, 3.6)
        axes = figure.add_subplot()
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
        axes.set_ylabel(y_label)
        axes.set_xticks(
            positions, periods, rotation=45 if len(periods) > 6 else 0, ha="right" if len(periods) > 6 else "center"
        )
        axes.grid(axis="y", color="#dddddd")
        axes.spines[["top", "right"]].set_visible(False)
        _legend(axes)
        return _svg(figure)


def horizontal_bars(
    names: Sequence[str], values: Sequence[float | None], colours: Sequence[str], *, x_label: str
) -> bytes:
    """One bar per name (top to bottom in the order given)."""
    with matplotlib.rc_context(_STYLE):
        figure = _figure(6, 0.45 * max(len(names), 2) + 0.8)
        axes = figure.add_subplot()
        positions = list(range(len(names)))[::-1]
        shown = [v if v is not None else 0 for v in values]
        axes.barh(positions, shown, color=list(colours))
        axes.set_yticks(positions, names)
        axes.set_xlabel(x_label)
        axes.spines[["top", "right"]].set_visible(False)
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
    """Bars made of stacked parts: sentiment per period (vertical) or per theme (horizontal)."""
    with matplotlib.rc_context(_STYLE):
        count = max(len(categories), 2)
        figure = _figure(8, 0.45 * count + 1) if horizontal else _figure(8, 3.6)
        axes = figure.add_subplot()
        positions = list(range(len(categories)))
        if horizontal:
            positions = positions[::-1]
        bottoms = [0.0] * len(categories)
        for key, values in stacks.items():
            shown = [v if v is not None else 0 for v in values]
            if horizontal:
                axes.barh(positions, shown, left=bottoms, color=colours[key], label=names[key])
            else:
                axes.bar(positions, shown, bottom=bottoms, color=colours[key], label=names[key])
            bottoms = [b + v for b, v in zip(bottoms, shown, strict=True)]
        if horizontal:
            axes.set_yticks(positions, categories)
            axes.set_xlabel(value_label)
            axes.grid(axis="x", color="#dddddd")
        else:
            rotate = len(categories) > 6
            axes.set_xticks(positions, categories, rotation=45 if rotate else 0, ha="right" if rotate else "center")
            axes.set_ylabel(value_label)
            axes.grid(axis="y", color="#dddddd")
        axes.set_axisbelow(True)
        axes.spines[["top", "right"]].set_visible(False)
        _legend(axes)
        return _svg(figure)
