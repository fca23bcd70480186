"""Sentiment of free-text answers: TextBlob polarity with a SEND lexicon, clause weighting and question awareness.

Scores come from TextBlob's pattern lexicon and its assessment rules (negation, intensifiers,
"!"), applied clause by clause:

* a lexicon of words that carry weight in SEND feedback (data/send_lexicon.yaml) is laid over
  TextBlob's: "chasing", "fought", "ignored" count against, "listened", "supportive" for, and
  words such as "special" (as in special educational needs) no longer count as praise;
* comments are split into clauses at sentence ends and at "but", "however", "although"...;
  the clause after "but" carries double weight, a concession ("although ...") half, so
  "staff were lovely but the wait was awful" is negative and marked as mixed;
* answers to "what could we do better?" that mean "nothing" ("no", "n/a", "all good",
  "nothing really, it was fine") are content, not negative; answers to "what went well?"
  that mean "nothing" are negative.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..yaml_loader import load_yaml
from . import DATA_DIR
from .sentiment_model import SentimentModel, model
from .sentiment_model import features as model_features
from .text import Clause, clauses, plain, tokens

if TYPE_CHECKING:  # TextBlob (and NLTK under it) is imported when the first comment is scored
    from textblob.en import Sentiment as PatternLexicon

Label = Literal["positive", "neutral", "negative"]
LABELS: tuple[Label, ...] = ("positive", "neutral", "negative")
QuestionKind = Literal["general", "improvement", "praise"]

#: Polarity at or above which a comment is positive, and at or below which it is negative.
#: Chosen against tests/data/sentiment_gold.csv (see bench/README.md).
POSITIVE_THRESHOLD = 0.1
NEGATIVE_THRESHOLD = -0.1
#: Polarity given to an improvement answer that means "nothing to change".
CONTENT_POLARITY = 0.25

#: Survey question kinds whose answers name something to change (so "nothing" means content).
IMPROVEMENT_KINDS = frozenset({"improvement", "gaps", "development"})
#: Survey question kinds whose answers name something that went well (so "nothing" is negative).
PRAISE_KINDS = frozenset({"praise", "went_well"})

#: TextBlob's negations plus words families use the same way ("nobody explained", "without delay").
NEGATIONS = ("no", "not", "n't", "never", "nobody", "none", "without", "hardly", "barely")

_NIL = r"(?:nothing|no|none|nope|nah|n/?a|not applicable|nil|no comment|no comments|-+|\.+)"
_CONTENT_WORDS = (
    r"(?:nothing(?: at all| really| much| else| more| to add| to say| to change| to improve| i can think of"
    r"| comes to mind| springs to mind| that i can think of)?|not really|no not really|no thanks?|no thank you"
    r"|none really|not much|all good|all fine|all ok|all okay|it was all good|it was fine|it was good|fine"
    r"|no complaints|no complaint|no issues|no problems|no changes?|can'?t think of anything"
    r"|cannot think of anything|i can'?t think of anything|nothing,? keep (?:it )?up|keep (?:it )?up(?: the good work)?"
    r"|keep doing what you(?:'re| are) doing|carry on(?: as you are)?|happy with everything|everything was fine"
    r"|everything was good|everything was great|nothing,? it was (?:all )?(?:fine|good|great))"
)
#: A whole answer that means "nothing to change".
CONTENT_ANSWER = re.compile(rf"^(?:{_NIL}|{_CONTENT_WORDS})(?: really| at all| thanks?| thank you)?$")
#: An answer that opens with "nothing" and goes on ("Nothing really, it was fine").
CONTENT_OPENING = re.compile(rf"^(?:{_NIL}|{_CONTENT_WORDS})\s*[,.;:!\-]+\s*(?P<rest>.+)$")
_NOTHING_WELL = r"(?:nothing|none|no|not much|not a lot|very little|nothing at all|nothing really|not really)"
#: A whole answer to "what went well?" that means "nothing went well".
NOTHING_WENT_WELL = re.compile(rf"^{_NOTHING_WELL}$")
#: An answer to "what went well?" that opens with "nothing" and goes on ("Not much, it was a battle").
NOTHING_WENT_WELL_OPENING = re.compile(rf"^{_NOTHING_WELL}(?: to be honest| honestly)?\s*[,.;:!\-]+\s*(?P<rest>.+)$")

_IMPROVEMENT_WORDING = re.compile(
    r"\b(?:do|done|be|have been) (?:it )?better|\bimprove|\bchange|\bdifferently"
    r"|\bwhat (?:could|should|would) (?:we|you)|\banything (?:else )?(?:we|you) could|\bsuggestions?\b|\bwish\b",
    re.IGNORECASE,
)
_PRAISE_WORDING = re.compile(r"\bwent well\b|\bwhat (?:was|were) (?:good|helpful)|\bworked well\b|\bbest thing", re.I)


@dataclass(frozen=True, slots=True)
class Sentiment:
    """The sentiment of one answer."""

    polarity: float
    subjectivity: float
    label: Label
    mixed: bool = False
    content: bool = False

    def as_dict(self) -> dict:
        """Plain values for CSV and JSON output."""
        return {"polarity": round(self.polarity, 4), "subjectivity": round(self.subjectivity, 4), "label": self.label}


@dataclass(frozen=True, slots=True)
class ClauseScore:
    """A clause with its polarity and subjectivity; `scored` is false when no word carried sentiment."""

    clause: Clause
    polarity: float
    subjectivity: float
    scored: bool


def label_for(polarity: float) -> Label:
    """Map a polarity to positive, neutral or negative using the thresholds above."""
    if polarity >= POSITIVE_THRESHOLD:
        return "positive"
    if polarity <= NEGATIVE_THRESHOLD:
        return "negative"
    return "neutral"


def question_kind(wording: str | None = None, kind: str | None = None) -> QuestionKind:
    """What a question asks for: "improvement" ("what could we do better?"), "praise" ("what went well?") or general.

    A kind from the survey definition wins (improvement, gaps and development ask what to change;
    went_well asks what was good); otherwise the wording is read.
    """
    if kind in IMPROVEMENT_KINDS:
        return "improvement"
    if kind in PRAISE_KINDS:
        return "praise"
    if wording:
        if _IMPROVEMENT_WORDING.search(wording):
            return "improvement"
        if _PRAISE_WORDING.search(wording):
            return "praise"
    return "general"


def _normalise_answer(text: str) -> str:
    text = plain(text).lower()
    text = re.sub(r"\s+", " ", text)
    return text.strip(" .!?").strip()


class SentimentAnalyser:
    """TextBlob's pattern lexicon with the SEND adjustments; one instance serves any number of texts."""

    def __init__(self, lexicon_file: Path = DATA_DIR / "send_lexicon.yaml", *, trained: bool = True) -> None:
        #: The trained classifier that decides labels, or None for the lexicon alone.
        self.model: SentimentModel | None = model() if trained else None
        spec = load_yaml(lexicon_file.read_text(encoding="utf-8"))
        self.general = self._lexicon()
        self.improvement = self._lexicon()
        for group in spec.get("negative", []) + spec.get("positive", []):
            for word in group["words"]:
                for lexicon in (self.general, self.improvement):
                    lexicon.annotate(word, None, group["polarity"], group["subjectivity"])
        for word in spec.get("neutral", {}).get("words", []):
            for lexicon in (self.general, self.improvement):
                lexicon.pop(word, None)
        wish = spec.get("improvement", {})
        for word in wish.get("words", []):
            self.improvement.annotate(word, None, wish["polarity"], wish["subjectivity"])
        #: First token of each phrase -> (the tokens after it, the phrase's single token), longest first.
        self._phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for group in spec.get("phrases", []):
            for phrase in group["phrases"]:
                words = tokens(phrase)
                token = "_".join(words)
                self._phrases.setdefault(words[0], []).append((tuple(words[1:]), token))
                for lexicon in (self.general, self.improvement):
                    lexicon.annotate(token, None, group["polarity"], group["subjectivity"])
        for candidates in self._phrases.values():
            candidates.sort(key=lambda candidate: len(candidate[0]), reverse=True)

    @staticmethod
    def _lexicon() -> PatternLexicon:
        """A private copy of TextBlob's English lexicon (the shared one is left untouched)."""
        from textblob.en import sentiment as _textblob_sentiment

        lexicon = _lexicon_class()(
            path=_textblob_sentiment._path,
            synset="wordnet_id",
            negations=NEGATIONS,
            modifiers=("RB",),
            modifier=lambda w: w.endswith("ly"),
            language="en",
        )
        lexicon.load()
        return lexicon

    def join_phrases(self, words: list[str]) -> list[str]:
        """Replace each phrase in the lexicon by one token ("had", "to", "fight" -> "had_to_fight")."""
        phrases = self._phrases
        joined = []
        position = 0
        while position < len(words):
            word = words[position]
            for rest, token in phrases.get(word, ()):
                end = position + 1 + len(rest)
                if tuple(words[position + 1 : end]) == rest:
                    joined.append(token)
                    position = end
                    break
            else:
                joined.append(word)
                position += 1
        return joined

    def clause_scores(self, text: str, *, improvement: bool = False) -> list[ClauseScore]:
        """Score each clause of `text` as TextBlob does a sentence: the mean of its assessments."""
        lexicon = self.improvement if improvement else self.general
        scores = []
        for clause in clauses(text):
            words = self.join_phrases(tokens(clause.text))
            assessed = lexicon.assessments(((word, None) for word in words), negation=True)
            if assessed:
                polarity = sum(a[1] for a in assessed) / len(assessed)
                subjectivity = sum(a[2] for a in assessed) / len(assessed)
                scores.append(ClauseScore(clause, polarity, subjectivity, True))
            else:
                scores.append(ClauseScore(clause, 0.0, 0.0, False))
        return scores

    def score(self, text: str, *, kind: QuestionKind = "general") -> Sentiment:
        """The sentiment of one answer to a question of the given kind."""
        return self.score_clauses(text, kind=kind)[0]

    def score_clauses(self, text: str, *, kind: QuestionKind = "general") -> tuple[Sentiment, list[ClauseScore]]:
        """The sentiment of one answer and the scores of its clauses (none for an answer meaning "nothing").

        The lexicon reads the answer; when the trained model is present (sentiment_model.py) it
        decides the label from the words and the lexicon's reading. Answers that mean "nothing"
        (content with an improvement question, "nothing went well") keep the rule's label.
        """
        sentiment, scores = self.lexicon_clauses(text, kind=kind)
        found = self._model_features(text, kind, sentiment, scores)
        if found is None:
            return sentiment, scores
        label = self.model.predict(found).label
        if label == sentiment.label:
            return sentiment, scores
        return replace(sentiment, label=label), scores

    def _model_features(
        self, text: str, kind: QuestionKind, reading: Sentiment, scores: list[ClauseScore]
    ) -> dict[str, float] | None:
        """What the trained model reads for `text`, or None when the lexicon and rules decide alone."""
        if self.model is None or not scores or reading.content or self._rules_decide(text, kind):
            return None
        return model_features(
            text,
            polarity=reading.polarity,
            subjectivity=reading.subjectivity,
            label=reading.label,
            mixed=reading.mixed,
            kind=kind,
        )

    def deciding_words(self, text: str, *, kind: QuestionKind = "general", count: int = 5) -> list[str]:
        """The words and word pairs that pushed the model hardest towards the label it gave `text`.

        Empty when the lexicon decided alone (no model, or an answer meaning "nothing").
        """
        reading, scores = self.lexicon_clauses(text, kind=kind)
        found = self._model_features(text, kind, reading, scores)
        if found is None:
            return []
        label = self.model.predict(found).label
        pushes = self.model.explain(found, label, count=len(found))
        words = [name[2:].replace("_", " ") for name, push in pushes if push > 0 and name[:2] in ("w:", "b:")]
        return words[:count]

    @staticmethod
    def _rules_decide(text: str, kind: QuestionKind) -> bool:
        """A "nothing" answer the rules decide: "nothing went well", or a bare "nothing" to an unknown question."""
        answer = _normalise_answer(text)
        if kind == "praise":
            return NOTHING_WENT_WELL_OPENING.match(answer) is not None
        return kind == "general" and CONTENT_ANSWER.match(answer) is not None

    def lexicon_clauses(self, text: str, *, kind: QuestionKind = "general") -> tuple[Sentiment, list[ClauseScore]]:
        """The lexicon's reading of one answer (no trained model) and the scores of its clauses."""
        answer = _normalise_answer(text)
        if not answer:
            return Sentiment(0.0, 0.0, "neutral"), []
        if kind == "improvement":
            if CONTENT_ANSWER.match(answer):
                return Sentiment(CONTENT_POLARITY, 0.0, "positive", content=True), []
            opening = CONTENT_OPENING.match(answer)
            if opening:
                rest, scores = self.lexicon_clauses(opening.group("rest"), kind="improvement")
                if rest.label == "negative":
                    return rest, scores
                polarity = max(rest.polarity, CONTENT_POLARITY)
                return Sentiment(polarity, rest.subjectivity, "positive", content=True), scores
        if kind == "praise":
            if NOTHING_WENT_WELL.match(answer):
                return Sentiment(-0.5, 0.5, "negative"), []
            opening = NOTHING_WENT_WELL_OPENING.match(answer)
            if opening:
                rest, scores = self.lexicon_clauses(opening.group("rest"), kind="praise")
                if rest.label != "positive":
                    return Sentiment(min(rest.polarity, -0.5), rest.subjectivity, "negative"), scores
        scores = self.clause_scores(text, improvement=kind == "improvement")
        return self.combine(scores), scores

    @staticmethod
    def combine(scores: list[ClauseScore]) -> Sentiment:
        """Weighted mean of the clauses that carried sentiment; mixed when they pull both ways."""
        scored = [s for s in scores if s.scored]
        if not scored:
            return Sentiment(0.0, 0.0, "neutral")
        weight = sum(s.clause.weight for s in scored)
        polarity = sum(s.polarity * s.clause.weight for s in scored) / weight
        subjectivity = sum(s.subjectivity * s.clause.weight for s in scored) / weight
        labels = {label_for(s.polarity) for s in scored}
        mixed = "positive" in labels and "negative" in labels
        if mixed:
            # Clearly for and clearly against: the weighted balance decides, however slight.
            label: Label = "positive" if polarity > 0 else "negative" if polarity < 0 else "neutral"
            return Sentiment(polarity, subjectivity, label, mixed=True)
        return Sentiment(polarity, subjectivity, label_for(polarity))


@lru_cache(maxsize=1)
def _lexicon_class() -> type[PatternLexicon]:
    """TextBlob's lexicon, loaded up front so look-ups go straight to the dictionary.

    TextBlob's lexicon loads itself on first use and checks whether it has on every look-up;
    this one is loaded when built (see SentimentAnalyser._lexicon), so it skips the check.
    Made on first use, so that importing the portal does not import TextBlob.
    """
    from textblob.en import Sentiment

    return type(
        "_Lexicon",
        (Sentiment,),
        {"__contains__": dict.__contains__, "__getitem__": dict.__getitem__, "get": dict.get},
    )


@lru_cache(maxsize=1)
def analyser() -> SentimentAnalyser:
    """The shared analyser (the lexicon is loaded once per process)."""
    return SentimentAnalyser()


def score(text: str, *, question: str | None = None, kind: str | None = None) -> Sentiment:
    """The sentiment of `text` as an answer to `question` (wording) or a question of `kind`."""
    return analyser().score(text, kind=question_kind(question, kind))
