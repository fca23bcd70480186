"""KPI arithmetic, periods, baselines, targets and small-number suppression."""

from __future__ import annotations

import datetime as dt

import pytest

from app.feedback.kpis import (
    InvitationRecord,
    ResponseRecord,
    kpi_outcome,
    kpi_table,
    latest_complete,
    period_of,
    periods_between,
)
from app.feedback.suppression import count, difference, percentage, share


def responses(month: int, listened: list[bool | None], **other: list[bool | None]) -> list[ResponseRecord]:
    records = []
    for index, value in enumerate(listened):
        kpis = {"listened": value, **{key: values[index] for key, values in other.items()}}
        records.append(ResponseRecord(dt.date(2026, month, 1 + index), "ehcp-finalisation", "en", kpis))
    return records


@pytest.mark.parametrize(("n", "text"), [(0, "0"), (1, "not shown"), (4, "not shown"), (5, "5"), (12, "12")])
def test_counts_under_5_are_suppressed(n, text):
    assert count(n).text == text
    assert count(n).suppressed == (0 < n < 5)


def test_percentage_from_4_responses_is_suppressed_and_from_5_is_shown():
    assert percentage(3, 4).text == "not shown"
    assert percentage(3, 4).as_json() == {"value": None, "text": "not shown", "suppressed": True}
    assert percentage(3, 5).text == "60.0%"
    assert percentage(3, 5).as_json() == {"value": 60.0, "text": "60.0%", "suppressed": False}
    assert percentage(0, 0).text == "no responses"


def test_a_share_hides_a_small_part_so_it_cannot_be_worked_back():
    assert share(3, 100).suppressed
    assert share(5, 100).text == "5.0%"


def test_difference_is_in_points_and_suppressed_with_either_side():
    assert difference(percentage(4, 5), percentage(1, 5)).text == "+60.0"
    assert difference(percentage(1, 5), percentage(4, 5)).text == "-60.0"
    assert difference(percentage(4, 5), percentage(1, 4)).text == "not shown"


@pytest.mark.parametrize(
    ("answer", "outcome"),
    [
        ("yes", True),
        ("no", False),
        ("not-sure", False),
        ("partly", False),
        ("5", True),
        ("4", True),
        ("3", False),
        ("1", False),
        (5, True),
        ("very-easy", True),
        ("hard", False),
        ("dont-know", None),
        ("", None),
        (None, None),
    ],
)
def test_kpi_outcome(answer, outcome):
    assert kpi_outcome(answer) is outcome


