"""The response-rate page: invited, sent, reminded, opened and completed per month and language,
against the 100% target, with small numbers suppressed as everywhere else."""

from __future__ import annotations

import datetime as dt

import pytest

from app.surveys.response_rate import response_rate

from ..factories import create_invitation, create_user
from ..helpers import act_as
from ..pages import check_page_structure

MARCH, APRIL = dt.date(2026, 3, 2), dt.date(2026, 4, 6)


@pytest.fixture()
def invitations(app):
    """March: 8 in English, all sent, 5 reminded, 6 opened, 5 completed.
    April: 4 in English and 3 in Polish, 5 sent, 2 opened, none completed."""
    with app.app_context():
        for i in range(8):
            status = "completed" if i < 5 else "opened" if i == 5 else "sent"
            create_invitation(finalised_on=MARCH, status=status, reminders_sent=1 if i < 5 else 0)
        for i in range(7):
            status = "created" if i >= 5 else "opened" if i < 2 else "sent"
            create_invitation(finalised_on=APRIL, language="pl" if i >= 4 else "en", status=status)


def test_each_stage_is_counted_per_month_and_small_numbers_are_not_shown(app, invitations):
    with app.app_context():
        rate = response_rate("ehcp-finalisation")
    april, march = rate.months
    assert {stage: figure.value for stage, figure in march.figures.items()} == {
        "invited": 8,
        "sent": 8,
        "reminded": 5,
        "opened": None,  # hidden too: the total (8) less March's 6 would give April's 2 away
        "completed": 5,
    }
    assert march.figures["opened"].suppressed and rate.total.figures["opened"].value == 8
    assert march.shares["completed"].value == 62.5 and march.on_target
    assert april.figures["invited"].value == 7 and april.figures["sent"].value == 5
    assert april.on_target is False  # 5 of 7 sent: below the 100% target
    assert april.figures["opened"].suppressed  # 2 families: not shown
    assert april.shares["opened"].suppressed  # nor its share, which would give it away
    assert rate.total.figures["invited"].value == 15
    english, polish = rate.languages
    assert polish.figures["invited"].suppressed  # 3 families
    assert english.figures["invited"].suppressed  # or 15 - 12 would give the Polish 3 away


def test_officers_see_the_response_rate_page(app, client, invitations):
    with app.app_context():
        act_as(client, create_user("officer"))
    page = check_page_structure(client.get("/staff/surveys/response-rate/?survey=ehcp-finalisation"))
    assert page.h1 == "Survey response rate"
    captions = [caption.get_text(strip=True) for caption in page.select("table caption")]
    assert captions == ["By the month the plan was finalised", "By language"]
    text = page.text()
    assert "Polski (pl)" in text and "April 2026" in text and "not shown" in text
    assert "Below target" in text and "On target" in text
    totals = [row.select("td")[0].get_text(strip=True) for row in page.select("tbody tr") if "Total" in row.th.text]
    assert totals == ["15", "15"]
