"""How text becomes search terms: the analysers, and the SEND synonym groups."""

from __future__ import annotations

import hashlib
import re
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import yaml
from whoosh.analysis import Analyzer, Filter, LowercaseFilter, RegexTokenizer, StemmingAnalyzer, Token
from whoosh.lang.porter import stem

#: Longer "words" are not words a family types: they are ignored, never stemmed or corrected.
MAX_TOKEN_LENGTH = 40
#: A search uses at most this many words; the rest of a very long query is ignored.
MAX_QUERY_WORDS = 24
SYNONYMS_FILE = Path(__file__).with_name("synonyms.yaml")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@lru_cache(maxsize=1)
def text_analyzer() -> Analyzer:
    """Words, lowercased, common English stop words removed, stemmed ("appeals" -> "appeal")."""
    return StemmingAnalyzer(minsize=2, maxsize=MAX_TOKEN_LENGTH)


def indexing_analyzer(synonyms: Synonyms) -> Analyzer:
    """The text analyser plus a token for each synonym group whose phrase appears in the text."""
    return text_analyzer() | SynonymFilter(synonyms)


@lru_cache(maxsize=1)
def word_analyzer() -> Analyzer:
    """Words as written, lowercased: the vocabulary that spelling suggestions come from."""
    return RegexTokenizer() | LowercaseFilter()


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
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    raw_groups = data.get("groups") if isinstance(data, dict) else None
    if not isinstance(raw_groups, list) or not all(isinstance(g, list) for g in raw_groups):
        raise ValueError(f"{path}: expected 'groups:' followed by a list of lists of phrases")
    return Synonyms.from_groups(raw_groups)


@lru_cache(maxsize=1)
def default_synonyms() -> Synonyms:
    """The portal's own synonym file, read once."""
    return load_synonyms()
