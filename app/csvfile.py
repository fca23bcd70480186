"""CSV files as people use them: reading what Excel saves (UTF-8 with a BOM, or Windows-1252), and writing
files Excel opens (UTF-8 with a BOM) where no cell runs as a formula."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

#: Text a spreadsheet would run as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Encodings tried in turn: UTF-8 (with or without Excel's byte-order mark), then Windows-1252.
ENCODINGS = ("utf-8-sig", "cp1252")


@dataclass(frozen=True, slots=True)
class DecodedFile:
    """A file's text and the encoding it was read with."""

    text: str
    encoding: str


def decode(data: bytes) -> DecodedFile:
    """Decode bytes as UTF-8 (BOM or not), falling back to Windows-1252 and finally Latin-1."""
    return decode_text(data) or DecodedFile(data.decode("latin-1"), "latin-1")


def decode_text(data: bytes) -> DecodedFile | None:
    """Decode bytes as UTF-8 (BOM or not) or Windows-1252; None when they are neither (not a text file)."""
    for encoding in ENCODINGS:
        try:
            return DecodedFile(data.decode(encoding), encoding)
        except UnicodeDecodeError:
            continue
    return None


def sniff_dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    """Comma, semicolon or tab separated, as the first lines suggest; comma when unsure."""
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel


@contextmanager
def atomic_writer(path: Path, encoding: str = "utf-8-sig") -> Iterator[TextIO]:
    """Write to a temporary file beside `path` and move it into place only when writing succeeded."""
    path = Path(path)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or Path("."))
    try:
        with os.fdopen(handle, "w", encoding=encoding, newline="") as stream:
            yield stream
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def neutralise(value: Any) -> Any:
    """A spreadsheet cell's text that will not run as a formula ("'=SUM(...)"); other values unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """CSV text, one line at a time (with a byte-order mark first, so Excel reads UTF-8); no cell is a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(value) for value in header])
    yield "\ufeff" + _drain(buffer)
    for row in rows:
        writer.writerow([neutralise(value) for value in row])
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
