"""How text becomes search terms: the analysers, and the SEND synonym groups."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StemmingAnalyzer,
    Token,
)
from whoosh.lang import stemmer_for_language
from whoosh.lang.porter import stem
from whoosh.support.charset import accent_map

from ..yaml_loader import load_yaml

#: Longer "words" are not words a family types: they are ignored, never stemmed or corrected.
MAX_TOKEN_LENGTH = 40
#: A search uses at most this many words; the rest of a very long query is ignored.
MAX_QUERY_WORDS = 24
SYNONYMS_FILE = Path(__file__).with_name("synonyms.yaml")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


#: Every script with combining marks that words are written in lies below this code point.
_LAST_SCRIPT_CODE_POINT = 0x20000


def _combining_marks() -> str:
    """A regex character class body for every combining mark (Unicode Mn, Mc, Me).

    Python's \\w leaves out combining marks, so without them a Gurmukhi word such as
    ਪੰਜਾਬੀ falls apart at its vowel signs, and Urdu words at their diacritics.
    """
    ranges: list[tuple[int, int]] = []
    for code in range(_LAST_SCRIPT_CODE_POINT):
        if unicodedata.category(chr(code)) in {"Mn", "Mc", "Me"}:
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)


#: One word in any script: letters, digits and combining marks, with the zero-width
#: (non-)joiners Urdu uses inside words; dotted abbreviations ("e.g") stay one word.
WORD_CHARS = rf"[\w{_combining_marks()}\u200c\u200d]"
WORD_PATTERN = rf"{WORD_CHARS}+(?:\.{WORD_CHARS}+)*"
#: Languages whose words are stemmed (Whoosh's Snowball stemmers); others are matched as written.
STEMMED_LANGUAGES = frozenset({"ro"})
#: Letters typed in several ways, folded to one: Romanian s/t with a cedilla (old keyboards)
#: to the comma forms, and the Arabic yeh, kaf and heh to the Urdu letters.
_FOLD = str.maketrans({"ş": "ș", "ţ": "ț", "Ş": "ș", "Ţ": "ț", "ي": "ی", "ك": "ک", "ه": "ہ", "ى": "ی"})


@lru_cache(maxsize=1)
def text_analyzer() -> Analyzer:
    """Words, lowercased, common English stop words removed, stemmed ("appeals" -> "appeal")."""
    return StemmingAnalyzer(minsize=2, maxsize=MAX_TOKEN_LENGTH)


def indexing_analyzer(synonyms: Synonyms) -> Analyzer:
    """The text analyser plus a token for each synonym group whose phrase appears in the text."""
    return text_analyzer() | SynonymFilter(synonyms)


class FoldFilter(Filter):
    """Fold letters that are typed in more than one way (see _FOLD) to one form."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FoldFilter)

    def __hash__(self) -> int:
        return hash(FoldFilter)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            token.text = token.text.translate(_FOLD)
            yield token


@cache
def language_analyzer(lang: str) -> Analyzer:
    """The analyser for text written in `lang` (not English: see text_analyzer).

    Every language: words in any script, lowercased, variant letters folded. Romanian is
    stemmed with Whoosh's Snowball stemmer, then (like Polish) its accents are removed so
    that "educationale" finds "educaționale". Urdu and Panjabi words are matched as written.
    """
    analyzer: Analyzer = RegexTokenizer(WORD_PATTERN) | LowercaseFilter() | FoldFilter()
    if lang in STEMMED_LANGUAGES:
        analyzer = analyzer | StemFilter(stemfn=stemmer_for_language(lang), lang=lang, cachesize=50_000)
    if lang in {"ro", "pl"}:
        analyzer = analyzer | CharsetFilter(accent_map)
    return analyzer


def language_terms(text: str, lang: str) -> list[str]:
    """The search terms of `text` as written in `lang` (English: the stemmed English terms)."""
    if lang == "en":
        return terms(text)
    return [token.text for token in language_analyzer(lang)(text) if 1 <= len(token.text) <= MAX_TOKEN_LENGTH]


@lru_cache(maxsize=50_000)
def word_term(word: str, lang: str) -> str:
    """One word as the analyser for `lang` makes it (for highlighting matches in a snippet)."""
    if lang == "en":
        return stem_word(word.lower())
    found = language_terms(word, lang)
    return found[0] if found else ""


@lru_cache(maxsize=1)
def word_analyzer() -> Analyzer:
    """Words as written, lowercased: the vocabulary that spelling suggestions come from."""
    return RegexTokenizer(WORD_PATTERN) | LowercaseFilter()


def clean_text(text: str, limit: int = 1000) -> str:
    """User text with control characters removed, whitespace collapsed, cut to `limit` characters."""
    return " ".join(_CONTROL.sub(" ", text[: limit * 2]).split())[:limit]


def terms(text: str) -> list[str]:
    """The stemmed search terms of `text`, in order."""
    return [token.text for token in text_analyzer()(text)]


@lru_cache(maxsize=50_000)
def stem_word(word: str) -> str:
    """The stem of one lowercased word, as the analyser makes it (for highlighting)."""
    return stem(word)


def words(text: str) -> list[str]:
    """The lowercased words of `text`, in order, as a speller sees them."""
    return [token.text for token in word_analyzer()(text) if len(token.text) <= MAX_TOKEN_LENGTH]


