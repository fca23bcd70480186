"""A small, explainable sentiment classifier laid over the lexicon scores.

A multinomial logistic regression: each comment is described by the words and word pairs it
contains and by what the lexicon analyser (sentiment.py) made of it (its polarity, subjectivity,
label and whether the clauses pulled both ways). Every feature carries one weight per label;
a comment's score for a label is the sum of the weights of its features, and the label with the
highest score wins, the label the lexicon chose getting a fixed extra vote. `explain()` lists
the features that decided a comment, so an officer can see why ("'took' + 'weeks' pushed towards negative").

The weights (data/sentiment_model.json) are made by `bench/sentiment_train.py` from 8,266
NHS patient feedback comments labelled by people (The Strategy Unit, pxtextmining, MIT
licence) and the portal's own hand-labelled SEND comments; the file says how. Scoring is
plain Python over a dictionary: no training library is needed at run time.
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import DATA_DIR
from .text import plain, tokens

MODEL_FILE = DATA_DIR / "sentiment_model.json"
#: The labels in the order of each weight vector.
CLASSES = ("positive", "neutral", "negative")


def features(
    text: str, *, polarity: float, subjectivity: float, label: str, mixed: bool, kind: str
) -> dict[str, float]:
    """The features of one comment: words ("w:"), word pairs ("b:") and the lexicon's reading ("lex:")."""
    words = tokens(plain(text))
    found: dict[str, float] = {f"w:{w}": 1.0 for w in words}
    for first, second in itertools.pairwise(words):
        found[f"b:{first}_{second}"] = 1.0
    found["lex:polarity"] = polarity
    found["lex:subjectivity"] = subjectivity
    found[f"lex:{label}"] = 1.0
    if mixed:
        found["lex:mixed"] = 1.0
    if len(words) <= 3:
        found["len:short"] = 1.0
    elif len(words) > 40:
        found["len:long"] = 1.0
    if kind != "general":
        found[f"kind:{kind}"] = 1.0
    return found


@dataclass(frozen=True, slots=True)
class Prediction:
    """The label the model chose and its probability for each label."""

    label: str
    probabilities: dict[str, float]


class SentimentModel:
    """Weights per feature and label, read from a JSON file made by bench/sentiment_train.py."""

    def __init__(self, path: Path = MODEL_FILE) -> None:
        spec = json.loads(path.read_text(encoding="utf-8"))
        if tuple(spec["classes"]) != CLASSES:
            raise ValueError(f"{path}: classes must be {CLASSES}")
        self.bias: list[float] = spec["bias"]
        #: Added to the score of the label the lexicon chose, so the SEND lexicon keeps a say.
        self.lexicon_weight: float = float(spec.get("lexicon_weight", 0.0))
        self.weights: dict[str, list[float]] = spec["weights"]
        self.about: str = spec.get("about", "")

    def scores(self, found: dict[str, float]) -> list[float]:
        """The score of each label: bias, the weighted sum of the features, and the lexicon's vote."""
        totals = list(self.bias)
        for index, label in enumerate(CLASSES):
            if f"lex:{label}" in found:
                totals[index] += self.lexicon_weight
        weights = self.weights
        for name, value in found.items():
            weight = weights.get(name)
            if weight is not None:
                totals[0] += weight[0] * value
                totals[1] += weight[1] * value
                totals[2] += weight[2] * value
        return totals

    def predict(self, found: dict[str, float]) -> Prediction:
        """The most likely label with the probability of each (softmax of the scores)."""
        totals = self.scores(found)
        top = max(totals)
        exps = [math.exp(t - top) for t in totals]
        whole = sum(exps)
        probabilities = {label: e / whole for label, e in zip(CLASSES, exps, strict=True)}
        best = max(range(3), key=totals.__getitem__)
        return Prediction(CLASSES[best], probabilities)

    def explain(self, found: dict[str, float], label: str, count: int = 5) -> list[tuple[str, float]]:
        """The features that pushed hardest towards `label` (against the other two labels' mean)."""
        index = CLASSES.index(label)
        pushes = []
        for name, value in found.items():
            weight = self.weights.get(name)
            if weight is None:
                continue
            others = (sum(weight) - weight[index]) / 2
            pushes.append((name, round((weight[index] - others) * value, 3)))
        pushes.sort(key=lambda item: item[1], reverse=True)
        return pushes[:count]


@lru_cache(maxsize=1)
def model() -> SentimentModel | None:
    """The shared model, or None when the weights file is absent (the lexicon then decides alone)."""
    if not MODEL_FILE.exists():
        return None
    return SentimentModel()
