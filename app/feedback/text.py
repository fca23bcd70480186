"""Text handling shared by sentiment and themes: sentences, clauses, tokens and stems."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

#: Typographic characters people paste from word processors, mapped to plain ones.
_PLAIN = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+|(?<=[a-z])\.(?=[A-Z])")
#: Connectives that turn a sentence: the clause after one carries more weight.
_CONTRAST = re.compile(r",?\s*\b(but|however|yet|except|although|though|whereas|apart from)\b\s*,?\s*", re.IGNORECASE)
_TOKEN = re.compile(r"[a-z0-9]+(?:['-][a-z0-9]+)*|!")
_CONTRACTION = re.compile(r"(?<=[a-z])n't\b")

#: Weight of a clause by the connective that opens it. "but the wait was awful" says what
#: the family most wants us to hear; "although it took a while" concedes a minor point.
CLAUSE_WEIGHTS = {
    "": 1.0,
    "but": 2.0,
    "however": 2.0,
    "yet": 2.0,
    "except": 2.0,
    "apart from": 1.0,
    "whereas": 1.0,
    "although": 0.5,
    "though": 0.5,
}


@dataclass(frozen=True, slots=True)
class Clause:
    """A piece of a comment between sentence ends and contrastive connectives."""

    text: str
    connective: str
    weight: float


def plain(text: str) -> str:
    """Curly quotes and dashes made plain, surrounding space removed."""
    return (text if text.isascii() else text.translate(_PLAIN)).strip()


def sentences(text: str) -> list[str]:
    """Split text into sentences on end punctuation and line breaks."""
    return [s.strip() for s in _SENTENCE_END.split(plain(text)) if s and s.strip()]


def clauses(text: str) -> list[Clause]:
    """Split text into weighted clauses: sentences, then at "but", "however", "although" ...

    A sentence that opens with a concession ("Although it was slow, they listened") is split
    at its first comma: the concession is light, the clause after the comma is the main one.
    """
    result: list[Clause] = []
    for sentence in sentences(text):
        parts = _CONTRAST.split(sentence)
        # re.split with one group gives [text, connective, text, connective, text ...].
        pieces = [("", parts[0])] + [(parts[i].lower(), parts[i + 1]) for i in range(1, len(parts) - 1, 2)]
        for connective, piece in pieces:
            piece = piece.strip(" ,;:-")
            if not piece:
                continue
            weight = CLAUSE_WEIGHTS.get(connective, 1.0)
            head, _, tail = piece.partition(",")
            if connective in {"although", "though"} and not _has_text_before(pieces, connective) and tail.strip():
                result.append(Clause(head.strip(), connective, weight))
                result.append(Clause(tail.strip(" ,;:-"), "", 1.0))
            else:
                result.append(Clause(piece, connective, weight))
    return result


def _has_text_before(pieces: list[tuple[str, str]], connective: str) -> bool:
    """Whether anything comes before the first `connective` in the sentence's pieces."""
    for index, (conn, _) in enumerate(pieces):
        if conn == connective:
            return any(p.strip(" ,;:-") for _, p in pieces[:index])
    return True


def tokens(text: str) -> list[str]:
    """Lower-case word tokens, with "didn't" split as "did n't" (as TextBlob's tokenizer does)."""
    text = text.lower()
    if "n't" in text or "cannot" in text:
        text = _CONTRACTION.sub(" n't", text.replace("cannot", "can not"))
    return _TOKEN.findall(text)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball (Porter 2) stem of a lower-case word; cached, as vocabularies are small."""
    return _stemmer().stem(word)


@lru_cache(maxsize=1)
def _stemmer():
    """NLTK's English Snowball stemmer, imported on first use (NLTK takes a second to import)."""
    from nltk.stem.snowball import EnglishStemmer

    return EnglishStemmer()
