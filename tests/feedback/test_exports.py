"""Tables written as CSV, XLSX and JSON: typed values, suppression and no spreadsheet formulas."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from openpyxl import load_workbook

from app.feedback.exports import table_csv, tables_json, write_xlsx
from app.feedback.suppression import count, difference, percentage
from app.feedback.tables import Column, Table

TABLE = Table(
    "example",
    "Example",
    (
        Column("name", "Name"),
        Column("comments", "Comments", "count"),
        Column("share", "Share (%)", "percent"),
        Column("change", "Change (points)", "points"),
        Column("month", "Month", "month"),
    ),
    (
        (
            '=HYPERLINK("http://example.com")',
            count(12),
            percentage(3, 12),
            difference(percentage(9, 12), percentage(3, 6)),
            dt.date(2026, 3, 1),
        ),
        ("Small", count(3), percentage(1, 3), difference(percentage(1, 3), percentage(3, 6)), dt.date(2026, 4, 1)),
    ),
)


def test_csv_numbers_suppression_and_no_formulas():
    rows = list(csv.reader(io.StringIO("".join(table_csv(TABLE)).lstrip("\ufeff"))))
    assert rows[0] == ["Name", "Comments", "Share (%)", "Change (points)", "Month"]
    assert rows[1] == ['\'=HYPERLINK("http://example.com")', "12", "25.0", "25.0", "2026-03"]
    assert rows[2] == ["Small", "fewer than 5", "fewer than 5", "fewer than 5", "2026-04"]


def test_xlsx_cells_are_typed_and_text_is_never_a_formula():
    buffer = io.BytesIO()
    write_xlsx([TABLE], buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue()))["example"]
    name, comments, share, change, month = next(sheet.iter_rows(min_row=2, max_row=2))
    assert name.data_type == "s" and name.value.startswith("=HYPERLINK")
    assert comments.value == 12
    assert share.value == 0.25 and share.number_format == "0.0%"
    assert change.value == 25.0
    assert month.value == dt.datetime(2026, 3, 1) and month.number_format == "mmm yyyy"
    assert [c.value for c in next(sheet.iter_rows(min_row=3, max_row=3))][1:4] == ["fewer than 5"] * 3


def test_json_keeps_value_text_and_suppression():
    document = json.loads("".join(tables_json([TABLE], {"period": "2026-Q1"})))
    first, second = document["tables"][0]["rows"]
    assert first["share"] == {"value": 25.0, "text": "25.0%", "suppressed": False}
    assert second["comments"] == {"value": None, "text": "fewer than 5", "suppressed": True}
    assert first["month"] == "2026-03"
    assert document["about"] == {"period": "2026-Q1"}
