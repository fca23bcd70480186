"""The portal's services: what is loaded once at start-up and shared by every request.

`init_services(app)` (called from `create_app`) loads the content store, the survey
definitions and the search index, and builds the markdown renderer staff pages use.
Code reaches them through the typed accessors below, never by a string key:
`content_store()`, `survey_definitions()`, `search_index()`, `search_words()`,
`markdown_renderer()`.
Each takes an app, or uses the current one.

Content published in the browser reaches every process without a restart: before each
request `refresh_content()` asks the "content" live stamp (at most once every
`LIVE_POLL_SECONDS`), swaps in a store with the changed pages, and updates this process's
search index in place (see "Live everywhere" in README.md).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy.exc import SQLAlchemyError

from .content import ContentStore, load_store
from .content.loader import abbreviation_map
from .content.overlay import GLOSSARY, LiveContent, Refresh
from .content.render import Renderer
from .extensions import db
from .live import DEFAULT_POLL_SECONDS
from .logs import describe
from .search import SearchIndex, index_status
from .search.analysis import cached_default_synonyms
from .search.build import applied_version, current_build, document_record, glossary_record, update_documents
from .search.families import LiveWords, SearchTally
from .search.planning import StaffWords
from .surveys import Survey, load_surveys

#: The key of the portal's services in `app.extensions`.
EXTENSION = "portal_services"


@dataclass
class Services:
    """Everything loaded at start-up."""

    content: ContentStore
    surveys: dict[str, Survey]
    search: SearchIndex
    renderer: Renderer
    #: The search words staff added, reloaded on this process when another one saves one.
    words: LiveWords
    #: This process's copy of the published content, refreshed from the database.
    live: LiveContent | None = None
    #: When this process last checked that its search index holds the published pages.
    search_checked: float = field(default=float("-inf"))
    #: The searches made on this process and not yet written to the database.
    tally: SearchTally = field(default_factory=SearchTally)


def init_services(app: Flask) -> Services:
    """Load the content, surveys and search index for `app`.

    Raises ContentError (content) or SurveyError (surveys) naming the file and line of
    the first problem, so a broken file stops the portal starting. A missing or stale
    search index is logged, not fatal: search says it is unavailable.
    """
    cache_dir = app.config.get("CONTENT_CACHE_DIR")
    content = load_store(Path(app.config["CONTENT_DIR"]), Path(cache_dir) if cache_dir else None)
    surveys = load_surveys(Path(app.config["SURVEYS_DIR"]))
    synonyms = cached_default_synonyms(Path(cache_dir)) if cache_dir else None
    index = SearchIndex(Path(app.config["SEARCH_INDEX_DIR"]), synonyms)
    status = index_status(index, content.fingerprint)
    app.logger.log(logging.INFO if status.state == "ok" else logging.WARNING, status.message)
    services = Services(
        content=content,
        surveys=surveys,
        search=index,
        renderer=Renderer(abbreviation_map(list(content.glossary))),
        words=LiveWords(app.config.get("LIVE_POLL_SECONDS", DEFAULT_POLL_SECONDS)),
        live=LiveContent(content, Path(app.config["CONTENT_DIR"]), float(app.config.get("LIVE_POLL_SECONDS", 2.0))),
    )
    app.extensions[EXTENSION] = services
    app.before_request(_refresh_before_request)
    return services


def search_tally(app: Flask | None = None) -> SearchTally:
    """The searches counted on this process and not yet stored."""
    return services(app).tally


def _refresh_before_request() -> None:
    refresh_content()


def refresh_content(app: Flask | None = None, *, force: bool = False) -> Refresh | None:
    """Serve the latest published content in this process (and search it), if it moved.

    A database that cannot be read (no tables yet) leaves the content as it is.
    """
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    portal = services(app)
    result = None
    if portal.live is None:
        return None
    try:
        result = portal.live.refresh(force=force)
        if result is not None:
            portal.content = result.store
            if GLOSSARY in result.pages or result.full:
                portal.renderer = Renderer(abbreviation_map(list(result.store.glossary)))
        if app.config.get("SEARCH_LIVE_UPDATES", True):
            sync_search_index(app, portal, due=result is not None)
    except SQLAlchemyError as error:
        db.session.rollback()
        app.logger.warning("Published content could not be read: %s", describe(error))
    return result


def sync_search_index(app: Flask, portal: Services, *, due: bool = False) -> bool:
    """Bring this process's search index up to its content: the pages published since it was built.

    Every process runs this, whether each has an index folder of its own or several share
    one: the index records the content version it holds, and Whoosh's write lock makes
    processes take turns, so the pages are written once per folder. Looked at after each
    refresh, and otherwise once every `LIVE_POLL_SECONDS` (a rebuilt index is caught up).
    """
    from .content.editing import published_revisions

    now = time.monotonic()
    if not due and now - portal.search_checked < float(app.config.get("LIVE_POLL_SECONDS", 2.0)):
        return False
    portal.search_checked = now
    store = portal.content
    build = current_build(portal.search.index_dir)
    if build is None or store.version == 0 or applied_version(build) >= store.version:
        return False
    pages = published_revisions(applied_version(build))
    upserts, deletes, prefixes = [], [], []
    for page in pages:
        if page == GLOSSARY:
            prefixes.append("glossary/")
            upserts += [glossary_record(term) for term in store.glossary]
            continue
        kind, _, slug = page.partition("/")
        doc = {"services": store.services, "guidance": store.guidance, "pages": store.pages}[kind].get(slug)
        deletes.append(page)
        deletes += [f"{locale}/{page}" for locale in store.translations]
        if doc is not None:
            upserts.append(document_record(doc))
            upserts += [
                document_record(translated, locale, doc)
                for locale in sorted(store.translations)
                if (translated := store.translations[locale].get(kind, {}).get(slug)) is not None
            ]
    try:
        return update_documents(portal.search.index_dir, upserts, deletes, prefixes, version=store.version)
    except Exception as error:  # a locked or damaged index: search carries on as it was, and tries again
        app.logger.warning("Search index not updated: %s", describe(error))
        return False


def services(app: Flask | None = None) -> Services:
    """The services of `app` (default: the current app)."""
    return (app or current_app).extensions[EXTENSION]


def content_store(app: Flask | None = None) -> ContentStore:
    """The Local Offer content loaded at start-up."""
    return services(app).content


def survey_definitions(app: Flask | None = None) -> dict[str, Survey]:
    """The survey definitions, by survey id."""
    return services(app).surveys


def search_index(app: Flask | None = None) -> SearchIndex:
    """The search index (which says itself when it is unavailable)."""
    return services(app).search


def search_words(app: Flask | None = None) -> StaffWords:
    """The synonyms and spellings staff added, as of the latest change on any process."""
    return services(app).words.current()


def markdown_renderer(app: Flask | None = None) -> Renderer:
    """The renderer for staff-written markdown, marking up the glossary's abbreviations."""
    return services(app).renderer
