"""Writing tables as CSV, XLSX and JSON, and the anonymised raw-responses file.

CSV and JSON are produced as streams of text, so a large export starts straight away and is
never held in memory whole. XLSX has one sheet per table with typed cells (whole numbers,
percentages, dates); a suppressed figure is the text "fewer than 5" in every format.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from ..cleaning import clean_text
from .suppression import Figure
from .tables import Cell, Column, Table

#: Text a spreadsheet would run as a formula; such cells are written as plain text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(cell: Cell, column: Column) -> str | int | float:
    if isinstance(cell, Figure):
        if cell.suppressed or cell.value is None:
            return cell.text
        return cell.value
    if cell is None:
        return ""
    if isinstance(cell, dt.date):
        return cell.strftime("%Y-%m") if column.kind == "month" else cell.isoformat()
    if isinstance(cell, str) and cell.startswith(_FORMULA_STARTS):
        return "'" + cell
    return cell


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """CSV text, one line at a time (with a byte-order mark first, so Excel reads UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    yield "\ufeff" + _drain(buffer)
    for row in rows:
        writer.writerow(row)
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


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


def _xlsx_cell(sheet, cell: Cell, column: Column) -> WriteOnlyCell:
    if isinstance(cell, Figure):
        if cell.suppressed or cell.value is None:
            return WriteOnlyCell(sheet, cell.text)
        if cell.points:
            out = WriteOnlyCell(sheet, float(cell.value))
            out.number_format = "+0.0;-0.0;0.0"
            return out
        if cell.percent:
            out = WriteOnlyCell(sheet, cell.value / 100)
            out.number_format = "0.0%"
            return out
        return WriteOnlyCell(sheet, int(cell.value))
    if isinstance(cell, dt.date):
        out = WriteOnlyCell(sheet, cell)
        out.number_format = "mmm yyyy" if column.kind == "month" else "yyyy-mm-dd"
        return out
    if column.kind == "percent" and isinstance(cell, int | float):
        out = WriteOnlyCell(sheet, cell / 100)
        out.number_format = "0.0%"
        return out
    if isinstance(cell, str):
        # A spreadsheet cannot hold control characters: text stored before input was cleaned loses them.
        out = WriteOnlyCell(sheet, clean_text(cell))
        out.data_type = "s"  # never a formula, whatever the text starts with
        return out
    out = WriteOnlyCell(sheet, cell)
    return out


def write_xlsx(tables: Sequence[Table], stream: IO[bytes]) -> None:
    """A workbook with one sheet per table (write-only, so memory stays flat for large tables)."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(clean_text(table.name)[:31])
        header = []
        for column in table.columns:
            cell = WriteOnlyCell(sheet, clean_text(str(column.label)))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            sheet.append([_xlsx_cell(sheet, cell, column) for cell, column in zip(row, table.columns, strict=True)])
    workbook.save(stream)


def safe_text(value: str) -> str:
    """Text for a CSV cell that a spreadsheet will not run as a formula."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value
