"""The one place that decides the reader's language.

`?lang=` first (and remembered in a cookie), then the cookie, then the browser's
Accept-Language. English is formatted as British English (dates like 14 September 2026).
"""

from __future__ import annotations

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