@dataclass(frozen=True)
class Synonyms:
    """Groups of phrases that mean the same thing, matched on their stemmed terms.

    Each group has a key (its first phrase, e.g. "=ehcp"). When the index is built, every
    phrase of a group found in a text adds the group's key as an extra term there, so a
    search for any phrase of the group is one term lookup, in both directions.
    """

    groups: tuple[tuple[tuple[str, ...], ...], ...]  # each group: its phrases as term tuples
    by_phrase: dict[tuple[str, ...], frozenset[int]]  # phrase -> the groups it belongs to
    longest: int  # the most terms in any phrase
    vocabulary: frozenset[str]  # every word written in the file, for spelling
    keys: tuple[str, ...] = ()  # each group's index term; "=" never comes out of the tokenizer

    @classmethod
    def from_groups(cls, raw_groups: Sequence[Sequence[str]]) -> Synonyms:
        groups: list[tuple[tuple[str, ...], ...]] = []
        by_phrase: dict[tuple[str, ...], set[int]] = {}
        vocabulary: set[str] = set()
        for raw in raw_groups:
            phrases: list[tuple[str, ...]] = []
            for phrase in raw:
                vocabulary.update(words(str(phrase)))
                analysed = tuple(terms(str(phrase)))
                if analysed and analysed not in phrases:
                    phrases.append(analysed)
            if len(phrases) < 2:
                continue
            for phrase in phrases:
                by_phrase.setdefault(phrase, set()).add(len(groups))
            groups.append(tuple(phrases))
        longest = max((len(p) for p in by_phrase), default=1)
        keys: list[str] = []
        for group in groups:
            key = "=" + "_".join(group[0])
            keys.append(key if key not in keys else f"{key}_{len(keys)}")
        return cls(
            tuple(groups),
            {k: frozenset(v) for k, v in by_phrase.items()},
            longest,
            frozenset(vocabulary),
            tuple(keys),
        )

    @cached_property
    def ends(self) -> frozenset[str]:
        """The last term of every phrase."""
        return frozenset(phrase[-1] for phrase in self.by_phrase)

    @cached_property
    def phrase_keys(self) -> dict[tuple[str, ...], tuple[str, ...]]:
        """Each phrase's group keys."""
        return {phrase: tuple(self.group_keys(phrase)) for phrase in self.by_phrase}

    @property
    def fingerprint(self) -> str:
        """Changes whenever the groups do: an index built with other groups is out of date."""
        return hashlib.sha256(repr(self.groups).encode()).hexdigest()[:12]

    def group_keys(self, phrase: tuple[str, ...]) -> list[str]:
        """The index terms of the groups `phrase` belongs to."""
        return [self.keys[group] for group in sorted(self.by_phrase.get(phrase, ()))]

    def alternatives(self, phrase: tuple[str, ...]) -> list[tuple[str, ...]]:
        """Every phrase that means the same as `phrase` (itself first), or just itself."""
        found = [phrase]
        for group in sorted(self.by_phrase.get(phrase, ())):
            found.extend(p for p in self.groups[group] if p not in found)
        return found

    def segment(self, query_terms: Sequence[str]) -> list[tuple[str, ...]]:
        """Split terms into concepts: the longest known phrase at each point, else one term."""
        concepts: list[tuple[str, ...]] = []
        position = 0
        while position < len(query_terms):
            for size in range(min(self.longest, len(query_terms) - position), 0, -1):
                candidate = tuple(query_terms[position : position + size])
                if size == 1 or candidate in self.by_phrase:
                    concepts.append(candidate)
                    position += size
                    break
        return concepts


class SynonymFilter(Filter):
    """Index time: after a token that starts a synonym phrase, add the phrase's group keys."""

    def __init__(self, synonyms: Synonyms) -> None:
        self.synonyms = synonyms

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SynonymFilter) and other.synonyms.fingerprint == self.synonyms.fingerprint

    def __hash__(self) -> int:
        return hash(self.synonyms.fingerprint)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        # Whoosh reuses one Token object and its consumers read each token as it is yielded,
        # so the group key is yielded by changing the text of the token just seen.
        keys = self.synonyms.phrase_keys
        ends = self.synonyms.ends
        window: deque[str] = deque(maxlen=self.synonyms.longest)
        for token in tokens:
            yield token
            text = token.text
            window.append(text)
            if text not in ends:
                continue
            recent = tuple(window)
            for size in range(1, len(recent) + 1):
                for key in keys.get(recent[-size:], ()):
                    token.text = key
                    yield token
            token.text = text


def load_synonyms(path: Path = SYNONYMS_FILE) -> Synonyms:
    """The synonym groups from the YAML data file (a mapping with a `groups` list of lists)."""
    data = load_yaml(path.read_text(encoding="utf-8")) or {}
    raw_groups = data.get("groups") if isinstance(data, dict) else None
    if not isinstance(raw_groups, list) or not all(isinstance(g, list) for g in raw_groups):
        raise ValueError(f"{path}: expected 'groups:' followed by a list of lists of phrases")
    return Synonyms.from_groups(raw_groups)


@lru_cache(maxsize=1)
def default_synonyms() -> Synonyms:
    """The portal's own synonym file, read once."""
    return load_synonyms()
