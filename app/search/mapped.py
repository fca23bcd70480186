"""Whoosh's segment files read straight from their memory map, not from a copy of each.

Whoosh maps a segment's compound file into memory, then opens each part of it as a
`BufferFile`, whose `BytesIO` copies the part: at 10,000 pages, 21 MB for every searcher, and
each of a worker's threads has its own. `SharedBufferFile` reads the same bytes through a
file-like view of the map, so every searcher in a process shares the map (and the operating
system's page cache shares it between processes). `install()` makes Whoosh's compound
storage use it; nothing else in Whoosh changes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from whoosh.filedb import compound
from whoosh.filedb.structfile import BufferFile

#: How far `readline` looks ahead at a time.
_LINE_CHUNK = 4096


class MemoryReader:
    """A read-only file over a memoryview, sharing its memory (what `BufferFile` reads through)."""

    def __init__(self, view: memoryview) -> None:
        self._view = view
        self._at = 0

    def read(self, size: int | None = -1) -> bytes:
        end = len(self._view) if size is None or size < 0 else min(len(self._view), self._at + size)
        data = self._view[self._at : end].tobytes()
        self._at = max(self._at, end)
        return data

    def readinto(self, buffer: bytearray | memoryview) -> int:
        count = max(0, min(len(buffer), len(self._view) - self._at))
        buffer[:count] = self._view[self._at : self._at + count]
        self._at += count
        return count

    def readline(self, size: int | None = -1) -> bytes:
        limit = len(self._view) if size is None or size < 0 else min(len(self._view), self._at + size)
        start = end = self._at
        while end < limit:
            chunk = self._view[end : min(limit, end + _LINE_CHUNK)].tobytes()
            newline = chunk.find(b"\n")
            if newline >= 0:
                end += newline + 1
                break
            end += len(chunk)
        self._at = end
        return self._view[start:end].tobytes()

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._at, os.SEEK_END: len(self._view)}[whence]
        self._at = max(0, base + offset)
        return self._at

    def tell(self) -> int:
        return self._at

    def close(self) -> None:
        self._view.release()


class SharedBufferFile(BufferFile):
    """Whoosh's `BufferFile`, reading through a `MemoryReader` instead of a copy in a `BytesIO`."""

    def __init__(self, buf: memoryview | bytes, name: str | None = None, onclose=None) -> None:
        super().__init__(b"", name=name, onclose=onclose)
        self._buf = buf
        self.file = MemoryReader(memoryview(buf))


def install() -> None:
    """Make Whoosh's compound (segment) storage open its parts as `SharedBufferFile`s."""
    compound.BufferFile = SharedBufferFile
