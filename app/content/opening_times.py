"""Opening times written for families ("Monday to Friday, 9am to 5pm") read as schedules.

Content authors write opening times as plain English. Open data wants them structured
(iCal days and times, as Open Referral UK's `schedule` has them). `weekly_hours(text)` reads
the common forms and returns nothing for a part it does not understand, so the words stay
the source of truth and a machine only gets what was read for certain:

- days: "Monday to Friday", "Tuesdays and Thursdays", "Tuesday, Wednesday and Thursday",
  "Saturday", "School day" (Monday to Friday in term time);
- times: "9am to 5pm", "8:30am to 4:30pm", "10am to 12 noon", "9am to 12pm";
- "second Tuesday of the month" (a monthly rule, iCal "2TU");
- "term time" or "school holidays" anywhere in the part becomes a note;
- a part naming months, "every other" or "fortnightly" is left as words.

Parts are separated by ";" or by a full stop between sentences; within a part, each time
range belongs to the days written before it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ICAL = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

_DAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?"
_TIME = r"(?:\d{1,2}(?::\d{2})?\s*(?:am|pm)|12\s*noon|noon|midday)"
_RANGE = re.compile(rf"(?P<opens>{_TIME})\s*(?:to|-|–)\s*(?P<closes>{_TIME})", re.IGNORECASE)
_DAY_RANGE = re.compile(rf"\b(?P<first>{_DAY})\s+to\s+(?P<last>{_DAY})\b", re.IGNORECASE)
_DAY_LIST = re.compile(rf"\b{_DAY}(?:\s*(?:,|and)\s*{_DAY})*\b", re.IGNORECASE)
_SCHOOL_DAY = re.compile(r"\bschool days?\b", re.IGNORECASE)
_TERM_TIME = re.compile(r"\bterm[- ]time\b", re.IGNORECASE)
_HOLIDAYS = re.compile(r"\bschool holidays\b", re.IGNORECASE)
_PARTS = re.compile(r";|\.\s+(?=[A-Z])")
_MONTHLY = re.compile(
    rf"\b(?P<nth>first|second|third|fourth|last)\s+(?P<day>{_DAY})\s+of\s+(?:the|each|every)\s+month\b", re.I
)
_NTH = {"first": "1", "second": "2", "third": "3", "fourth": "4", "last": "-1"}
#: Words that make a part's days uncertain for a weekly rule: it is left as words only.
_UNCERTAIN = re.compile(
    r"\b(?:every other|alternate|fortnightly|once a month|monthly|january|february|march|april|may|june|july"
    r"|august|september|october|november|december|by appointment)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class WeeklyHours:
    """Open on `days` (iCal codes, "2TU" for the second Tuesday when monthly) from `opens` to `closes`."""

    days: tuple[str, ...]
    opens: dt.time
    closes: dt.time
    note: str | None = None
    freq: str = "WEEKLY"

    @property
    def byday(self) -> str:
        return ",".join(self.days)


def _time(text: str) -> dt.time | None:
    words = text.lower().replace(" ", "")
    if words in {"12noon", "noon", "midday"}:
        return dt.time(12, 0)
    match = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?(am|pm)", words)
    if not match:
        return None
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if not 1 <= hour <= 12 or minute > 59:
        return None
    hour = hour % 12 + (12 if half == "pm" else 0)
    return dt.time(hour, minute)


def _day_index(word: str) -> int:
    return DAYS.index(word.lower().rstrip("s") if word.lower() not in DAYS else word.lower())


def _days(part: str) -> tuple[str, ...] | None:
    if _UNCERTAIN.search(part):
        return None
    if _SCHOOL_DAY.search(part):
        return ICAL[:5]
    found = _DAY_RANGE.search(part)
    if found:
        first, last = _day_index(found["first"]), _day_index(found["last"])
        if last < first:
            return None
        return ICAL[first : last + 1]
    listed = _DAY_LIST.search(part)
    if not listed:
        return None
    names = re.findall(_DAY, listed.group(0), re.IGNORECASE)
    return tuple(ICAL[i] for i in sorted({_day_index(name) for name in names}))


def _note(part: str) -> str | None:
    if _TERM_TIME.search(part) or _SCHOOL_DAY.search(part):
        return "School term time only."
    if _HOLIDAYS.search(part):
        return "School holidays only."
    return None


def weekly_hours(text: str | None) -> list[WeeklyHours]:
    """Every weekly opening read for certain from `text` (an empty list when none is)."""
    found: list[WeeklyHours] = []
    for part in _PARTS.split(text or ""):
        if _UNCERTAIN.search(part):  # "April to October", "every other Tuesday"
            continue
        note, start = _note(part), 0
        for times in _RANGE.finditer(part):  # "Monday to Friday, 9am to 5pm, and Saturday, 9am to 12pm"
            before = part[start : times.start()]
            start = times.end()
            opens, closes = _time(times["opens"]), _time(times["closes"])
            if opens is None or closes is None or opens >= closes:
                continue
            monthly = _MONTHLY.search(before)
            if monthly:
                day = _NTH[monthly["nth"].lower()] + ICAL[_day_index(monthly["day"])]
                found.append(WeeklyHours((day,), opens, closes, note, "MONTHLY"))
            elif days := _days(before):
                found.append(WeeklyHours(days, opens, closes, note))
    return found
