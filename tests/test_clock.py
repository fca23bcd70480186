"""One clock: stored in UTC, counted in UK days, months and quarters, across the clock changes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models.surveys import SurveyResponse
from app.services import survey_definitions
from app.surveys import responses

from .web.test_surveys import FEEDBACK_ALL


@pytest.mark.parametrize(
    ("stored_utc", "uk_day"),
    [
        (dt.datetime(2026, 3, 31, 23, 30), dt.date(2026, 4, 1)),  # 00:30 BST on 1 April
        (dt.datetime(2026, 3, 31, 22, 59), dt.date(2026, 3, 31)),  # 23:59 BST
        (dt.datetime(2026, 3, 29, 0, 30), dt.date(2026, 3, 29)),  # 00:30 GMT, the night the clocks go forward
        (dt.datetime(2026, 3, 28, 23, 30), dt.date(2026, 3, 28)),  # 23:30 GMT the evening before
        (dt.datetime(2026, 10, 24, 23, 30), dt.date(2026, 10, 25)),  # 00:30 BST, the night the clocks go back
        (dt.datetime(2026, 10, 25, 23, 30), dt.date(2026, 10, 25)),  # 23:30 GMT, after they went back
        (dt.datetime(2026, 12, 31, 23, 59), dt.date(2026, 12, 31)),  # GMT: UTC and UK agree
        (dt.datetime(2026, 6, 30, 23, 15), dt.date(2026, 7, 1)),  # 00:15 BST: a new quarter
    ],
)
def test_reporting_day_is_the_uk_day(stored_utc, uk_day):
    assert clock.reporting_day(stored_utc) == uk_day
    assert clock.reporting_day(stored_utc.replace(tzinfo=dt.UTC)) == uk_day


def test_months_and_quarters_follow_the_uk_day():
    assert clock.reporting_month(dt.datetime(2026, 3, 31, 23, 30)) == (2026, 4)
    assert clock.reporting_quarter(dt.datetime(2026, 3, 31, 23, 30)) == (2026, 2)
    assert clock.reporting_quarter(dt.date(2026, 3, 31)) == (2026, 1)


def test_uk_wall_clock_times_are_stored_as_utc():
    assert clock.uk_to_utc(dt.date(2026, 7, 1), dt.time(9)) == dt.datetime(2026, 7, 1, 8)
    assert clock.uk_to_utc(dt.date(2026, 12, 1), dt.time(9)) == dt.datetime(2026, 12, 1, 9)


def test_today_is_the_uk_day(monkeypatch):
    monkeypatch.setattr(clock, "utcnow", lambda: dt.datetime(2026, 3, 31, 23, 30))
    assert clock.today() == dt.date(2026, 4, 1)


@pytest.mark.commits
@pytest.mark.parametrize(
    ("sent_utc", "month"),
    [
        (dt.datetime(2026, 3, 31, 23, 30), dt.date(2026, 4, 1)),  # 00:30 BST on 1 April: April
        (dt.datetime(2026, 4, 30, 23, 30), dt.date(2026, 5, 1)),  # 00:30 BST on 1 May: May, not April
        (dt.datetime(2026, 4, 30, 22, 59), dt.date(2026, 4, 1)),  # 23:59 BST on 30 April: still April
    ],
)
def test_a_response_counts_in_its_uk_month_and_keeps_only_the_month(app, sent_utc, month):
    survey = survey_definitions(app)["local-offer-feedback"]
    with app.test_request_context():
        key = responses.new_draft_key()
        for page_id, data in FEEDBACK_ALL:
            responses.save_page(key, survey, page_id, data)
        db.session.commit()
        result = responses.submit(survey, key, "en", now=sent_utc)
        assert result.outcome is responses.Outcome.STORED
        stored = db.session.scalar(select(SurveyResponse).where(SurveyResponse.reference == result.reference))
        assert stored.submitted_on == month
