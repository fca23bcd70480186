"""How text becomes search terms: the analysers, and the SEND synonym groups."""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import re
import threading
import unicodedata
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, cached_property, lru_cache
from pathlib import Path
from typing import Any

from whoosh.analysis import (
    Analyzer,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemmingAnalyzer,
    Token,
)
from whoosh.lang import stemmer_for_language
from whoosh.lang.porter import stem
from whoosh.support.charset import accent_map

from ..pickled import read_pickled, source_digest, write_checked
from ..yaml_loader import load_yaml
from .stempel import polish_stemmer

#: Longer "words" are not words a family types: they are ignored, never stemmed or corrected.
MAX_TOKEN_LENGTH = 40
#: A search uses at most this many words; the rest of a very long query is ignored.
MAX_QUERY_WORDS = 24
SYNONYMS_FILE = Path(__file__).with_name("synonyms.yaml")
#: The same synonym groups' phrases in other languages: vocabulary/<lang>.yaml.
VOCABULARY_DIR = Path(__file__).with_name("vocabulary")
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
#: Languages whose words are stemmed (Romanian: Whoosh's Snowball stemmer; Polish: Stempel,
#: the stemmer Lucene and Elasticsearch use, with its PoliMorf table); others are matched as written.
STEMMED_LANGUAGES = frozenset({"ro", "pl"})
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


class StemFoldFilter(Filter):
    """Stem each word, then remove its accents; words typed without accents are stemmed too.

    Families often type Polish or Romanian without diacritics ("szkoly" for "szkoły"), and a
    stemmer reads those as other words. So each word gives its stem without accents and,
    when different, the stem of the word as typed without accents: "szkoły" gives "szkola"
    and "szkol", and a search for "szkoly" (which gives "szkol") finds it.
    """

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StemFoldFilter) and other.lang == self.lang

    def __hash__(self) -> int:
        return hash((StemFoldFilter, self.lang))

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            for form in stem_forms(token.text, self.lang):
                token.text = form
                yield token


def unaccented(text: str) -> str:
    """`text` without accents (Whoosh's accent map, which leaves Polish ł alone, then ł -> l)."""
    return text.translate(accent_map).replace("ł", "l")


@lru_cache(maxsize=100_000)
def stem_forms(word: str, lang: str) -> tuple[str, ...]:
    """The accent-free stems a word is indexed and searched by in `lang` (one or two)."""
    if len(word) > MAX_TOKEN_LENGTH:
        return (word,)
    stemmer = _stemmer(lang)
    first = unaccented(_plausible(word, stemmer(word)))
    plain = unaccented(word)
    second = unaccented(_plausible(plain, stemmer(plain))) if plain != word else first
    return (first,) if second == first else (first, second)


def _plausible(word: str, stem: str) -> str:
    """`stem` if it can be a stem of `word`, else `word`.

    Stempel guesses a stem even for words it does not know, and for acronyms and English
    words it guesses wildly ("sen" -> "senior", "camhs" -> "camhsyn"). A stem keeps the
    word's first letters and is at most one letter longer (none for short words).
    """
    grow = 0 if len(word) <= 4 else 1
    keep = min(3, len(word))
    if any(c.isdigit() for c in word) or len(stem) > len(word) + grow or stem[:keep] != word[:keep]:
        return word
    return stem


_STEMMER_LOCK = threading.Lock()
_STEMMERS: dict[str, Any] = {}


def _stemmer(lang: str):
    """The stemming function for `lang`, loaded once per process."""
    found = _STEMMERS.get(lang)
    if found is None:
        with _STEMMER_LOCK:
            found = _STEMMERS.get(lang)
            if found is None:
                found = _STEMMERS[lang] = polish_stemmer() if lang == "pl" else stemmer_for_language(lang)
    return found


