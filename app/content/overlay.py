"""The Local Offer a process serves: the files in content/ with published revisions laid over them.

`overlay()` makes a new immutable ContentStore from an old one and some published
revisions, reading only those pages; a new glossary changes the <abbr> mark-up of every
page, so then every page is rendered again. `LiveContent` holds one process's store and
swaps in a new one (one attribute assignment, so a request sees the old store or the new,
never half of each) when the "content" live stamp moves.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .. import live
from .loader import _read_document, abbreviation_map, document_from_text, glossary_from_text
from .render import Renderer
from .store import ContentStore, Document

log = logging.getLogger(__name__)

GLOSSARY = "glossary"
KINDS = ("services", "guidance", "pages")


class PageText(Protocol):
    """What overlaying needs of a published revision."""

    page: str
    text: str
    retired: bool


def overlay(
    files: ContentStore,
    base: ContentStore,
    content_dir: Path,
    revisions: Mapping[str, PageText],
    version: int,
) -> ContentStore:
    """`base` with `revisions` (page name -> published revision) laid over it.

    `files` is the store read from content/ alone: pages brought back from retirement get
    their translations from it. With a glossary revision, `base` must be `files` and
    `revisions` every published revision, since every page is rendered again.
    """
    glossary = list(base.glossary)
    rerender = False
    glossary_revision = revisions.get(GLOSSARY)
    if glossary_revision is not None:
        terms, problems = glossary_from_text(
            glossary_revision.text, f"{content_dir.name}/glossary.yaml", base.placeholders
        )
        if problems:
            log.warning("Published glossary revision has %d problem(s); keeping the previous glossary", len(problems))
        else:
            glossary, rerender = terms, True
    renderer = Renderer(abbreviation_map(glossary))
    documents = {"services": dict(base.services), "guidance": dict(base.guidance), "pages": dict(base.pages)}
    translations = {
        locale: {kind: dict(docs) for kind, docs in kinds.items()} for locale, kinds in base.translations.items()
    }
    if rerender:
        _render_again(documents, translations, renderer, base, content_dir)
    retired = dict(base.retired)
    for page, revision in sorted(revisions.items()):
        if page == GLOSSARY:
            continue
        kind, _, slug = page.partition("/")
        doc, problems = document_from_text(
            kind,
            slug,
            revision.text,
            f"{content_dir.name}/{page}.md",
            content_dir / kind / f"{slug}.md",
            renderer,
            base.placeholders,
            "en",
            base.council,
        )
        if doc is None:  # checked when saved; only a change to contacts.yaml or council.yaml can do this
            log.warning("Published revision of %s no longer passes the content check: showing the previous one", page)
            continue
        if revision.retired:
            documents[kind].pop(slug, None)
            retired[doc.url] = doc
            for kinds in translations.values():
                kinds.get(kind, {}).pop(slug, None)
        else:
            documents[kind][slug] = doc
            if retired.pop(doc.url, None) is not None:
                for locale, kinds in files.translations.items():
                    if slug in kinds.get(kind, {}):
                        translations.setdefault(locale, {}).setdefault(kind, {})[slug] = kinds[kind][slug]
    return ContentStore.build(
        documents["services"],
        documents["guidance"],
        documents["pages"],
        glossary,
        base.fingerprint,
        translations,
        base.placeholders,
        base.council,
        retired=retired,
        version=version,
    )


def _render_again(
    documents: dict[str, dict[str, Document]],
    translations: dict[str, dict[str, dict[str, Document]]],
    renderer: Renderer,
    base: ContentStore,
    content_dir: Path,
) -> None:
    """Render every page read from a file again with `renderer` (a new glossary's abbreviations)."""
    groups = [("en", documents), *translations.items()]
    for locale, kinds in groups:
        for kind, docs in kinds.items():
            for slug, doc in list(docs.items()):
                again, _problems = _read_document(
                    kind, doc.path, content_dir, renderer, base.placeholders, locale, base.council
                )
                if again is not None:
                    docs[slug] = again


@dataclass(frozen=True)
class Refresh:
    """What one refresh changed: the new store, the pages whose revisions it read, and whether all were."""

    store: ContentStore
    pages: frozenset[str]
    full: bool


class LiveContent:
    """One process's copy of the published Local Offer, kept current from the database.

    `refresh()` is called before each request: at most once every `poll_seconds` it reads
    the "content" live stamp; when it moved, the pages published since are read and a new
    store is swapped in. When the stamp went back (a restored database) or the glossary
    changed, the store is rebuilt from the files and every published revision.
    """

    def __init__(self, files: ContentStore, content_dir: Path, poll_seconds: float = live.DEFAULT_POLL_SECONDS):
        self.files = files
        self.store = files
        self.content_dir = content_dir
        self.watch = live.Watch("content", poll_seconds)
        self._lock = threading.Lock()

    def refresh(self, *, force: bool = False) -> Refresh | None:
        """Swap in the latest published content; the refresh made, or None when nothing moved.

        `force` looks now rather than waiting for the poll interval (after this process published).
        """
        from .editing import published_revisions

        if force:
            moved: int | None = live.version(self.watch.name)
        else:
            moved = self.watch.changed()
            if moved is None:
                return None
        with self._lock:
            seen = self.watch.seen
            if seen is not None and seen == moved:
                return None
            incremental = seen is not None and 0 <= seen < moved and self.store.version == seen
            changed = published_revisions(seen if incremental else 0)
            if incremental and GLOSSARY not in changed:
                store = overlay(self.files, self.store, self.content_dir, changed, moved)
                result = Refresh(store, frozenset(changed), False)
            else:
                every = changed if not incremental else published_revisions(0)
                store = overlay(self.files, self.files, self.content_dir, every, moved)
                result = Refresh(store, frozenset(every), True)
            self.store = store
            self.watch.mark_seen(moved)
            return result
