"""SEND feedback themes: tag each comment with the themes it is about, from a lexicon in data/themes.yaml."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask_babel import lazy_gettext as _l

from ..yaml_loader import load_yaml
from . import DATA_DIR
from .text import plain, stem

#: Every theme, in the order it is listed on screen and in exports, with its name.
FEEDBACK_THEMES: dict[str, object] = {
    "communication": _l("Communication"),
    "timeliness": _l("Timeliness"),
    "listening_involvement": _l("Listening and involvement"),
    "school_setting": _l("School or setting"),
    "health_input": _l("Health input"),
    "social_care": _l("Social care"),
    "sendiass": _l("SENDIASS and independent advice"),
    "transport": _l("Transport"),
    "plan_quality": _l("Quality of the EHC plan"),
    "specialist_provision": _l("Specialist provision"),
    "preparing_for_adulthood": _l("Preparing for adulthood"),
    "assessment_process": _l("Assessment process"),
    "disagreement_resolution": _l("Disagreements and appeals"),
    "staff_attitude": _l("Staff attitude"),
    "information_local_offer": _l("Information and the Local Offer"),
    "funding_and_resources": _l("Funding and resources"),
    "wellbeing": _l("Family wellbeing"),
}

_WORD = re.compile(r"[A-Za-z0-9]+(?:['-][A-Za-z0-9]+)*")
_ACRONYM = re.compile(r"^[A-Z]{2,4}$")


class ThemeLexiconError(ValueError):
    """The theme lexicon file does not match the list of themes."""


@dataclass(frozen=True, slots=True)
class _Term:
    rest: tuple[str, ...]
    theme: str
    needs_person: bool = False


def _term_keys(term: str) -> tuple[str, ...]:
    """Match keys for a lexicon term: stems, "=word" for exact words, "^WORD" for capitals-only acronyms."""
    if term.startswith("="):
        return tuple("=" + w.lower() for w in _WORD.findall(term[1:]))
    keys = []
    for word in _WORD.findall(term):
        keys.append("^" + word if _ACRONYM.match(word) else stem(word.lower()))
    return tuple(keys)


@lru_cache(maxsize=65536)
def _token_keys(word: str) -> tuple[str, str, str]:
    lower = word.lower()
    return stem(lower), "=" + lower, "^" + word


class ThemeTagger:
    """Finds the themes a text mentions: word-boundary, stem-aware, phrases matched word by word."""

    def __init__(self, lexicon_file: Path = DATA_DIR / "themes.yaml") -> None:
        spec = load_yaml(lexicon_file.read_text(encoding="utf-8")) or {}
        people = spec.pop("_people", []) or []
        unknown = set(spec) - set(FEEDBACK_THEMES)
        missing = set(FEEDBACK_THEMES) - set(spec)
        if unknown or missing:
            raise ThemeLexiconError(
                f"{lexicon_file}: themes without a name: {sorted(unknown)}; names without terms: {sorted(missing)}"
            )
        self._index: dict[str, list[_Term]] = {}
        for theme, terms in spec.items():
            for term in terms:
                term = str(term)
                needs_person = term.startswith("~")
                keys = _term_keys(term.removeprefix("~"))
                if keys:
                    self._index.setdefault(keys[0], []).append(_Term(keys[1:], theme, needs_person))
        #: Words naming a person who works with families: "~" terms count only beside one.
        self._people = [_term_keys(str(word)) for word in people]
        self._order = {theme: index for index, theme in enumerate(FEEDBACK_THEMES)}

    def tag(self, text: str) -> list[str]:
        """The themes `text` mentions, in the order of FEEDBACK_THEMES."""
        words = [_token_keys(w) for w in _WORD.findall(plain(text))]
        found: set[str] = set()
        index = self._index
        person: bool | None = None
        for position, keys in enumerate(words):
            for key in keys:
                for term in index.get(key, ()):
                    if term.theme not in found and _follows(words, position + 1, term.rest):
                        if term.needs_person:
                            if person is None:
                                person = self._names_person(words)
                            if not person:
                                continue
                        found.add(term.theme)
        return sorted(found, key=self._order.__getitem__)

    def _names_person(self, words: list[tuple[str, str, str]]) -> bool:
        """Whether the words name a person (a member of staff, "she", "everyone")."""
        return any(
            keys[0] in words[position] and _follows(words, position + 1, keys[1:])
            for keys in self._people
            for position in range(len(words))
        )


def _follows(words: list[tuple[str, str, str]], start: int, rest: tuple[str, ...]) -> bool:
    if start + len(rest) > len(words):
        return False
    return all(key in words[start + offset] for offset, key in enumerate(rest))


@lru_cache(maxsize=1)
def tagger() -> ThemeTagger:
    """The shared tagger (the lexicon is loaded once per process)."""
    return ThemeTagger()


def tag(text: str) -> list[str]:
    """The themes `text` mentions."""
    return tagger().tag(text)


def theme_name(key: str) -> str:
    """The display name of a theme (translated in a request)."""
    return str(FEEDBACK_THEMES[key])


def theme_keys(keys: Iterable[str]) -> list[str]:
    """Only the known theme keys among `keys`, in display order."""
    return [key for key in FEEDBACK_THEMES if key in set(keys)]
