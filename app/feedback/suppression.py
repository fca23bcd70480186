"""Small-number suppression: the one rule used by the dashboard, every export and the report.

A count of 1 to 4 responses, or a percentage worked out from 1 to 4 responses, is shown as
"fewer than 5" so that no family can be picked out from a small group. A count of none is
shown as 0: it describes nobody.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

#: The smallest number of responses a figure may be based on.
THRESHOLD = 5
#: What a suppressed figure shows instead of its value.
SUPPRESSED_TEXT = _l("fewer than 5")
#: What a percentage with nothing to divide by shows.
NO_RESPONSES_TEXT = _l("no responses")


@dataclass(frozen=True, slots=True)
class Figure:
    """A count or percentage, with what to show for it.

    `value` is None when the figure is suppressed or when there is nothing to divide by;
    `base` is the number of responses it was worked out from.
    """

    value: float | int | None
    base: int
    percent: bool = False
    suppressed: bool = False
    #: A difference in percentage points (shown signed, "+4.5"), rather than a percentage.
    points: bool = False

    @property
    def text(self) -> str:
        """The figure as shown on screen and in CSV files: "42", "57.1%", "fewer than 5" or "no responses"."""
        if self.suppressed:
            return str(SUPPRESSED_TEXT)
        if self.value is None:
            return str(NO_RESPONSES_TEXT)
        if self.points:
            return f"{self.value:+.1f}"
        if self.percent:
            return f"{self.value:.1f}%"
        return str(self.value)

    def as_json(self) -> dict:
        """The figure for JSON: the value (null when suppressed or empty) and the text shown."""
        return {"value": self.value, "text": self.text, "suppressed": self.suppressed}


def is_small(n: int) -> bool:
    """Whether `n` responses are too few to show (1 to 4; none at all is shown as it is)."""
    return 0 < n < THRESHOLD


def count(n: int) -> Figure:
    """A count of responses, suppressed when it is 1 to 4."""
    if is_small(n):
        return Figure(None, n, suppressed=True)
    return Figure(n, n)


def percentage(numerator: int, base: int) -> Figure:
    """`numerator` out of `base` responses as a percentage (1 decimal place), suppressed when `base` is 1 to 4."""
    if base <= 0:
        return Figure(None, 0, percent=True)
    if is_small(base):
        return Figure(None, base, percent=True, suppressed=True)
    return Figure(round(100 * numerator / base, 1), base, percent=True)


def share(part: int, whole: int) -> Figure:
    """`part` as a percentage of `whole`, shown beside the count of `part`.

    Suppressed when `whole` is small and also when `part` is, so that a suppressed count cannot
    be worked back out from its share.
    """
    if is_small(part):
        return Figure(None, whole, percent=True, suppressed=True)
    return percentage(part, whole)


def difference(a: Figure, b: Figure) -> Figure:
    """`a` minus `b` in percentage points; suppressed when either side is, empty when either is empty."""
    base = min(a.base, b.base)
    if a.suppressed or b.suppressed:
        return Figure(None, base, percent=True, suppressed=True, points=True)
    if a.value is None or b.value is None:
        return Figure(None, 0, percent=True, points=True)
    return Figure(round(a.value - b.value, 1), base, percent=True, points=True)