def test_periods():
    assert period_of(dt.date(2026, 2, 14), "month").key == "2026-02"
    assert period_of(dt.date(2026, 2, 14), "month").end == dt.date(2026, 2, 28)
    quarter = period_of(dt.date(2026, 11, 30), "quarter")
    assert (quarter.key, quarter.start, quarter.end) == ("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    keys = [p.key for p in periods_between(dt.date(2025, 11, 5), dt.date(2026, 2, 1), "month")]
    assert keys == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_kpi_percentages_per_month_with_unknowns_left_out_of_the_base():
    data = responses(1, [True] * 5 + [False] * 5 + [None]) + responses(2, [True] * 5)
    table = kpi_table(data, keys=["listened"])
    january, february = table.rows
    assert (january.kpis["listened"].positive, january.kpis["listened"].base) == (5, 10)
    assert january.kpis["listened"].figure.text == "50.0%"
    assert january.responses.text == "11"
    assert february.kpis["listened"].figure.text == "100.0%"
    assert february.kpis["listened"].change.text == "+50.0"
    assert table.total.kpis["listened"].figure.text == "66.7%"  # 10 of 15


def test_first_period_is_the_baseline_and_gaps_are_kept():
    data = responses(1, [True] * 5 + [False] * 5) + responses(3, [True] * 5)
    table = kpi_table(data, keys=["listened"])
    assert [row.period.key for row in table.rows] == ["2026-01", "2026-02", "2026-03"]
    assert table.baselines["listened"].period.key == "2026-01"
    assert table.rows[0].kpis["listened"].is_baseline
    assert table.rows[1].kpis["listened"].status == "no_data"
    assert table.rows[2].kpis["listened"].change.text == "+50.0"


def test_baseline_is_the_first_period_whose_figure_is_shown():
    data = responses(1, [True, False]) + responses(2, [True] * 5 + [False] * 5) + responses(3, [True] * 7 + [False] * 7)
    table = kpi_table(data, keys=["listened"])
    assert table.rows[0].kpis["listened"].figure.text == "not shown"
    assert table.rows[0].kpis["listened"].status == "suppressed"
    # February is hidden too: with the total shown it would give January away.
    assert table.rows[1].kpis["listened"].figure.text == "not shown"
    assert table.baselines["listened"].period.key == "2026-03"


def test_baseline_comes_from_before_the_range_shown():
    data = responses(1, [False] * 5) + responses(3, [True] * 5) + responses(4, [True] * 5)
    table = kpi_table(data, keys=["listened"], start=dt.date(2026, 3, 1), end=dt.date(2026, 4, 30))
    assert [row.period.key for row in table.rows] == ["2026-03", "2026-04"]
    assert table.baselines["listened"].period.key == "2026-01"
    assert table.rows[0].kpis["listened"].change.text == "+100.0"
    assert table.total.kpis["listened"].figure.text == "100.0%"  # 10 of 10, January not counted


def test_kpis_against_targets():
    data = responses(1, [True] * 10, satisfied=[True] * 5 + [False] * 5)
    table = kpi_table(data, keys=["listened", "satisfied", "seen_plan"], targets={"listened": 80, "satisfied": 60})
    cells = table.rows[0].kpis
    assert (cells["listened"].status, cells["listened"].target) == ("met", 80)
    assert cells["satisfied"].status == "not_met"
    assert cells["seen_plan"].status == "no_data"


def test_a_percentage_hides_when_fewer_than_5_answered_either_way():
    table = kpi_table(responses(1, [True] * 5 + [False]) + responses(2, [True] * 5 + [False] * 5), keys=["listened"])
    january, february = table.rows
    assert january.responses.text == "6"
    assert january.kpis["listened"].figure.text == "not shown"  # 83.3% of 6 would say one family did not
    assert february.kpis["listened"].figure.text == "not shown"  # else the total row gives January away
    assert table.total.kpis["listened"].figure.text == "62.5%"


def test_response_rate_is_completed_over_invited_by_invitation_month():
    def invited(month: int, count: int, completed: int) -> list[InvitationRecord]:
        return [InvitationRecord("ehcp-finalisation", dt.date(2026, month, 10), i < completed) for i in range(count)]

    table = kpi_table([], invited(1, 8, 3) + invited(2, 10, 6) + invited(3, 9, 7), targets={"response_rate": 100})
    january, february, march = table.rows
    assert (january.invited.text, january.completed.text) == ("8", "not shown")
    # 3 of 8 would give the hidden 3 away, so January's rate is hidden; February's 6 hides to protect it.
    assert january.response_rate.figure.text == "not shown"
    assert february.completed.text == "not shown" and february.response_rate.figure.text == "not shown"
    assert march.response_rate.figure.text == "77.8%"
    assert march.response_rate.status == "not_met"
    assert table.total.response_rate.figure.text == "59.3%"  # 16 of 27
    assert table.total.completed.text == "16"


def test_a_period_hidden_in_the_table_cannot_be_worked_out_from_the_total_row():
    data = responses(1, [True] * 6) + responses(2, [True] * 3)
    table = kpi_table(data, keys=["listened"])
    january, february = table.rows
    assert february.responses.text == "not shown"
    assert january.responses.text == "not shown"  # else 9 - 6 = 3
    assert table.total.responses.text == "9"


def test_a_period_not_over_yet_is_partial_and_not_the_headline():
    data = responses(1, [True] * 6) + responses(2, [True] * 5 + [False] * 5) + responses(3, [True] * 11)
    table = kpi_table(data, keys=["listened"], today=dt.date(2026, 3, 4))
    assert [row.partial for row in table.rows] == [False, False, True]
    assert latest_complete(table, "listened") == 1


def test_quarters_add_up_months():
    data = responses(1, [True] * 6) + responses(2, [False] * 5) + responses(4, [True] * 5)
    table = kpi_table(data, keys=["listened"], granularity="quarter")
    assert [row.period.key for row in table.rows] == ["2026-Q1", "2026-Q2"]
    assert table.rows[0].kpis["listened"].figure.text == "54.5%"


def test_no_data_gives_an_empty_table():
    table = kpi_table([], [])
    assert table.rows == () and table.total is None
