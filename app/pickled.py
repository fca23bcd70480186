"""Files the portal writes for itself to start faster: checked when read, written whole.

Each file is a first line naming what it holds (`magic`), the SHA-256 of the rest, and the
rest. A file that is missing, for something else, truncated or damaged reads as nothing, so
the caller makes the value again. A file is written to a temporary name and renamed into
place, so processes starting together never read a half-written one. The folder is created
readable by the portal's user alone. Files are named by `source_digest` of what made them, so
a new release of the code never reads an old one.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

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


def source_digest(libraries: Iterable[str], sources: Iterable[Path]) -> str:
    """A digest of Python's version, the installed versions of `libraries` and the `.py` files
    at `sources` (files, or folders read recursively): what a kept value was made by."""
    digest = hashlib.sha256(sys.version.encode())
    for library in libraries:
        try:
            digest.update(f"{library}={version(library)}".encode())
        except PackageNotFoundError:
            digest.update(library.encode())
    for root in sources:
        for path in sorted(root.rglob("*.py")) if root.is_dir() else [root]:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def read_pickled(path: Path, magic: bytes) -> Any | None:
    """The value pickled in `path` (see `read_checked`), or None when it cannot be read."""
    payload = read_checked(path, magic)
    if payload is None:
        return None
    # Unpickling a large value makes many objects, none of them garbage: the cyclic collector,
    # run again and again as they appear, would double the time it takes.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(payload)  # (written by the portal itself, checksum verified)
    except Exception:  # (any unpickling failure means: make the value again)
        log.warning("%s in %s cannot be read: it is made again", path.name, path.parent)
        return None
    finally:
        payload.release()
        if collecting:
            gc.enable()


def write_checked(path: Path, magic: bytes, payload: bytes, replaces: str | None = None) -> bool:
    """Write `payload` to `path` with its header, then remove the other files of its folder that
    match the pattern `replaces` (older entries); False (logged) when it cannot be written."""
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
    for old in path.parent.glob(replaces) if replaces else ():
        if old != path and not old.name.startswith(".writing-"):
            with contextlib.suppress(OSError):
                old.unlink(missing_ok=True)
    return True
