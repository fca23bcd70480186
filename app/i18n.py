"""The one place that decides the reader's language.

`?lang=` first (and remembered in a cookie), then the cookie, then the browser's
Accept-Language. English is formatted as British English (dates like 14 September 2026).
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app, g, request
from flask_babel import format_decimal, format_percent, get_locale

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


def percent(value: float | int | None, decimals: int = 0) -> str:
    """A percentage given as 0 to 100, formatted for the reader's locale ("57%", "57 %", "٪57")."""
    if value is None:
        return ""
    pattern = "#,##0%" if decimals == 0 else "#,##0." + "0" * decimals + "%"
    return format_percent(value / 100, pattern)


def number(value: float | int | None) -> str:
    """A number formatted for the reader's locale (thousands separators, decimal comma)."""
    return "" if value is None else format_decimal(value)