@cache
def language_analyzer(lang: str) -> Analyzer:
    """The analyser for text written in `lang` (not English: see text_analyzer).

    Every language: words in any script, lowercased, variant letters folded. Polish and
    Romanian are stemmed and their accents removed (see StemFoldFilter), so that
    "autyzm" finds "autyzmu" and "educationale" finds "educaționale". Urdu and Panjabi
    words are matched as written.
    """
    analyzer: Analyzer = RegexTokenizer(WORD_PATTERN) | LowercaseFilter() | FoldFilter()
    if lang in STEMMED_LANGUAGES:
        analyzer = analyzer | StemFoldFilter(lang)
    return analyzer


def language_indexing_analyzer(lang: str, synonyms: Synonyms) -> Analyzer:
    """The analyser for `lang` plus a token for each synonym group whose phrase in `lang` appears."""
    return language_analyzer(lang) | SynonymFilter(synonyms, lang)


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


#: At most this many spellings of one phrase are registered (each word can have two stems).
MAX_PHRASE_VARIANTS = 16


def phrase_variants(phrase: str, lang: str = "en") -> list[tuple[str, ...]]:
    """The term tuples a phrase is matched as in `lang`: one in English, one per mix of stems elsewhere."""
    if lang == "en":
        analysed = tuple(terms(phrase))
        return [analysed] if analysed else []
    variants: list[tuple[str, ...]] = [()]
    for token in RegexTokenizer(WORD_PATTERN)(phrase.lower()):
        word = token.text.translate(_FOLD)
        forms = stem_forms(word, lang) if lang in STEMMED_LANGUAGES else (word,)
        variants = [(*v, form) for v in variants for form in forms][:MAX_PHRASE_VARIANTS]
    return [v for v in variants if v]


