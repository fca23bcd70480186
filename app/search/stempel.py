"""Stempel, Lucene's Polish stemmer, read into compact rows.

pystempel's own reader builds a sorted dictionary of cell objects for each of the table's
36,000 rows, reading it four bytes at a time: about 270 MB and many seconds in every process.
This reader takes each trie's rows with a few `struct` calls into one string of cell
characters and two integer arrays (about 10 MB, read in a fraction of a second). The trie walk
and the patch are still pystempel's own: its `Trie` only asks a row for `get_cmd` and `get_ref`.
"""

from __future__ import annotations

import gzip
import struct
import sys
from array import array
from collections.abc import Callable, Sequence
from importlib import resources

from pystempel import Stemmer
from pystempel.egothor import MultiTrie2, Trie

TABLE = ("pystempel.data.polimorf", "stemmer_polimorf.tbl.gz")
#: One cell: its character (a UTF-16 unit), command, count, next row and skip.
CELL = struct.Struct(">Hiiii")
#: Where each field the trie walk reads starts in a cell.
WAY, CMD, REF = 0, 2, 10


class Row:
    """One trie row, a view of its cells in its trie's `Rows`."""

    __slots__ = ("end", "rows", "start")

    def __init__(self, rows: Rows, start: int, end: int) -> None:
        self.rows, self.start, self.end = rows, start, end

    def get_cmd(self, way: str) -> int:
        at = self.rows.ways.find(way, self.start, self.end)
        return self.rows.cmds[at] if at >= 0 else -1

    def get_ref(self, way: str) -> int:
        at = self.rows.ways.find(way, self.start, self.end)
        return self.rows.refs[at] if at >= 0 else -1


class Rows(Sequence[Row]):
    """Every row of one trie: each cell's character, command and next row, row after row."""

    def __init__(self, ways: str, cmds: array, refs: array, starts: array) -> None:
        self.ways, self.cmds, self.refs, self.starts = ways, cmds, refs, starts

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __getitem__(self, index: int) -> Row:  # type: ignore[override]
        if not 0 <= index < len(self.starts) - 1:
            raise IndexError(index)
        return Row(self, self.starts[index], self.starts[index + 1])


class _Reader:
    """Java `DataInputStream` reads over bytes already in memory."""

    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def unpack(self, fmt: str) -> tuple:
        values = struct.unpack_from(fmt, self.data, self.at)
        self.at += struct.calcsize(fmt)
        return values

    def int(self) -> int:
        return self.unpack(">i")[0]

    def utf(self) -> str:
        (length,) = self.unpack(">H")
        text = self.data[self.at : self.at + length].decode("utf-8")
        self.at += length
        return text

    def rows(self) -> Rows:
        """Rows as Stempel writes them: a count, then (char, cmd, cnt, ref, skip) per cell."""
        data, count_of = self.data, struct.Struct(">i").unpack_from
        pieces, starts, cells = [], array("i", [0]), 0
        for _ in range(self.int()):
            (count,) = count_of(data, self.at)
            start, self.at = self.at + 4, self.at + 4 + CELL.size * count
            pieces.append(data[start : self.at])
            cells += count
            starts.append(cells)
        cells_data = b"".join(pieces)
        ways = _column(cells_data, WAY, 2).decode("utf-16-be", "surrogatepass")
        return Rows(ways, _ints(_column(cells_data, CMD, 4)), _ints(_column(cells_data, REF, 4)), starts)

    def trie(self) -> Trie:
        forward = self.unpack("?")[0]
        root = self.int()
        cmds = [self.utf() for _ in range(self.int())]
        return Trie(forward=forward, root=root, cmds=cmds, rows=self.rows())


def _column(cells: bytes, offset: int, width: int) -> bytes:
    """One field of every cell, end to end: strided slices, no object per cell."""
    count = len(cells) // CELL.size
    column = bytearray(count * width)
    for byte in range(width):
        column[byte::width] = cells[offset + byte :: CELL.size]
    return bytes(column)


def _ints(big_endian: bytes) -> array:
    """Java's big-endian 32-bit integers as a native array."""
    values = array("i")
    values.frombytes(big_endian)
    if sys.byteorder == "little":
        values.byteswap()
    return values


def read_table(data: bytes) -> Trie:
    """The stemming trie in a Stempel table's (uncompressed) bytes."""
    reader = _Reader(data)
    method = reader.utf().upper()
    if "M" not in method:
        return reader.trie()
    multi = MultiTrie2()
    multi.forward = reader.unpack("?")[0]
    multi.BY = reader.int()
    multi.tries = [reader.trie() for _ in range(reader.int())]
    return multi


def polish_stemmer() -> Callable[[str], str]:
    """Stem one lowercased Polish word with the PoliMorf table shipped in pystempel."""
    package, name = TABLE
    data = gzip.decompress((resources.files(package) / name).read_bytes())
    stemmer = Stemmer(read_table(data))

    def stem_polish(word: str) -> str:
        return stemmer(word) or word

    return stem_polish
