"""The parsed content directory, cached on disk so that a process starts without re-rendering it.

Reading `content/` means parsing every file's YAML, validating it and rendering its markdown:
about 5 ms a page, so 50 s at 10,000 pages for every process that starts. The result (the
`ContentStore` that `read_content()` builds) is pickled into the cache folder under a key made
of the content's fingerprint (every file's path and bytes), the folder's location and the
code that reads it, so an edited file, a moved folder or a new release of the portal never
reads an old entry. The next start with the same content unpickles it.

The cache is only ever a shortcut: an entry that is missing, unreadable, truncated, corrupt
(its SHA-256 is checked before unpickling) or for other content is ignored and replaced, and a
cache folder that cannot be written is logged and skipped. Entries are written to a temporary
file and renamed into place, so processes starting together never read a half-written one.
The folder holds only what the portal wrote itself; keep it writable by the portal's user
alone (like the rest of `instance/`).
"""

from __future__ import annotations

import hashlib
import io
import logging
import pickle
from functools import cache
from pathlib import Path
from types import MappingProxyType

from pydantic import BaseModel

from ..pickled import read_pickled, source_digest, write_checked
from .store import ContentStore

log = logging.getLogger(__name__)

#: The first line of every cache file; a file without it is not an entry.
MAGIC = b"portal-content-cache 1\n"
SUFFIX = ".pickle"
#: The code whose output is cached: a change to any of it makes a new key.
_CODE = (Path(__file__).parent, Path(__file__).parent.parent / "yaml_loader.py")


def _proxy(mapping: dict) -> MappingProxyType:
    return MappingProxyType(mapping)


#: One set object for each distinct set of fields given: 10,000 services share a handful.
_FIELDS_SETS: dict[frozenset[str], set[str]] = {}


def _model(cls: type[BaseModel], values: dict, fields_set: frozenset[str]) -> BaseModel:
    """A validated model rebuilt from its values, as pydantic's own unpickling does, in one call.

    The front matter models are frozen, and pydantic copies the set of fields given before
    changing it (`model_copy`), so models with the same fields can share one set: a set per
    model was a third of the store's memory.
    """
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", values)
    shared = _FIELDS_SETS.setdefault(fields_set, set(fields_set)) if cls.model_config.get("frozen") else None
    object.__setattr__(model, "__pydantic_fields_set__", shared if shared is not None else set(fields_set))
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model


class _Pickler(pickle.Pickler):
    """Read-only mappings as the dicts they wrap; front matter models by their values.

    Pydantic's own pickling costs two Python calls and a state dict per model, which made
    unpickling the front matter four-fifths of reading the cache.
    """

    def reducer_override(self, obj: object) -> object:
        if type(obj) is MappingProxyType:
            return _proxy, (dict(obj),)
        if (
            isinstance(obj, BaseModel)
            and obj.__pydantic_extra__ is None
            and obj.__pydantic_private__ is None
            and not type(obj).__pydantic_root_model__
        ):
            return _model, (type(obj), obj.__dict__, frozenset(obj.__pydantic_fields_set__))
        return NotImplemented


@cache
def code_digest() -> str:
    """A digest of the content package's source, the YAML loader and the libraries that render."""
    return source_digest(("markdown-it-py", "mdit-py-plugins", "nh3", "pydantic", "PyYAML"), _CODE)


def cache_key(content_dir: Path, fingerprint: str) -> str:
    """The name of the entry for `content_dir` whose files have `fingerprint`."""
    digest = hashlib.sha256()
    for part in (fingerprint, str(content_dir.resolve()), code_digest()):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def read_cached(cache_dir: Path, content_dir: Path, fingerprint: str) -> ContentStore | None:
    """The cached store for this content, or None (missing, corrupt or for other content)."""
    store = read_pickled(cache_dir / (cache_key(content_dir, fingerprint) + SUFFIX), MAGIC)
    if not isinstance(store, ContentStore) or store.fingerprint != fingerprint:
        return None
    return store


def write_cache(cache_dir: Path, content_dir: Path, store: ContentStore) -> None:
    """Store `store` as this content's entry and remove older entries (failures are only logged)."""
    buffer = io.BytesIO()
    try:
        _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(store)
    except Exception as exc:  # (content that cannot be pickled is simply not cached)
        log.warning("Content cache not written: %s", type(exc).__name__)
        return
    path = cache_dir / (cache_key(content_dir, store.fingerprint) + SUFFIX)
    write_checked(path, MAGIC, buffer.getvalue(), replaces="*" + SUFFIX)