@dataclass(frozen=True)
class Synonyms:
    """Groups of phrases that mean the same thing, in every language, matched on their terms.

    Each group is one concept with a key (its first English phrase, e.g. "=ehcp"). When the
    index is built, every phrase of a group found in a text (English phrases in English text,
    Polish phrases in Polish text ...) adds the group's key as an extra term there, so a
    search for any phrase of the group, in any language, is one term lookup, both ways.
    """

    groups: tuple[tuple[tuple[str, ...], ...], ...]  # each group: its English phrases as term tuples
    by_phrase: dict[tuple[str, ...], frozenset[int]]  # English phrase -> the groups it belongs to
    longest: int  # the most terms in any English phrase
    vocabulary: frozenset[str]  # every English word written in the file, for spelling
    keys: tuple[str, ...] = ()  # each group's index term; "=" never comes out of the tokenizer
    #: lang -> phrase (as that language's terms) -> the groups it belongs to (not English)
    translated: dict[str, dict[tuple[str, ...], frozenset[int]]] = field(default_factory=dict)
    #: lang -> filler words (as that language's terms): they count for little in a search
    filler: dict[str, frozenset[str]] = field(default_factory=dict)
    #: (group key that says a family is struggling, group key also searched, its weight)
    situations: tuple[tuple[str, str, float], ...] = ()
    #: group keys that say a search is about an EHC plan
    plan_keys: frozenset[str] = frozenset()

    @classmethod
    def from_groups(
        cls,
        raw_groups: Sequence[Sequence[str]],
        translations: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
    ) -> Synonyms:
        """Groups of English phrases; `translations` gives, per language, each group's phrases
        in that language under one of its English phrases. Raises ValueError for an English
        phrase that is in no group."""
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
        translated: dict[str, dict[tuple[str, ...], set[int]]] = {}
        for lang, entries in sorted((translations or {}).items()):
            own = translated.setdefault(lang, {})
            for english, phrases in entries.items():
                found = by_phrase.get(tuple(terms(str(english))))
                if not found:
                    raise ValueError(f"{lang}: {english!r} is not a phrase of any synonym group")
                for phrase in phrases:
                    for variant in phrase_variants(str(phrase), lang):
                        own.setdefault(variant, set()).update(found)
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
            {lang: {k: frozenset(v) for k, v in own.items()} for lang, own in translated.items()},
        )

    def with_reading(
        self, filler: Mapping[str, Sequence[str]], situations: Sequence[Mapping], plan: Sequence[str]
    ) -> Synonyms:
        """These groups plus how sentences are read: filler words per language, situations
        (`when` phrase, `also` phrase, `weight`) and the phrases that mean an EHC plan."""

        def key_of(phrase: str) -> str:
            keys = self.group_keys(tuple(terms(str(phrase))))
            if not keys:
                raise ValueError(f"{phrase!r} is not a phrase of any synonym group")
            return keys[0]

        return replace(
            self,
            filler={
                lang: frozenset(t for word in found for t in language_terms(str(word), lang))
                for lang, found in filler.items()
            },
            situations=tuple((key_of(s["when"]), key_of(s["also"]), float(s.get("weight", 0.5))) for s in situations),
            plan_keys=frozenset(key_of(phrase) for phrase in plan),
        )

    def phrases_in(self, lang: str = "en") -> dict[tuple[str, ...], frozenset[int]]:
        """Every phrase known in `lang` (as that language's terms) -> its groups."""
        return self.by_phrase if lang == "en" else self.translated.get(lang, {})

    @cached_property
    def _by_language(self) -> dict[str, tuple[dict[tuple[str, ...], tuple[str, ...]], frozenset[str], int]]:
        """lang -> (each phrase's group keys, the last term of every phrase, the most terms in one)."""
        found = {}
        for lang in ("en", *self.translated):
            phrases = self.phrases_in(lang)
            found[lang] = (
                {phrase: tuple(self.group_keys(phrase, lang)) for phrase in phrases},
                frozenset(phrase[-1] for phrase in phrases),
                max((len(p) for p in phrases), default=1),
            )
        return found

    def matcher(self, lang: str = "en") -> tuple[dict[tuple[str, ...], tuple[str, ...]], frozenset[str], int]:
        """(phrase -> group keys, phrase end terms, longest phrase) for `lang`."""
        return self._by_language.get(lang, ({}, frozenset(), 1))

    @property
    def ends(self) -> frozenset[str]:
        """The last term of every English phrase."""
        return self.matcher()[1]

    @property
    def phrase_keys(self) -> dict[tuple[str, ...], tuple[str, ...]]:
        """Each English phrase's group keys."""
        return self.matcher()[0]

    @property
    def fingerprint(self) -> str:
        """Changes whenever the groups do: an index built with other groups is out of date."""
        translated = sorted((lang, sorted(map(repr, own.items()))) for lang, own in self.translated.items())
        return hashlib.sha256(repr((self.groups, translated)).encode()).hexdigest()[:12]

    def is_filler(self, term: str, lang: str = "en") -> bool:
        """Whether `term` (as `lang`'s analyser makes it) is a filler word in `lang`."""
        return term in self.filler.get(lang, ())

    def group_keys(self, phrase: tuple[str, ...], lang: str = "en") -> list[str]:
        """The index terms of the groups `phrase` (in `lang`) belongs to."""
        return [self.keys[group] for group in sorted(self.phrases_in(lang).get(phrase, ()))]

    def alternatives(self, phrase: tuple[str, ...]) -> list[tuple[str, ...]]:
        """Every English phrase that means the same as `phrase` (itself first), or just itself."""
        found = [phrase]
        for group in sorted(self.by_phrase.get(phrase, ())):
            found.extend(p for p in self.groups[group] if p not in found)
        return found

    def segment(self, query_terms: Sequence[str], lang: str = "en") -> list[tuple[str, ...]]:
        """Split terms into concepts: the longest known phrase at each point, else one term."""
        phrases = self.phrases_in(lang)
        longest = self.matcher(lang)[2]
        concepts: list[tuple[str, ...]] = []
        position = 0
        while position < len(query_terms):
            for size in range(min(longest, len(query_terms) - position), 0, -1):
                candidate = tuple(query_terms[position : position + size])
                if size == 1 or candidate in phrases:
                    concepts.append(candidate)
                    position += size
                    break
        return concepts


