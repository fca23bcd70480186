"""The one place that decides the reader's language.

`?lang=` first (and remembered in a cookie), then the cookie, then the browser's
Accept-Language. English is formatted as British English (dates like 14 September 2026).
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app, g, request
from flask_babel import get_locale

#: Babel locale used for each interface language where it differs from the code.
BABEL_LOCALES = {"en": "en_GB"}


def select_locale() -> str:
    """Locale selector for Flask-Babel."""
    return BABEL_LOCALES.get(current_language(), current_language())


def current_language() -> str:
    """The interface language code (a key of config LANGUAGES) for this request."""
    if "language" in g:
        return g.language
    languages = current_app.config["LANGUAGES"]
    asked = request.args.get("lang", "")
    if asked in languages:
        g.chosen_language = asked
        language = asked
    else:
        remembered = request.cookies.get(current_app.config["LANGUAGE_COOKIE"], "")
        if remembered in languages:
            language = remembered
        else:
            language = (
                request.accept_languages.best_match(list(languages)) or current_app.config["BABEL_DEFAULT_LOCALE"]
            )
    g.language = language
    return language


def html_lang() -> str:
    """The BCP 47 tag for <html lang>, e.g. en-GB, pl, ur."""
    return str(get_locale() or "en").replace("_", "-")


def language_links() -> list[dict[str, str | bool]]:
    """One entry per interface language for the switcher: its own name, and this page in it.

    The link keeps the current path and query string (a search, a filter, a page number)
    and only replaces `lang`.
    """
    current = current_language()
    kept = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    links: list[dict[str, str | bool]] = []
    for code, name in current_app.config["LANGUAGES"].items():
        query = urlencode([*kept, ("lang", code)])
        links.append({"code": code, "name": name, "href": f"{request.path}?{query}", "current": code == current})
    return links
