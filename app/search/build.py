"""Building the index from the content store, and swapping it in atomically.

Layout of the index folder (`SEARCH_INDEX_DIR`):

    CURRENT                 the name of the live build, replaced atomically
    index-<time>-<id>/      a complete Whoosh index plus build.json
    .building-<id>/         a build in progress (never read)

A build is written to a hidden folder, renamed to its final name when complete, and only
then named in CURRENT. Readers resolve CURRENT once and open that folder, so a running
site sees either the old index or the new one, never half of either. The previous build is
kept so that a process still reading it is not disturbed; older ones are removed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import has_app_context
from flask_babel import force_locale
from whoosh.index import create_in

from .. import clock
from ..content import CATEGORIES, NEED_AREAS, SECTIONS, ContentStore, Document, GlossaryTerm
from .analysis import Synonyms, default_synonyms
from .schema import DEFAULT_LANG, SCHEMA_VERSION, field_name, make_schema

CURRENT_FILE = "CURRENT"
BUILD_FILE = "build.json"
SPELLING_FILE = "spelling.json"
BUILD_PREFIX = "index-"
TEMP_PREFIX = ".building-"
#: Whoosh's in-memory posting pool. Larger pools avoid sorting runs on disk: at 10,000
#: services a 2 GB pool (about 0.8 GB resident in practice) builds in about half the time.
BUILD_MEMORY_MB = 2048

Record = dict[str, Any]


@dataclass(frozen=True)
class BuildInfo:
    """What an index was built from: recorded in build.json next to the index."""

    path: Path
    fingerprint: str
    documents: int
    built_at: str
    synonyms: str = ""
    schema_version: int = SCHEMA_VERSION
    languages: tuple[str, ...] = (DEFAULT_LANG,)

    def to_json(self) -> str:
        return json.dumps(
            {
                "fingerprint": self.fingerprint,
                "synonyms": self.synonyms,
                "documents": self.documents,
                "built_at": self.built_at,
                "schema_version": self.schema_version,
                "languages": list(self.languages),
            },
            indent=2,
        )

    @classmethod
    def read(cls, path: Path) -> BuildInfo:
        data = json.loads((path / BUILD_FILE).read_text(encoding="utf-8"))
        return cls(
            path=path,
            fingerprint=str(data["fingerprint"]),
            documents=int(data["documents"]),
            built_at=str(data["built_at"]),
            synonyms=str(data.get("synonyms", "")),
            schema_version=int(data["schema_version"]),
            languages=tuple(data.get("languages", [DEFAULT_LANG])),
        )


def normalise_name(text: str) -> str:
    """A glossary name or query as compared for an exact match: lowercase words, single spaces."""
    return " ".join(re.findall(r"\w+", text.lower()))


def _english(label: Any) -> str:
    """A (lazily translated) label in English."""
    return _in_language(label, DEFAULT_LANG)


def _in_language(label: Any, lang: str) -> str:
    """A (lazily translated) label in `lang`: each document's keywords are in its own language."""
    if has_app_context():
        with force_locale(lang):
            return str(label)
    return str(label)


_SPELL_WORD = re.compile(r"[^\W\d_]{3,40}")


def spelling_words(record: Record) -> set[str]:
    """The distinct words (letters only, lowercased) a record uses, for spelling suggestions."""
    text = " ".join(str(record.get(name, "")) for name in ("title", "summary", "keywords", "body"))
    return set(_SPELL_WORD.findall(text.lower()))


