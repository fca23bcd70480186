"""Files the portal writes for itself to start faster: checked when read, written whole.

Each file is a first line naming what it holds (`magic`), the SHA-256 of the rest, and the
rest. A file that is missing, for something else, truncated or damaged reads as nothing, so
the caller makes the value again. A file is written to a temporary name and renamed into
place, so processes starting together never read a half-written one. The folder is created
readable by the portal's user alone.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)


def read_checked(path: Path, magic: bytes) -> memoryview | None:
    """The payload of `path`, or None when it is missing, not `magic`'s or damaged (logged)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    header_end = len(magic) + 65
    checksum, payload = data[len(magic) : header_end - 1], memoryview(data)[header_end:]
    if not data.startswith(magic) or hashlib.sha256(payload).hexdigest().encode() != checksum:
        log.warning("%s in %s is damaged: it is made again", path.name, path.parent)
        return None
    return payload


def write_checked(path: Path, magic: bytes, payload: bytes) -> bool:
    """Write `payload` to `path` with its header; False (logged) when the folder cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".writing-", suffix=path.suffix)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(magic + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.warning("%s not written to %s: %s", path.name, path.parent, type(exc).__name__)
        return False
    return True
