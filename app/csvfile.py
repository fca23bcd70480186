"""Reading CSV files as people produce them: saved from Excel (UTF-8 with a BOM, or Windows-1252)."""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

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
