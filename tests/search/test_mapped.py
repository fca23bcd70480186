"""Segment files are read from the memory map, byte for byte as Whoosh's own copy reads them."""

from __future__ import annotations

import io
import os
import pickle
from pathlib import Path

from whoosh.filedb import compound

from app.search import SearchIndex
from app.search.mapped import MemoryReader, SharedBufferFile

DATA = b"first line\nsecond\n" + pickle.dumps({"a": [1, 2, 3]}) + b"\nlast, without a newline"


def test_the_reader_reads_lines_pickles_and_ranges_as_a_bytes_file_does() -> None:
    mine, theirs = MemoryReader(memoryview(DATA)), io.BytesIO(DATA)
    for step in (lambda f: f.readline(), lambda f: f.read(3), lambda f: f.readline(4), lambda f: f.readline()):
        assert step(mine) == step(theirs)
    assert mine.tell() == theirs.tell()
    for offset, whence in ((5, os.SEEK_SET), (2, os.SEEK_CUR), (-4, os.SEEK_END)):
        assert mine.seek(offset, whence) == theirs.seek(offset, whence)
        assert mine.read() == theirs.read()
    mine.seek(len(b"first line\nsecond\n"))
    assert pickle.load(mine) == {"a": [1, 2, 3]}
    into = bytearray(5)
    mine.seek(0)
    assert mine.readinto(into) == 5 and bytes(into) == DATA[:5]
    assert list(MemoryReader(memoryview(b"a\nb\n"))) == [b"a\n", b"b\n"]


def test_searchers_read_segments_through_the_shared_map(search_index_dir: Path) -> None:
    assert compound.BufferFile is SharedBufferFile
    results = SearchIndex(search_index_dir).search("short breaks")
    assert results.total > 0 and results.hits[0].url
