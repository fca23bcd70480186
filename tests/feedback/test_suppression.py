"""Suppression holds: no hidden figure can be worked out from the figures and totals shown.

The property tests play the part of someone trying to undo the suppression. For a group of parts
and their total, they know the threshold and try every group that fits what is shown; a hidden
figure is given away if all of those groups agree on it. For tables with row
and column totals they look for any hidden figure that the sums alone pin down.
"""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from app.feedback.suppression import Line, is_small, protect, protect_group


def tables_that_look_the_same(parts: list[int]) -> list[tuple[int, ...]]:
    """Every group of parts a reader cannot tell apart from `parts` once it is suppressed.

    The reader sees the shown parts and the total (unless hidden), and knows the threshold: a
    hidden part is never 0 while the total is shown (it is then 1 to 4, or hidden beside one that
    is), at least one hidden figure is 1 to 4, and a hidden total is 1 to 4.
    """
    hidden, total_hidden = protect_group(parts)
    hidden_at = [i for i, h in enumerate(hidden) if h]
    if total_hidden:
        totals = range(1, 5)
        lowest = 0
    else:
        totals = [sum(parts)]
        lowest = 1
    shown_sum = sum(v for v, h in zip(parts, hidden, strict=True) if not h)
    same = []
    for total in totals:
        left = total - shown_sum
        for guess in itertools.product(range(lowest, max(left, 0) + 1), repeat=len(hidden_at)):
            if sum(guess) != left or (guess and not any(is_small(v) for v in guess)):
                continue
            candidate = list(parts)
            for index, value in zip(hidden_at, guess, strict=True):
                candidate[index] = value
            same.append(tuple(candidate))
    return same


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=14), min_size=1, max_size=4))
def test_no_hidden_part_can_be_worked_out_from_the_total_and_the_threshold(parts):
    hidden, total_hidden = protect_group(parts)
    assert all(h for v, h in zip(parts, hidden, strict=True) if is_small(v)), "every count of 1 to 4 is hidden"
    if total_hidden:
        assert all(hidden)
    same = tables_that_look_the_same(parts)
    assert tuple(parts) in same
    for index, is_hidden in enumerate(hidden):
        if is_hidden:
            assert len({candidate[index] for candidate in same}) > 1, f"part {index} of {parts} can be worked out"


def test_the_issue_s_example_no_longer_gives_the_hidden_count_away():
    hidden, total_hidden = protect_group([8, 0, 4], 12)
    assert hidden == [True, False, True] and not total_hidden
    assert len({c[2] for c in tables_that_look_the_same([8, 0, 4])}) > 1


def _on_a_cycle(cell: tuple[int, int], hidden: set[tuple[int, int]]) -> bool:
    """Whether the hidden cell's row and column are still joined through other hidden cells.

    In a table whose every row and column adds up to a shown total, a hidden cell can be moved
    up and down (and so not worked out) exactly when it lies on such a cycle.
    """
    edges = hidden - {cell}
    start, goal = ("row", cell[0]), ("col", cell[1])
    seen, todo = {start}, [start]
    while todo:
        kind, index = todo.pop()
        for r, c in edges:
            if (kind == "row" and r == index) or (kind == "col" and c == index):
                other = ("col", c) if kind == "row" else ("row", r)
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
    return goal in seen


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=1, max_value=4).flatmap(
        lambda rows: st.integers(min_value=1, max_value=4).flatmap(
            lambda cols: st.lists(
                st.lists(st.integers(min_value=0, max_value=12), min_size=cols, max_size=cols),
                min_size=rows,
                max_size=rows,
            )
        )
    )
)
def test_tables_with_row_and_column_totals_give_nothing_away(grid):
    rows, cols = len(grid), len(grid[0])
    # The table with its totals: row totals in the last column, column totals in the last row.
    full = [[*row, sum(row)] for row in grid]
    full.append([sum(full[r][c] for r in range(rows)) for c in range(cols + 1)])
    values = {(r, c): full[r][c] for r in range(rows + 1) for c in range(cols + 1)}
    lines = [Line(tuple((r, c) for c in range(cols)), (r, cols)) for r in range(rows + 1)]
    lines += [Line(tuple((r, c) for r in range(rows)), (rows, c)) for c in range(cols + 1)]
    hidden = set(protect(values, lines))
    assert {key for key, value in values.items() if is_small(value)} <= hidden
    # In the extended table (totals negated) every line sums to zero, so the cycle test applies to it as a whole.
    for cell in hidden:
        assert _on_a_cycle(cell, hidden), f"{cell} of {full} can be worked out from the shown figures"
