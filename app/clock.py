"""The one clock: timestamps are stored in UTC; reporting days, months and quarters are UK ones.

Every "now" and "today" in the portal comes from here. A moment is stored as a naive UTC
datetime (`utcnow()`); the day it counts towards in figures, file names and checks is the
day it was in the UK (`reporting_day()`), so a response sent at 00:30 BST on 1 April is an
April response, not a March one. Months and quarters follow from the UK day.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

#: Where reporting days begin and end.
UK = ZoneInfo("Europe/London")


def utcnow() -> dt.datetime:
    """The current time in UTC without tzinfo (how every timestamp is stored)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def reporting_day(moment: dt.datetime | None = None) -> dt.date:
    """The UK date of `moment` (a naive UTC timestamp, or an aware one); of now when None."""
    moment = moment or utcnow()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(UK).date()


def today() -> dt.date:
    """Today in the UK: the reporting day of now."""
    return reporting_day()


def uk_to_utc(day: dt.date, time: dt.time) -> dt.datetime:
    """A UK date and wall-clock time as naive UTC, how times are stored."""
    return dt.datetime.combine(day, time, tzinfo=UK).astimezone(dt.UTC).replace(tzinfo=None)


def reporting_month(moment: dt.datetime | dt.date) -> tuple[int, int]:
    """(year, month) a timestamp (naive UTC) or a UK date counts towards."""
    day = reporting_day(moment) if isinstance(moment, dt.datetime) else moment
    return day.year, day.month


def reporting_quarter(moment: dt.datetime | dt.date) -> tuple[int, int]:
    """(year, calendar quarter 1 to 4) a timestamp (naive UTC) or a UK date counts towards."""
    year, month = reporting_month(moment)
    return year, (month - 1) // 3 + 1
