"""Tables written as CSV, XLSX and JSON: typed values, suppression and no spreadsheet formulas."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from openpyxl import load_workbook

from app.csvfile import neutralise
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
    assert rows[2] == ["Small", "not shown", "not shown", "not shown", "2026-04"]


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
    small = next(sheet.iter_rows(min_row=3, max_row=3))[1:4]
    assert [c.value for c in small] == [None] * 3, "suppressed figures are empty, so a column still adds up"
    assert all("fewer than 5" in c.comment.text for c in small)


def test_xlsx_is_made_for_a_person():
    buffer = io.BytesIO()
    write_xlsx([TABLE], buffer, {"Showing": "All surveys"})
    workbook = load_workbook(io.BytesIO(buffer.getvalue()))
    assert workbook.sheetnames == ["README", "example"]
    readme = [row for row in workbook["README"].iter_rows(values_only=True)]
    assert ("Showing", "All surveys") in readme
    assert any(row[0] == "example" and row[1] == "Example" for row in readme)
    sheet = workbook["example"]
    assert sheet.freeze_panes == "B2"
    assert all(sheet.column_dimensions[letter].width >= 10 for letter in "ABCDE")


def test_only_spreadsheet_formats_neutralise_formulas():
    document = json.loads("".join(tables_json([TABLE], {})))
    assert document["tables"][0]["rows"][0]["name"] == '=HYPERLINK("http://example.com")'
    assert neutralise("-2 weeks late") == "'-2 weeks late" and neutralise(-2) == -2


def test_json_keeps_value_text_and_suppression():
    document = json.loads("".join(tables_json([TABLE], {"period": "2026-Q1"})))
    first, second = document["tables"][0]["rows"]
    assert first["share"] == {"value": 25.0, "text": "25.0%", "suppressed": False}
    assert second["comments"] == {"value": None, "text": "not shown", "suppressed": True}
    assert first["month"] == "2026-03"
    assert document["about"] == {"period": "2026-Q1"}