class SynonymFilter(Filter):
    """Index time: after a token that ends a synonym phrase (in `lang`), add the phrase's group keys."""

    def __init__(self, synonyms: Synonyms, lang: str = "en") -> None:
        self.synonyms = synonyms
        self.lang = lang

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, SynonymFilter)
            and other.synonyms.fingerprint == self.synonyms.fingerprint
            and getattr(other, "lang", "en") == self.lang
        )

    def __hash__(self) -> int:
        return hash((self.synonyms.fingerprint, self.lang))

    def __setstate__(self, state: dict) -> None:  # indexes written before languages had phrases
        self.__dict__.update({"lang": "en", **state})

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        # Whoosh reuses one Token object and its consumers read each token as it is yielded,
        # so the group key is yielded by changing the text of the token just seen.
        keys, ends, longest = self.synonyms.matcher(self.lang)
        window: deque[str] = deque(maxlen=longest)
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


def load_synonyms(path: Path = SYNONYMS_FILE, vocabulary_dir: Path | None = None) -> Synonyms:
    """The synonym groups from the YAML data file (a mapping with a `groups` list of lists),
    with each language's phrases from `vocabulary_dir`/<lang>.yaml (English phrase: [phrases];
    by default the `vocabulary` folder beside the file)."""
    vocabulary_dir = vocabulary_dir or path.with_name(VOCABULARY_DIR.name)
    data = load_yaml(path.read_text(encoding="utf-8")) or {}
    raw_groups = data.get("groups") if isinstance(data, dict) else None
    if not isinstance(raw_groups, list) or not all(isinstance(g, list) for g in raw_groups):
        raise ValueError(f"{path}: expected 'groups:' followed by a list of lists of phrases")
    translations: dict[str, dict[str, list[str]]] = {}
    for file in sorted(vocabulary_dir.glob("*.yaml")) if vocabulary_dir and vocabulary_dir.is_dir() else ():
        entries = load_yaml(file.read_text(encoding="utf-8")) or {}
        if not isinstance(entries, dict) or not all(isinstance(v, list) for v in entries.values()):
            raise ValueError(f"{file}: expected 'English phrase: [phrases in this language]' lines")
        translations[file.stem] = {str(k): [str(p) for p in v] for k, v in entries.items()}
    try:
        return Synonyms.from_groups(raw_groups, translations).with_reading(
            data.get("filler") or {}, data.get("situations") or (), data.get("plan") or ()
        )
    except ValueError as exc:
        raise ValueError(f"{path.parent}: {exc}") from exc


@lru_cache(maxsize=1)
def default_synonyms() -> Synonyms:
    """The portal's own synonym files, read once."""
    return load_synonyms()


#: The first line of a file of built synonyms (see `cached_default_synonyms`).
SYNONYMS_MAGIC = b"portal-synonyms 1\n"


def synonyms_key() -> str:
    """A digest of everything the built synonyms come from: the synonym and vocabulary files,
    the code that analyses them and the libraries that stem them."""
    here = Path(__file__).parent
    code = (here / "analysis.py", here / "stempel.py", here.parent / "yaml_loader.py")
    digest = hashlib.sha256(source_digest(("whoosh-reloaded", "pystempel"), code).encode())
    for path in [SYNONYMS_FILE, *sorted(VOCABULARY_DIR.glob("*.yaml"))]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def cached_default_synonyms(cache_dir: Path) -> Synonyms:
    """The portal's own synonyms, built once for these files and this code and kept in
    `cache_dir` (building them stems every phrase in every language: about 0.2 s a process)."""
    folder = cache_dir / "synonyms"  # (beside the content's entries, which replace each other)
    path = folder / f"{synonyms_key()}.pickle"
    built = read_pickled(path, SYNONYMS_MAGIC)
    if isinstance(built, Synonyms):
        return built
    built = default_synonyms()
    write_checked(path, SYNONYMS_MAGIC, pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL), replaces="*.pickle")
    return built
    built = default_synonyms()
    if write_checked(path, SYNONYMS_MAGIC, pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL)):
        for old in folder.glob("*.pickle"):
            if old != path:
                with contextlib.suppress(OSError):
                    old.unlink(missing_ok=True)
    return built
