"""The 20-week figure: plans finalised within 20 weeks of the request for an EHC needs assessment."""

from __future__ import annotations

import datetime as dt

import pytest

from app import clock
from app.feedback.annual import annual_timeliness
from app.feedback.kpis import TIMELINESS, InvitationRecord, finalised_in_time, kpi_table, timeliness
from app.feedback.records import invitation_records
from app.surveys import invitations

from ..factories import create_invitation

TODAY = dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("requested", "finalised", "in_time"),
    [
        (dt.date(2026, 1, 5), dt.date(2026, 5, 25), True),  # exactly 20 weeks
        (dt.date(2026, 1, 5), dt.date(2026, 5, 26), False),  # 20 weeks and a day
        (dt.date(2026, 1, 5), dt.date(2026, 1, 5), True),  # the same day
        # 29 February 2024 is inside the 20 weeks: the last day in time is 3 June, not 4 June
        (dt.date(2024, 1, 15), dt.date(2024, 6, 3), True),
        (dt.date(2024, 1, 15), dt.date(2024, 6, 4), False),
        # the same request in a year without 29 February has one more calendar day
        (dt.date(2025, 1, 15), dt.date(2025, 6, 4), True),
        (dt.date(2025, 1, 15), dt.date(2025, 6, 5), False),
        # across the new year
        (dt.date(2025, 10, 20), dt.date(2026, 3, 9), True),
        (dt.date(2025, 10, 20), dt.date(2026, 3, 10), False),
    ],
)
def test_a_plan_is_in_time_up_to_exactly_twenty_weeks(requested, finalised, in_time):
    assert finalised_in_time(requested, finalised) is in_time


def _plan(finalised: dt.date, days: int | None, exception: bool = False) -> InvitationRecord:
    requested = None if days is None else finalised - dt.timedelta(days=days)
    return InvitationRecord("ehcp-finalisation", finalised, False, "en", requested, exception)


def test_exceptions_and_plans_without_a_request_date_are_left_out():
    plans = [_plan(dt.date(2026, 3, 2), 140), _plan(dt.date(2026, 3, 2), 141), _plan(dt.date(2026, 3, 2), 200, True)]
    plans.append(_plan(dt.date(2026, 3, 2), None))
    assert timeliness(plans) == (1, 2)


def test_the_figure_by_month_and_quarter_against_its_target():
    march = [_plan(dt.date(2026, 3, 10), 140)] * 15 + [_plan(dt.date(2026, 3, 11), 141)] * 5
    april = [_plan(dt.date(2026, 4, 1), 100)] * 20 + [_plan(dt.date(2026, 4, 1), 150)] * 5
    april += [_plan(dt.date(2026, 4, 2), 300, exception=True)] * 3
    plans = march + april
    by_month = kpi_table((), plans, keys=(TIMELINESS,), targets={TIMELINESS: 80}, today=TODAY)
    [march_row, april_row] = by_month.rows
    assert march_row.kpis[TIMELINESS].figure.value == 75.0 and march_row.kpis[TIMELINESS].status == "not_met"
    assert april_row.kpis[TIMELINESS].figure.value == 80.0 and april_row.kpis[TIMELINESS].status == "met"
    by_quarter = kpi_table((), plans, granularity="quarter", keys=(TIMELINESS,), targets={TIMELINESS: 80})
    assert [row.period.key for row in by_quarter.rows] == ["2026-Q1", "2026-Q2"]
    assert [row.kpis[TIMELINESS].figure.value for row in by_quarter.rows] == [75.0, 80.0]
    assert by_quarter.total.kpis[TIMELINESS].figure.value == pytest.approx(100 * 35 / 45, abs=0.1)


def test_a_few_plans_are_not_shown():
    table = kpi_table((), [_plan(dt.date(2026, 3, 10), 140)] * 3, keys=(TIMELINESS,))
    assert table.rows[0].kpis[TIMELINESS].figure.suppressed


UPLOAD = """plan_reference,finalised_date,language,assessment_requested_date,timescale_exception
KB-2026-00501,03/06/2024,en,15/01/2024,
KB-2026-00502,04/06/2024,pl,15/01/2024,no
KB-2026-00503,01/02/2024,en,01/10/2023,yes
KB-2026-00504,2024-06-03,en,31/02/2024,
KB-2026-00505,2024-06-03,en,2024-13-01,
KB-2026-00506,2024-06-03,en,04/06/2024,
KB-2026-00507,2024-06-03,en,15/01/2024,maybe
"""


def test_uk_dates_in_the_upload_and_bad_dates_reported_by_row(app):
    with app.test_request_context():
        rows, problems = invitations.parse_csv(UPLOAD, TODAY)
    assert [(r.plan_reference, r.finalised_on, r.assessment_requested_on, r.timescale_exception) for r in rows] == [
        ("KB-2026-00501", dt.date(2024, 6, 3), dt.date(2024, 1, 15), False),
        ("KB-2026-00502", dt.date(2024, 6, 4), dt.date(2024, 1, 15), False),
        ("KB-2026-00503", dt.date(2024, 2, 1), dt.date(2023, 10, 1), True),  # 1 February, not 2 January
    ]
    messages = {p.line: p.message for p in problems}
    assert sorted(messages) == [5, 6, 7, 8]
    assert "request date must be a real date" in messages[5] and "31/03/2026" in messages[5]
    assert "request date must be a real date" in messages[6]
    assert "on or before the finalised date" in messages[7]
    assert "exception must be yes or no" in messages[8]


def test_invitations_keep_only_the_dates_and_count_each_plan_once(app):
    with app.test_request_context():
        rows, _problems = invitations.parse_csv(UPLOAD, TODAY)
        invitations.create_invitations("ehcp-finalisation", rows)
        invitations.create_invitations("young-person", rows[:1])  # the same plan, invited to a second survey
        records = invitation_records()
    assert len(records) == 4
    assert timeliness(records) == (1, 2), "one on time, one a day late, the exception left out, no plan twice"


def test_the_annual_report_shows_the_figure_by_month_and_quarter(app, get_page):
    year = clock.today().year  # the report of the year under way is always there
    with app.test_request_context():
        for number in range(10):
            create_invitation(
                f"KB-{year}-0{number:04d}",
                finalised_on=dt.date(year, 1, 20),
                assessment_requested_on=dt.date(year - 1, 12, 1) if number % 2 else dt.date(year - 1, 8, 1),
            )
        figures = annual_timeliness(year)
        assert annual_timeliness(year - 1) is None
    [january] = [row for row in figures["month"].rows if row.period.key == f"{year}-01"]
    assert january.kpis[TIMELINESS].figure.value == 50.0
    page = get_page(f"/you-said-we-did/report/{year}")
    section = page.soup.find(id="twenty-weeks")
    assert section is not None and section.get_text(strip=True) == "Plans finalised within 20 weeks"
    captions = [c.get_text(" ", strip=True) for c in page.soup.select("caption")]
    assert any("By quarter" in c for c in captions) and any("By month" in c for c in captions)
    assert "50.0%" in page.text()
