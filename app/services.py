"""The portal's services: what is loaded once at start-up and shared by every request.

`init_services(app)` (called from `create_app`) loads the content store, the survey
definitions and the search index, and builds the markdown renderer staff pages use.
Code reaches them through the typed accessors below, never by a string key:
`content_store()`, `survey_definitions()`, `search_index()`, `markdown_renderer()`.
Each takes an app, or uses the current one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from .content import ContentStore, load_store
from .content.loader import abbreviation_map
from .content.render import Renderer
from .search import SearchIndex, index_status
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


def init_services(app: Flask) -> Services:
    """Load the content, surveys and search index for `app`.

    Raises ContentError (content) or SurveyError (surveys) naming the file and line of
    the first problem, so a broken file stops the portal starting. A missing or stale
    search index is logged, not fatal: search says it is unavailable.
    """
    cache_dir = app.config.get("CONTENT_CACHE_DIR")
    content = load_store(Path(app.config["CONTENT_DIR"]), Path(cache_dir) if cache_dir else None)
    surveys = load_surveys(Path(app.config["SURVEYS_DIR"]))
    index = SearchIndex(Path(app.config["SEARCH_INDEX_DIR"]))
    status = index_status(index, content.fingerprint)
    app.logger.log(logging.INFO if status.state == "ok" else logging.WARNING, status.message)
    services = Services(
        content=content,
        surveys=surveys,
        search=index,
        renderer=Renderer(abbreviation_map(list(content.glossary))),
    )
    app.extensions[EXTENSION] = services
    return services


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


def markdown_renderer(app: Flask | None = None) -> Renderer:
    """The renderer for staff-written markdown, marking up the glossary's abbreviations."""
    return services(app).renderer