def document_record(doc: Document, lang: str = DEFAULT_LANG) -> Record:
    """The index record for a service, guidance page or fixed page written in `lang`.

    A translation's text goes in its language's fields (`title_pl`, ...) and its id is
    `<lang>/<kind>/<slug>`; `kind` and `slug` are those of its English twin.
    """
    meta = doc.meta
    keywords: list[str] = []
    body = [doc.text]
    record: Record = {}
    if doc.kind == "services":
        keywords += [_english(CATEGORIES[meta.category]), *(_english(NEED_AREAS[n]) for n in meta.need_areas)]
        body += [meta.organisation, " ".join(meta.languages)]
        record.update(
            category=meta.category,
            need_areas=" ".join(meta.need_areas),
            areas=" ".join(meta.area_served),
            age_min=meta.age_min,
            age_max=meta.age_max,
            free=meta.cost.type == "free",
            self_referral=meta.access == "self-referral",
            details={
                "organisation": meta.organisation,
                "age_min": meta.age_min,
                "age_max": meta.age_max,
                "cost": meta.cost.type,
                "access": meta.access,
                "category": meta.category,
                "areas": list(meta.area_served),
            },
        )
    elif doc.kind == "guidance":
        keywords.append(_in_language(SECTIONS[meta.section], lang))
        body += [f"{step.title} {step.text}" for step in meta.timeline]
        record["details"] = {"section": meta.section}
    text = {
        "title": doc.title,
        "summary": doc.summary,
        "keywords": " ".join(keywords),
        "body": "\n".join(part for part in body if part),
    }
    record.update(
        id=f"{doc.kind}/{doc.slug}" if lang == DEFAULT_LANG else f"{lang}/{doc.kind}/{doc.slug}",
        kind=doc.kind,
        lang=lang,
        slug=doc.slug,
        url=doc.url,
        **{field_name(name, lang): value for name, value in text.items()},
    )
    return record


def glossary_record(term: GlossaryTerm) -> Record:
    """The index record for a glossary term: found by any of its names."""
    names = " ".join(term.names)
    return {
        "id": f"glossary/{term.anchor}",
        "kind": "glossary",
        "lang": DEFAULT_LANG,
        "slug": term.anchor,
        "url": f"/glossary#{term.anchor}",
        "title": term.heading,
        "summary": term.definition,
        "keywords": names,
        "body": term.definition,
        "names": sorted({normalise_name(n) for n in term.names}),
    }


def records(store: ContentStore) -> list[Record]:
    """Every index record for the content store: services, guidance, pages, glossary, then translations."""
    translated = [
        document_record(doc, lang)
        for lang, kinds in sorted(store.translations.items())
        for docs in kinds.values()
        for doc in docs.values()
    ]
    return [
        *(document_record(doc) for doc in store.documents()),
        *(glossary_record(t) for t in store.glossary),
        *translated,
    ]


def store_languages(store: ContentStore) -> tuple[str, ...]:
    """English, then every language the store has translations in."""
    return (DEFAULT_LANG, *sorted(lang for lang in store.translations if lang != DEFAULT_LANG))


def build_index(
    store: ContentStore,
    index_dir: Path,
    progress: Callable[[list[Record]], Iterable[Record]] | None = None,
    synonyms: Synonyms | None = None,
) -> BuildInfo:
    """Index the whole content store into `index_dir`, then make it the live index.

    `progress`, when given, wraps the list of records (e.g. in a progress bar) and yields them.
    """
    items = records(store)
    return write_index(
        progress(items) if progress else items,
        index_dir,
        store.fingerprint,
        len(items),
        synonyms,
        store_languages(store),
    )


def write_index(
    items: Iterable[Record],
    index_dir: Path,
    fingerprint: str,
    count: int | None = None,
    synonyms: Synonyms | None = None,
    languages: tuple[str, ...] = (DEFAULT_LANG,),
) -> BuildInfo:
    """Write `items` into a new build folder and swap it in; nothing changes if this fails.

    `languages` are those the items are written in (English always): each has its fields.
    """
    synonyms = synonyms or default_synonyms()
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    remove_abandoned_builds(index_dir)
    stamp = clock.utcnow().replace(tzinfo=dt.UTC)
    name = f"{BUILD_PREFIX}{stamp:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    temp = index_dir / f"{TEMP_PREFIX}{name}"
    temp.mkdir()
    try:
        index = create_in(str(temp), make_schema(synonyms, languages))
        writer = index.writer(limitmb=BUILD_MEMORY_MB)
        written = 0
        spelling: Counter[str] = Counter()
        try:
            for item in items:
                writer.add_document(**item)
                if item.get("lang", DEFAULT_LANG) == DEFAULT_LANG:  # suggestions correct English words
                    spelling.update(spelling_words(item))
                written += 1
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        index.close()
        info = BuildInfo(
            index_dir / name,
            fingerprint,
            count if count is not None else written,
            stamp.isoformat(),
            synonyms.fingerprint,
            languages=tuple(dict.fromkeys((DEFAULT_LANG, *languages))),
        )
        (temp / SPELLING_FILE).write_text(json.dumps(dict(sorted(spelling.items()))), encoding="utf-8")
        (temp / BUILD_FILE).write_text(info.to_json(), encoding="utf-8")
        temp.rename(info.path)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    previous = current_build_name(index_dir)
    _point_current(index_dir, name)
    _remove_old_builds(index_dir, keep={name, previous})
    return info


