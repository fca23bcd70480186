"""Sentiment figures: macro-F1 and per-class F1 on the NHS dev comments, accuracy on the SEND sets, speed.

    .venv/bin/python bench/sentiment_bench.py                # everything (about two minutes)
    .venv/bin/python bench/sentiment_bench.py --comments 0   # skip the speed run

Compares plain TextBlob, the lexicon analyser alone (the portal before the trained model) and
the portal as it scores now (lexicon + the model in app/feedback/data/sentiment_model.json).
On the NHS comments the model is measured by 5-fold cross-validation (bench/sentiment_train.py
trains a fresh model per fold and scores the held-back fifth); the committed model has seen all
of them, so scoring them with it would flatter it. The SEND hold-out file was never trained on.
Needs scikit-learn (requirements-dev.txt) for the cross-validation only.
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import sentiment_train  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from textblob import TextBlob  # noqa: E402

from app.feedback.sentiment import SentimentAnalyser, label_for, question_kind  # noqa: E402
from app.feedback.sentiment_model import CLASSES  # noqa: E402


def report(name: str, truth: list[str], guess: list[str]) -> None:
    per_class = f1_score(truth, guess, labels=list(CLASSES), average=None)
    classes = "  ".join(f"{label} {value:.3f}" for label, value in zip(CLASSES, per_class, strict=True))
    print(f"  {name:<34} macro-F1 {f1_score(truth, guess, average='macro'):.3f}   F1: {classes}")


def cross_validated(rows: list[dict], folds: int = 5) -> list[str]:
    """The portal's labels for the NHS rows, each from a model trained without its fold."""
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    send = sentiment_train.load_rows(sentiment_train.DEV_DATA)[len(rows) :]
    everything = rows + send
    found = sentiment_train.featurise(everything)
    labels = [r["label"] for r in everything]
    weights = [sentiment_train.SEND_WEIGHT if r["source"] == "send" else 1.0 for r in everything]
    send_index = list(range(len(rows), len(everything)))
    guess: list[str] = [""] * len(rows)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=14)
    for train, test in splitter.split(np.zeros(len(rows)), labels[: len(rows)]):
        vectoriser, classifier = sentiment_train.fit(found, labels, weights, list(train) + send_index)
        order = [list(classifier.classes_).index(label) for label in CLASSES]
        scores = classifier.decision_function(vectoriser.transform([found[i] for i in test]))[:, order]
        lexicon = [sentiment_train.lexicon_label(found[i]) for i in test]
        for index, label in zip(
            test, sentiment_train.blend(scores, lexicon, sentiment_train.LEXICON_WEIGHT), strict=True
        ):
            guess[index] = label
    return guess


def send_sets() -> None:
    lexicon, portal = SentimentAnalyser(trained=False), SentimentAnalyser()
    for name in ("sentiment_gold.csv", "sentiment_holdout.csv"):
        with (ROOT / "tests" / "data" / name).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        print(f"SEND comments, {name} ({len(rows)}):")
        truth = [r["label"] for r in rows]
        kinds = [question_kind(r["question"] or None) for r in rows]
        for title, labels in (
            ("plain TextBlob", [label_for(TextBlob(r["text"]).sentiment.polarity) for r in rows]),
            (
                "lexicon alone (before)",
                [lexicon.score(r["text"], kind=k).label for r, k in zip(rows, kinds, strict=True)],
            ),
            (
                "portal now (lexicon + model)",
                [portal.score(r["text"], kind=k).label for r, k in zip(rows, kinds, strict=True)],
            ),
        ):
            right = sum(t == g for t, g in zip(truth, labels, strict=True)) / len(rows)
            print(f"  {title:<34} accuracy {right:.3f}")
            if title.startswith("portal"):
                report("", truth, labels)
        if name == "sentiment_gold.csv":
            print("  (the model was trained with these; the hold-out file below was not)")


def speed(count: int) -> None:
    rows = sentiment_train.load_rows(sentiment_train.DEV_DATA)
    texts = [r["text"] for r in rows]
    random.seed(7)
    sample = [random.choice(texts) for _ in range(count)]
    portal = SentimentAnalyser()
    started = time.perf_counter()
    for text in sample:
        portal.score(text)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"Speed: {count:,} NHS comments scored in {elapsed:.1f} s ({count / elapsed:,.0f} a second); "
        f"peak memory {peak:.0f} MB"
    )
    print("  (the whole analysis, themes and summary included: bench/feedback_bench.py)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--comments", type=int, default=100_000)
    args = parser.parse_args()
    rows = [r for r in sentiment_train.load_rows(sentiment_train.DEV_DATA) if r["source"] == "nhs"]
    truth = [r["label"] for r in rows]
    lexicon = SentimentAnalyser(trained=False)
    print(f"NHS dev comments ({len(rows):,}; {sentiment_train.DEV_DATA}):")
    report("plain TextBlob", truth, [label_for(TextBlob(r["text"]).sentiment.polarity) for r in rows])
    report("lexicon alone (before)", truth, [lexicon.score(r["text"]).label for r in rows])
    report("portal now, 5-fold cross-validated", truth, cross_validated(rows))
    send_sets()
    if args.comments:
        speed(args.comments)


if __name__ == "__main__":
    main()
