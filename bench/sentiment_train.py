"""Train the sentiment model (app/feedback/data/sentiment_model.json) and measure it by cross-validation.

    .venv/bin/python bench/sentiment_train.py                  # 5-fold figures, then write the weights
    .venv/bin/python bench/sentiment_train.py --no-write       # figures only
    .venv/bin/python bench/sentiment_train.py --data PATH      # another copy of the NHS comments

Data: the NHS feedback comments in ../shared/data/sentiment-dev/ (read in place, never copied;
The Strategy Unit, pxtextmining, MIT licence) plus the portal's hand-labelled SEND comments in
tests/data/sentiment_gold.csv. tests/data/sentiment_holdout.csv is never trained on: it stays
the independent SEND check. Needs scikit-learn (requirements-dev.txt); the portal does not.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from sklearn.feature_extraction import DictVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import classification_report, f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from app.feedback.sentiment import SentimentAnalyser, question_kind  # noqa: E402
from app.feedback.sentiment_model import CLASSES, MODEL_FILE, features  # noqa: E402


def find_dev_data() -> Path:
    """../shared/data/sentiment-dev/ beside the project (or beside a folder above it, for a worktree)."""
    for folder in ROOT.parents:
        candidate = folder / "shared" / "data" / "sentiment-dev" / "nhs_feedback_phase1.csv"
        if candidate.exists():
            return candidate
    return ROOT.parent / "shared" / "data" / "sentiment-dev" / "nhs_feedback_phase1.csv"


DEV_DATA = find_dev_data()
SEND_TRAIN = ROOT / "tests" / "data" / "sentiment_gold.csv"
#: Inverse regularisation strength and the least number of comments a word must appear in.
C = 0.5
MIN_COUNT = 2
#: Each hand-labelled SEND comment counts as this many NHS comments (there are 101 of them).
SEND_WEIGHT = 5.0
#: Added to the score of the label the lexicon chose (the portal's SEND reading keeps a say).
LEXICON_WEIGHT = 1.5
LEXICON_WEIGHTS = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0)
#: Whether rows carry their source question while training (see featurise).
QUESTION_FEATURES = False


def load_rows(dev: Path) -> list[dict]:
    """NHS rows (kind general: the trusts' question wording is not published) and the SEND training rows."""
    rows = []
    with dev.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            rows.append(
                {
                    "text": row["text"],
                    "kind": "general",
                    "label": row["label"],
                    "source": "nhs",
                    "question": row["question"],
                }
            )
    with SEND_TRAIN.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            kind = question_kind(row["question"] or None)
            rows.append(
                {"text": row["text"], "kind": kind, "label": row["label"], "source": "send", "question": "send"}
            )
    return rows


def featurise(rows: list[dict]) -> list[dict[str, float]]:
    """The model's features for each row, from the lexicon analyser alone.

    With QUESTION_FEATURES, each row also carries its source question ("q:Trust B - Q1"), used
    only while training: the trusts labelled differently (one marked most praise 0, "neutral"),
    and the question feature takes up that difference so the words' weights do not. The
    question features are dropped from the committed weights and are never present when
    scoring, so the cross-validation figures are for comments without them.
    """
    lexicon = SentimentAnalyser(trained=False)
    result = []
    for row in rows:
        reading, _ = lexicon.lexicon_clauses(row["text"], kind=row["kind"])
        result.append(
            features(
                row["text"],
                polarity=reading.polarity,
                subjectivity=reading.subjectivity,
                label=reading.label,
                mixed=reading.mixed,
                kind=row["kind"],
            )
        )
        if QUESTION_FEATURES:
            result[-1]["q:" + row["question"]] = 1.0
    return result


def prune(found: list[dict[str, float]], rows: list[int]) -> set[str]:
    """Feature names seen in at least MIN_COUNT of the given rows (the lexicon features always kept)."""
    counts: dict[str, int] = {}
    for index in rows:
        for name in found[index]:
            counts[name] = counts.get(name, 0) + 1
    return {name for name, count in counts.items() if count >= MIN_COUNT or not name.startswith(("w:", "b:"))}


def fit(found: list[dict[str, float]], labels: list[str], weights: list[float], rows: list[int]):
    keep = prune(found, rows)
    vectoriser = DictVectorizer()
    matrix = vectoriser.fit_transform([{k: v for k, v in found[i].items() if k in keep} for i in rows])
    classifier = LogisticRegression(C=C, max_iter=2000, class_weight="balanced")
    classifier.fit(matrix, [labels[i] for i in rows], sample_weight=[weights[i] for i in rows])
    return vectoriser, classifier


def lexicon_label(found: dict[str, float]) -> int:
    """The index of the lexicon's label among CLASSES, from the "lex:<label>" feature."""
    return next(i for i, label in enumerate(CLASSES) if f"lex:{label}" in found)


def blend(scores: np.ndarray, lexicon: list[int], weight: float) -> list[str]:
    """The label with the highest score once the lexicon's label gets `weight` added (as the portal scores)."""
    scores = scores.copy()
    scores[np.arange(len(lexicon)), lexicon] += weight
    return [CLASSES[i] for i in scores.argmax(axis=1)]


def send_accuracy(vectoriser, classifier, weight: float) -> dict[str, float]:
    """Accuracy on the two hand-labelled SEND files with the given lexicon weight."""
    result = {}
    order = [list(classifier.classes_).index(label) for label in CLASSES]
    for name in ("sentiment_gold.csv", "sentiment_holdout.csv"):
        with (ROOT / "tests" / "data" / name).open(encoding="utf-8", newline="") as handle:
            rows = [
                {"text": r["text"], "kind": question_kind(r["question"] or None), "label": r["label"]}
                for r in csv.DictReader(handle)
            ]
        found = featurise(rows)
        scores = classifier.decision_function(vectoriser.transform(found))[:, order]
        guess = blend(scores, [lexicon_label(f) for f in found], weight)
        result[name] = sum(g == r["label"] for g, r in zip(guess, rows, strict=True)) / len(rows)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEV_DATA)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    rows = load_rows(args.data)
    found = featurise(rows)
    labels = [r["label"] for r in rows]
    weights = [SEND_WEIGHT if r["source"] == "send" else 1.0 for r in rows]
    nhs = np.array([i for i, r in enumerate(rows) if r["source"] == "nhs"])
    send = [i for i, r in enumerate(rows) if r["source"] == "send"]
    truth, guess, cv_scores, cv_lexicon = [], [], [], []
    folds = StratifiedKFold(n_splits=args.folds, shuffle=True, random_state=14)
    for train, test in folds.split(nhs, [labels[i] for i in nhs]):
        vectoriser, classifier = fit(found, labels, weights, list(nhs[train]) + send)
        unseen = [{k: v for k, v in found[i].items() if not k.startswith("q:")} for i in nhs[test]]
        order = [list(classifier.classes_).index(label) for label in CLASSES]
        cv_scores.extend(classifier.decision_function(vectoriser.transform(unseen))[:, order])
        cv_lexicon.extend(lexicon_label(found[i]) for i in nhs[test])
        truth.extend(labels[i] for i in nhs[test])
    for weight in LEXICON_WEIGHTS:
        guess = blend(np.array(cv_scores), cv_lexicon, weight)
        print(f"  lexicon weight {weight}: macro-F1 {f1_score(truth, guess, average='macro'):.3f}")
    guess = blend(np.array(cv_scores), cv_lexicon, LEXICON_WEIGHT)
    print(f"{args.folds}-fold cross-validation on {len(nhs)} NHS comments (SEND training rows in every fold):")
    print(f"  macro-F1 {f1_score(truth, guess, average='macro'):.3f}")
    print(classification_report(truth, guess, labels=list(CLASSES), digits=3))
    if args.no_write:
        return
    vectoriser, classifier = fit(found, labels, weights, list(range(len(rows))))
    for weight in LEXICON_WEIGHTS:
        print(f"  lexicon weight {weight}: SEND accuracy {send_accuracy(vectoriser, classifier, weight)}")
    order = [list(classifier.classes_).index(label) for label in CLASSES]
    coef = classifier.coef_[order]
    names = vectoriser.get_feature_names_out()
    table = {
        str(name): [round(float(w), 4) for w in coef[:, column]]
        for column, name in enumerate(names)
        if np.abs(coef[:, column]).max() >= 0.005 and not str(name).startswith("q:")
    }
    spec = {
        "about": (
            "Multinomial logistic regression (scikit-learn, L2, C=%s, balanced classes) over word and word-pair "  # noqa: UP031
            "presence and the lexicon analyser's polarity, subjectivity, label and mixed flag. Trained by "
            "bench/sentiment_train.py on %d NHS patient feedback comments labelled by people (The Strategy Unit, "
            "pxtextmining phase 1 data, MIT licence, Copyright the Strategy Unit / Nottinghamshire Healthcare NHS "
            "Foundation Trust) and %d hand-labelled SEND comments (tests/data/sentiment_gold.csv, weight %s). "
            "Words seen in fewer than %d comments and weights under 0.005 are left out. The label the lexicon "
            "chose gets lexicon_weight added to its score before the highest score wins."
        )
        % (C, len(nhs), len(send), SEND_WEIGHT, MIN_COUNT),
        "made": dt.date.today().isoformat(),
        "classes": list(CLASSES),
        "lexicon_weight": LEXICON_WEIGHT,
        "bias": [round(float(b), 4) for b in classifier.intercept_[order]],
        "weights": dict(sorted(table.items())),
    }
    MODEL_FILE.write_text(json.dumps(spec, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Wrote {MODEL_FILE.relative_to(ROOT)}: {len(table)} features, {MODEL_FILE.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