def current_build_name(index_dir: Path) -> str | None:
    """The folder name CURRENT points at, if any."""
    try:
        name = (Path(index_dir) / CURRENT_FILE).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return name if name.startswith(BUILD_PREFIX) and "/" not in name and "\\" not in name else None


def current_build(index_dir: Path) -> Path | None:
    """The live build's folder, or None when there is no complete build."""
    name = current_build_name(index_dir)
    if name is None:
        return None
    path = Path(index_dir) / name
    return path if (path / BUILD_FILE).is_file() else None


def _point_current(index_dir: Path, name: str) -> None:
    pointer = index_dir / f".{CURRENT_FILE}.{uuid.uuid4().hex[:8]}"
    pointer.write_text(name + "\n", encoding="utf-8")
    os.replace(pointer, index_dir / CURRENT_FILE)


def _remove_old_builds(index_dir: Path, keep: set[str | None]) -> None:
    for path in _builds(index_dir):
        if path.name not in keep:
            shutil.rmtree(path, ignore_errors=True)


def _builds(index_dir: Path) -> Iterator[Path]:
    for path in index_dir.iterdir():
        if path.is_dir() and path.name.startswith(BUILD_PREFIX):
            yield path


def remove_abandoned_builds(index_dir: Path, older_than: float = 3600) -> None:
    """Remove build folders left behind by builds killed part-way (an hour old, so not running)."""
    cutoff = time.time() - older_than
    with suppress(FileNotFoundError):
        for path in Path(index_dir).iterdir():
            if path.is_dir() and path.name.startswith(TEMP_PREFIX) and path.stat().st_mtime < cutoff:
                shutil.rmtree(path, ignore_errors=True)


#: In a build folder: the "content" live-stamp version whose published pages the index holds.
LIVE_FILE = "live.json"


def applied_version(build: Path) -> int:
    """The content version a build holds the published pages of (0: as built from the files)."""
    try:
        return int(json.loads((build / LIVE_FILE).read_text(encoding="utf-8"))["content_version"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def mark_applied(build: Path, version: int) -> None:
    """Record that `build` holds the published pages of content version `version` (atomic replace)."""
    temp = build / f".{LIVE_FILE}.{uuid.uuid4().hex[:8]}"
    temp.write_text(json.dumps({"content_version": version}), encoding="utf-8")
    os.replace(temp, build / LIVE_FILE)


def update_documents(
    index_dir: Path,
    upserts: Iterable[Record],
    delete_ids: Iterable[str] = (),
    delete_prefixes: Iterable[str] = (),
    *,
    version: int,
    timeout: float = 10.0,
) -> bool:
    """Change a few documents of the live build in place, unless it already holds `version`.

    Each of `upserts` replaces the document with its id (Whoosh's `update_document`); ids in
    `delete_ids`, and ids starting with one of `delete_prefixes`, are removed. Whoosh's write
    lock makes processes sharing one index folder take turns (waiting up to `timeout`
    seconds, else LockError); the one that finds the build already at `version` does nothing.
    Returns True when the index was changed. Spelling suggestions are left as built.
    """
    from whoosh.index import open_dir
    from whoosh.query import Prefix

    build = current_build(Path(index_dir))
    if build is None:
        return False
    writer = open_dir(str(build)).writer(timeout=timeout)
    try:
        if applied_version(build) >= version:
            writer.cancel()
            return False
        for doc_id in delete_ids:
            writer.delete_by_term("id", doc_id)
        for prefix in delete_prefixes:
            writer.delete_by_query(Prefix("id", prefix))
        for record in upserts:
            writer.update_document(**record)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    mark_applied(build, version)
    return True
