"""Opening times in words become schedules only where they are read for certain."""

from __future__ import annotations

import datetime as dt

import pytest

from app.content.opening_times import weekly_hours


def _read(text: str) -> list[tuple[str, str, str, str, str | None]]:
    return [
        (r.freq, r.byday, r.opens.strftime("%H:%M"), r.closes.strftime("%H:%M"), r.note) for r in weekly_hours(text)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Monday to Friday, 9am to 5pm", [("WEEKLY", "MO,TU,WE,TH,FR", "09:00", "17:00", None)]),
        (
            "Monday to Thursday, 8:30am to 6pm; Friday, 8:30am to 4:30pm",
            [("WEEKLY", "MO,TU,WE,TH", "08:30", "18:00", None), ("WEEKLY", "FR", "08:30", "16:30", None)],
        ),
        (
            "Monday to Friday, 9am to 5pm, and Saturday, 9am to 12pm",
            [("WEEKLY", "MO,TU,WE,TH,FR", "09:00", "17:00", None), ("WEEKLY", "SA", "09:00", "12:00", None)],
        ),
        (
            "Tuesdays and Thursdays, 9:30am to 11:30am, in school term time",
            [("WEEKLY", "TU,TH", "09:30", "11:30", "School term time only.")],
        ),
        ("Tuesday, Wednesday and Thursday, 10am to 3pm", [("WEEKLY", "TU,WE,TH", "10:00", "15:00", None)]),
        ("School day 8:45am to 3:15pm", [("WEEKLY", "MO,TU,WE,TH,FR", "08:45", "15:15", "School term time only.")]),
        ("Advice line Wednesdays, 10am to 12 noon", [("WEEKLY", "WE", "10:00", "12:00", None)]),
        ("Second Tuesday of the month, 10am to 12pm", [("MONTHLY", "2TU", "10:00", "12:00", None)]),
        ("Last Thursday of the month, 7:30pm to 8:30pm", [("MONTHLY", "-1TH", "19:30", "20:30", None)]),
        (
            "School holidays, Monday to Thursday, 10am to 3pm",
            [("WEEKLY", "MO,TU,WE,TH", "10:00", "15:00", "School holidays only.")],
        ),
    ],
)
def test_common_forms_are_read(text, expected):
    assert _read(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Open all day, every day. Advice line 24 hours a day.",
        "Every other Tuesday in term time, 5pm to 7pm",
        "Thursdays, 4pm to 6pm, April to October",
        "Childminders work different hours",
        "Friday to Monday, 9am to 5pm",  # runs over the weekend: not read as a range
        "Monday to Friday, 5pm to 9am",  # closes before it opens
        "Monday to Friday, 13pm to 15pm",
        "",
    ],
)
def test_anything_uncertain_is_left_as_words(text):
    assert weekly_hours(text) == []


def test_only_the_certain_part_of_mixed_text_is_read():
    assert _read("Sundays, 10am to 12pm, all year. Thursdays, 4pm to 6pm, April to October") == [
        ("WEEKLY", "SU", "10:00", "12:00", None)
    ]


def test_open_data_schedules_carry_the_rule_with_the_uk_offset_and_the_words(monkeypatch):
    from app.content import oruk

    monkeypatch.setattr(oruk, "today", lambda: dt.date(2026, 7, 1))
    summer = oruk.schedules("club", "sid", "Monday to Friday, 9am to 5pm; Saturday, 10am to 1pm")
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in summer] == [
        ("MO,TU,WE,TH,FR", "09:00+01:00", "17:00+01:00"),
        ("SA", "10:00+01:00", "13:00+01:00"),
    ]
    assert all(s["description"] == "Monday to Friday, 9am to 5pm; Saturday, 10am to 1pm" for s in summer)
    assert len({s["id"] for s in summer}) == 2
    monkeypatch.setattr(oruk, "today", lambda: dt.date(2026, 12, 1))
    assert oruk.schedules("club", "sid", "Monday to Friday, 9am to 5pm")[0]["opens_at"] == "09:00+00:00"
    words_only = oruk.schedules("club", "sid", "By arrangement with the family")
    assert words_only == [
        {"id": oruk.stable_id("schedule", "club"), "service_id": "sid", "description": "By arrangement with the family"}
    ]
