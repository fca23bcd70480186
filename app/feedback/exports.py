"""Writing tables as CSV, XLSX and JSON, and the anonymised raw-responses file.

CSV and JSON are produced as streams of text, so a large export starts straight away and is
never held in memory whole. Formula neutralising (`neutralise`) belongs to the spreadsheet
formats only: every CSV cell goes through it and XLSX text is stored as text, while JSON
carries the values as they are.

The workbook is made for a person: a README sheet first (what the sheets hold, the filters,
and how suppression works), then one sheet per table with typed cells, percentages and targets
alike as numbers formatted "0.0%", column widths set, the header row frozen, and suppressed
figures stored as empty cells with a note, so a column still adds up.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

from ..cleaning import clean_text
from ..csvfile import csv_lines
from .records import approved_texts, raw_responses
from .redaction import redact
from .suppression import EXPLANATION, SUPPRESSED_TEXT, Figure
from .tables import Cell, Column, Table

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
PERCENT_FORMAT = "0.0%"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _csv_value(cell: Cell, column: Column) -> str | int | float:
    if isinstance(cell, Figure):
        if cell.suppressed or cell.value is None:
            return cell.text
        return cell.value
    if cell is None:
        return ""
    if isinstance(cell, dt.date):
        return cell.strftime("%Y-%m") if column.kind == "month" else cell.isoformat()
    return cell


def table_csv(table: Table) -> Iterator[str]:
    """One table as CSV: numbers as numbers (percentages out of 100), suppressed figures as text."""
    rows = ([_csv_value(cell, column) for cell, column in zip(row, table.columns, strict=True)] for row in table.rows)
    return csv_lines([column.label for column in table.columns], rows)


def _json_value(cell: Cell, column: Column) -> Any:
    if isinstance(cell, Figure):
        return cell.as_json()
    if isinstance(cell, dt.date):
        return cell.strftime("%Y-%m") if column.kind == "month" else cell.isoformat()
    return cell


def table_json(table: Table) -> dict[str, Any]:
    """One table as a JSON-ready dict: its columns and rows keyed by column."""
    return {
        "name": table.name,
        "title": table.title,
        "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in table.columns],
        "rows": [
            {column.key: _json_value(cell, column) for cell, column in zip(row, table.columns, strict=True)}
            for row in table.rows
        ],
    }


def tables_json(tables: Sequence[Table], about: dict[str, Any]) -> Iterator[str]:
    """Several tables as one JSON document, table by table."""
    yield '{"about": ' + json.dumps(about, ensure_ascii=False) + ', "tables": ['
    for index, table in enumerate(tables):
        yield ("," if index else "") + json.dumps(table_json(table), ensure_ascii=False)
    yield "]}"


# XLSX ----------------------------------------------------------------------------------------


def _xlsx_cell(sheet, cell: Cell, column: Column) -> WriteOnlyCell:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment

    if isinstance(cell, Figure):
        if cell.suppressed:
            out = WriteOnlyCell(sheet, None)
            out.comment = Comment(str(SUPPRESSED_TEXT).capitalize() + ". " + str(EXPLANATION), "")
            return out
        if cell.value is None:
            return WriteOnlyCell(sheet, None)
        if cell.points:
            out = WriteOnlyCell(sheet, float(cell.value))
            out.number_format = "+0.0;-0.0;0.0"
            return out
        if cell.percent:
            out = WriteOnlyCell(sheet, cell.value / 100)
            out.number_format = PERCENT_FORMAT
            return out
        return WriteOnlyCell(sheet, int(cell.value))
    if isinstance(cell, dt.date):
        out = WriteOnlyCell(sheet, cell)
        out.number_format = "mmm yyyy" if column.kind == "month" else "yyyy-mm-dd"
        return out
    if column.kind == "percent" and isinstance(cell, int | float):
        out = WriteOnlyCell(sheet, cell / 100)
        out.number_format = PERCENT_FORMAT
        return out
    if isinstance(cell, str):
        # A spreadsheet cannot hold control characters: text stored before input was cleaned loses them.
        out = WriteOnlyCell(sheet, clean_text(cell))
        out.data_type = "s"  # never a formula, whatever the text starts with
        return out
    out = WriteOnlyCell(sheet, cell)
    return out


def _width(column: Column, table: Table, index: int) -> float:
    """A column width that fits the heading (wrapped at 30 characters) and the longest value."""
    texts = (row[index].text if isinstance(row[index], Figure) else str(row[index]) for row in table.rows)
    longest = max((len(text) for text in texts), default=0)
    return float(min(max(len(column.label) if len(column.label) <= 30 else 30, longest, 8) + 2, 80))


def _readme(workbook: Workbook, tables: Sequence[Table], about: Mapping[str, str]) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    sheet = workbook.create_sheet("README")
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 100
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")

    def line(key: str, value: str = "") -> None:
        first = WriteOnlyCell(sheet, clean_text(key))
        first.font = bold
        first.alignment = wrap
        second = WriteOnlyCell(sheet, clean_text(value))
        second.data_type = "s"
        second.alignment = wrap
        sheet.append([first, second])

    line(str(SUPPRESSED_TEXT).capitalize(), str(EXPLANATION))
    line(
        "",
        str(
            _l(
                "Suppressed figures are empty cells with a note, so a column still adds up; "
                "a sum counts only the figures shown."
            )
        ),
    )
    line(str(_l("Empty cells")), str(_l("An empty cell without a note is a percentage with no responses to divide.")))
    line(
        str(_l("Percentages")),
        str(_l("Percentages and targets are numbers from 0 to 1 shown as per cent (0.8 is 80%).")),
    )
    for key, value in about.items():
        line(key, value)
    line("")
    line(str(_l("Sheet")), str(_l("What it holds")))
    for table in tables:
        line(table.name[:31], str(table.title))


def write_xlsx(tables: Sequence[Table], stream: IO[bytes], about: Mapping[str, str] | None = None) -> None:
    """A workbook: a README sheet, then one sheet per table (write-only, so memory stays flat)."""
    # openpyxl is imported by the first workbook made, not when the portal starts.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    _readme(workbook, tables, about or {})
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(clean_text(table.name)[:31])
        sheet.freeze_panes = "B2"
        for index, column in enumerate(table.columns):
            sheet.column_dimensions[get_column_letter(index + 1)].width = _width(column, table, index)
        header = []
        for column in table.columns:
            cell = WriteOnlyCell(sheet, clean_text(str(column.label)))
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            sheet.append([_xlsx_cell(sheet, cell, column) for cell, column in zip(row, table.columns, strict=True)])
    workbook.save(stream)


# Anonymised responses -------------------------------------------------------------------------

RAW_HEADER = ["response", "survey", "survey_version", "language", "channel", "month"]


def raw_header(columns: Sequence[tuple[str, str, bool]]) -> list[str]:
    """The raw export's columns: the response's details, then "survey.question" for every question."""
    return RAW_HEADER + [f"{survey_id}.{question_id}" for survey_id, question_id, _free in columns]


def raw_rows(columns: Sequence[tuple[str, str, bool]]) -> Iterator[list[str]]:
    """Anonymised responses: no reference, the month not the day, free text only if approved and redacted.

    Values are as stored: `csv_lines` neutralises formulas for the CSV file; JSON keeps them as they are.
    """
    approved = approved_texts()
    for number, (response, answers) in enumerate(raw_responses(), start=1):
        row = [
            str(number),
            response.survey_id,
            response.survey_version,
            response.locale,
            response.channel,
            response.submitted_on.strftime("%Y-%m"),
        ]
        for survey_id, question_id, free_text in columns:
            value = answers.get(question_id) if survey_id == response.survey_id else None
            if value is None:
                row.append("")
            elif isinstance(value, list):
                row.append("; ".join(value))
            elif free_text:
                quotable = (response.reference, question_id, value) in approved
                row.append(redact(value) if quotable else "")
            else:
                row.append(value)
        yield row


def raw_csv(columns: Sequence[tuple[str, str, bool]], rows: Iterable[list[str]] | None = None) -> Iterator[str]:
    """The anonymised responses as CSV, streamed (`rows` defaults to `raw_rows(columns)`)."""
    return csv_lines(raw_header(columns), raw_rows(columns) if rows is None else rows)


def raw_json(columns: Sequence[tuple[str, str, bool]], rows: Iterable[list[str]] | None = None) -> Iterator[str]:
    """The anonymised responses as JSON, streamed: values exactly as given, never spreadsheet-escaped."""
    header = raw_header(columns)
    yield '{"columns": ' + json.dumps(header) + ', "responses": ['
    for index, row in enumerate(raw_rows(columns) if rows is None else rows):
        yield ("," if index else "") + json.dumps(dict(zip(header, row, strict=True)), ensure_ascii=False)
    yield "]}"
