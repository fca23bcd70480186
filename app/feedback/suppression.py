"""Small-number suppression: the one rule used by the dashboard, every export and the annual report.

Primary suppression: a count of 1 to 4, or a percentage worked out from 1 to 4 responses, is
not shown, so that no family can be picked out from a small group. A count of none is shown
as 0: it describes nobody.

Secondary (complementary) suppression: a table that shows parts and their total ("8 positive,
0 neutral, [not shown] negative, 12 in all") would give a hidden part away by subtraction. So
figures are protected together, as `Line`s (parts that add up to a total): no line may hide
exactly one of its figures, a hidden total hides all its parts, and a hidden figure that the
shown ones still pin down (through several lines at once, as in a table with row and column
totals) makes one more figure hide. Every hidden figure shows the same text whichever rule hid
it, so the rule itself gives nothing away.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from flask_babel import lazy_gettext as _l

#: The smallest number of responses a figure may be based on.
THRESHOLD = 5
#: What a suppressed figure shows instead of its value (the same for every reason it is hidden).
SUPPRESSED_TEXT = _l("not shown")
#: What a percentage with nothing to divide by shows.
NO_RESPONSES_TEXT = _l("no responses")
#: How suppression is explained beside tables, in the workbook's README sheet and in the report.
EXPLANATION = _l(
    "“Not shown” means the figure is based on fewer than 5 responses, or is hidden so that a number "
    "under 5 cannot be worked out from the totals and other figures. Nobody can be identified."
)


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
        """The figure as shown in CSV files and JSON: "42", "57.1%", "not shown" or "no responses"."""
        if self.suppressed:
            return str(SUPPRESSED_TEXT)
        if self.value is None:
            return str(NO_RESPONSES_TEXT)
        if self.points:
            return f"{self.value:+.1f}"
        if self.percent:
            return f"{self.value:.1f}%"
        return str(self.value)

    def hidden(self) -> Figure:
        """The same figure, suppressed."""
        return replace(self, value=None, suppressed=True)

    def as_json(self) -> dict:
        """The figure for JSON: the value (null when suppressed or empty) and the text shown."""
        return {"value": self.value, "text": self.text, "suppressed": self.suppressed}


def is_small(n: int) -> bool:
    """Whether `n` responses are too few to show (1 to 4; none at all is shown as it is)."""
    return 0 < n < THRESHOLD


def count(n: int, hide: bool = False) -> Figure:
    """A count of responses, suppressed when it is 1 to 4 (or when `hide`, to protect another figure)."""
    if hide or is_small(n):
        return Figure(None, n, suppressed=True)
    return Figure(n, n)


def percentage(numerator: int, base: int, hide: bool = False) -> Figure:
    """`numerator` out of `base` responses as a percentage (1 decimal place), suppressed when `base` is 1 to 4."""
    if base <= 0:
        return Figure(None, 0, percent=True)
    if hide or is_small(base):
        return Figure(None, base, percent=True, suppressed=True)
    return Figure(round(100 * numerator / base, 1), base, percent=True)


def share(part: int, whole: int, hide: bool = False) -> Figure:
    """`part` as a percentage of `whole`, shown beside the count of `part`.

    Suppressed when `whole` is small and also when `part` is (or is hidden), so that a suppressed
    count cannot be worked back out from its share.
    """
    if hide or is_small(part):
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


# Protecting figures together ----------------------------------------------------------------

Key = Hashable


@dataclass(frozen=True, slots=True)
class Line:
    """Figures that add up: the `parts` sum to `total` (a row of a table and its total, say)."""

    parts: tuple[Key, ...]
    total: Key

    @property
    def cells(self) -> tuple[Key, ...]:
        return (*self.parts, self.total)


def protect(values: Mapping[Key, int], lines: Iterable[Line] = ()) -> frozenset[Key]:
    """Which figures to hide so that no hidden figure can be worked out from the shown ones.

    `values` holds every count shown (by any hashable key); `lines` say which of them add up.
    Counts of 1 to 4 are hidden first; then, until nothing changes: a hidden total hides all its
    parts; a line with exactly one hidden figure, or with hidden parts that can only all be 1,
    hides its smallest shown part above 0 as well (the total when no part is left); and a hidden
    figure still pinned down by the lines together (found by linear algebra) hides the smallest
    shown figure in one of its lines.
    """
    lines = [line for line in lines if line.cells]
    order = {key: index for index, key in enumerate(values)}
    hidden = {key for key, value in values.items() if is_small(value)}

    def smallest(keys: Iterable[Key]) -> Key | None:
        # A shown 0 is never chosen while anything else is left: a hidden 0 would be told apart by the
        # order the rule picks in, and hiding one protects nothing.
        candidates = [key for key in keys if key not in hidden]
        return min(candidates, key=lambda key: (values[key] == 0, values[key], order[key])) if candidates else None

    while True:
        changed = False
        for line in lines:
            if line.total in hidden:
                missing = [part for part in line.parts if part not in hidden]
                if missing:
                    hidden.update(missing)
                    changed = True
                continue
            hidden_parts = [key for key in line.cells if key in hidden]
            # One hidden figure is given away by subtraction; hidden parts adding up to no more than
            # their number are all 1s (a hidden part is never 0).
            if len(hidden_parts) == 1 or 1 < len(hidden_parts) >= sum(values[key] for key in hidden_parts):
                pick = smallest(line.parts)
                hidden.add(pick if pick is not None else line.total)
                changed = True
        if changed:
            continue
        if len(lines) < 2:  # one line with no single hidden figure pins nothing down
            return frozenset(hidden)
        pinned = next((key for key in sorted(hidden, key=order.__getitem__) if _determined(key, hidden, lines)), None)
        if pinned is None:
            return frozenset(hidden)
        around = [key for line in lines if pinned in line.cells for key in line.cells]
        pick = smallest(around)
        if pick is None:  # every figure around it is hidden already: widen to any shown figure
            pick = smallest(values)
        if pick is None:
            return frozenset(hidden)
        hidden.add(pick)


def _determined(key: Key, hidden: set[Key], lines: Sequence[Line]) -> bool:
    """Whether the lines' sums fix the hidden figure `key`, whatever the other hidden figures are."""
    import numpy as np  # only the staff figures need it; public pages never do

    unknown = sorted(hidden, key=repr)
    column = {k: i for i, k in enumerate(unknown)}
    rows = []
    for line in lines:
        row = np.zeros(len(unknown))
        for part in line.parts:
            if part in column:
                row[column[part]] += 1
        if line.total in column:
            row[column[line.total]] -= 1
        if row.any():
            rows.append(row)
    if not rows:
        return False
    matrix = np.array(rows)
    target = np.zeros(len(unknown))
    target[column[key]] = 1
    return np.linalg.matrix_rank(np.vstack([matrix, target])) == np.linalg.matrix_rank(matrix)


def protect_group(parts: Sequence[int], total: int | None = None) -> tuple[list[bool], bool]:
    """Hidden flags for parts that add up to `total` (their sum when None), and whether the total is hidden."""
    total = sum(parts) if total is None else total
    values: dict[Key, int] = {("part", i): v for i, v in enumerate(parts)}
    values["total"] = total
    hidden = protect(values, [Line(tuple(("part", i) for i in range(len(parts))), "total")])
    return [("part", i) in hidden for i in range(len(parts))], "total" in hidden
