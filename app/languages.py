"""Every language the portal knows, in one table: its code, its name in itself, its
English name and its direction.

The interface is offered in `INTERFACE_LANGUAGES`; the others are languages families
commonly ask for in England, so an invitation can be requested in them and the feedback
dashboard can name them. Adding a language here is the first step of adding an
interface language (see the README's "Languages").
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    """One language: its ISO 639-1 code, its name in itself, its English name, its direction."""

    code: str
    own_name: str
    english_name: str
    rtl: bool = False


#: Every language the portal knows, by code: the interface languages first.
KNOWN_LANGUAGES: dict[str, Language] = {
    language.code: language
    for language in (
        Language("en", "English", "English"),
        Language("pl", "Polski", "Polish"),
        Language("ur", "اردو", "Urdu", rtl=True),
        Language("ro", "Română", "Romanian"),
        Language("pa", "ਪੰਜਾਬੀ", "Panjabi"),
        Language("pt", "Português", "Portuguese"),
        Language("es", "Español", "Spanish"),
        Language("ar", "العربية", "Arabic", rtl=True),
        Language("bn", "বাংলা", "Bengali"),
        Language("gu", "ગુજરાતી", "Gujarati"),
        Language("it", "Italiano", "Italian"),
    )
}

#: The languages the interface, content and surveys are offered in, in switcher order.
INTERFACE_LANGUAGES = ("en", "pl", "ur", "ro", "pa")

#: Interface locales, each named in itself (the default of config LANGUAGES).
LANGUAGES: dict[str, str] = {code: KNOWN_LANGUAGES[code].own_name for code in INTERFACE_LANGUAGES}

#: Codes of languages written right to left.
RTL_LANGUAGES = frozenset(code for code, language in KNOWN_LANGUAGES.items() if language.rtl)


def own_name(code: str) -> str:
    """A language's name in itself ("Polski"), or the code when the portal does not know it."""
    language = KNOWN_LANGUAGES.get(code)
    return language.own_name if language else code


def text_direction(code: str) -> str:
    """ "rtl" for a language written right to left (Urdu), else "ltr"."""
    return "rtl" if code in RTL_LANGUAGES else "ltr"
