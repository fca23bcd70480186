"""Public pages rendered once and served again to every visitor they are the same for.

The home page, a service, guidance or fixed page and the glossary are the same HTML for
everyone who has not signed in and keeps nothing in their session (no list, no survey under
way, no message waiting): only the form token (CSRF) differs from one visitor to the next.
Such a page is rendered once per host, address, language and day (and whatever else a view
says it shows, such as the home page's latest news), and served again with the visitor's own
token in it. The pages belong to one content store, so a publish (which makes a new store)
starts afresh.

Anyone with anything in their session gets the page rendered for them, as before.
"""

from __future__ import annotations

import secrets
import zlib
from collections.abc import Callable, Hashable
from functools import wraps
from typing import Any

from flask import Flask, current_app, request, session
from flask_wtf.csrf import generate_csrf

from .. import clock
from ..content import ContentStore
from ..i18n import current_language
from ..recent import Recent
from ..services import content_store

#: What a visitor's session may hold and still be served a kept page: the form token, and
#: what Flask-Login notes about a visitor who has not signed in.
PLAIN_SESSION = frozenset({"csrf_token", "_fresh", "_permanent"})


#: Where an app keeps its rendered pages (in `app.extensions`).
EXTENSION = "rendered_pages"


class RenderedPages:
    """One content store's rendered pages, each with a marker where the form token goes.

    Pages are kept compressed, as UTF-8: a page held as text takes two or four bytes a
    character as soon as it has one curly quote or word of Urdu, so 512 pages would take
    some 25 MB of each process, against about 4 MB compressed (and 0.1 ms to read one back).
    """

    def __init__(self, store: ContentStore, size: int) -> None:
        self.store = store
        self.pages: Recent[bytes] = Recent(size)
        #: Random, so that no page's own text can contain it.
        self.marker = f"csrf-{secrets.token_hex(16)}"

    def get(self, key: Hashable, token: str) -> bytes | None:
        packed = self.pages.get(key)
        return None if packed is None else zlib.decompress(packed).replace(self.marker.encode(), token.encode())

    def put(self, key: Hashable, page: str, token: str) -> None:
        self.pages.put(key, zlib.compress(page.replace(token, self.marker).encode(), 1))


def plain_visitor() -> bool:
    """Whether the request is a read by a visitor with nothing of their own in the session."""
    return request.method in ("GET", "HEAD") and session.keys() <= PLAIN_SESSION


def rendered_pages() -> RenderedPages:
    """The pages kept for the content being served: none yet after a publish."""
    store = content_store()
    kept = current_app.extensions.get(EXTENSION)
    if kept is None or kept.store is not store:
        kept = current_app.extensions[EXTENSION] = RenderedPages(store, current_app.config["PAGE_CACHE_SIZE"])
    return kept


def forget_rendered_pages(app: Flask) -> None:
    """Drop every page `app` keeps."""
    app.extensions.pop(EXTENSION, None)


def kept_page(vary: Callable[[], Hashable] | None = None) -> Callable:
    """A view whose page is kept for plain visitors; `vary` gives anything else the page shows
    that can change while the content does not (e.g. the latest news on the home page)."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def kept(*args: Any, **kwargs: Any) -> Any:
            if not current_app.config["PAGE_CACHE_SIZE"] or not plain_visitor():
                return view(*args, **kwargs)
            pages = rendered_pages()
            key = (
                request.endpoint,
                request.host_url,  # one host in production (PUBLIC_BASE_URL); any, in development
                request.full_path,
                current_language(),
                clock.today(),
                vary() if vary else None,
            )
            token = generate_csrf()
            page = pages.get(key, token)
            if page is not None:
                return page
            page = view(*args, **kwargs)
            # Only a whole page, and only if rendering it left the session as it was.
            if isinstance(page, str) and plain_visitor():
                pages.put(key, page, token)
            return page

        return kept

    return decorate
