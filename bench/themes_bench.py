"""Theme figures: precision and recall per theme against hand-labelled SEND comments.

    .venv/bin/python bench/themes_bench.py            # the table
    .venv/bin/python bench/themes_bench.py --misses   # also list each wrong or missed theme

tests/feedback/data/themes_gold.csv holds comments written the way families write, each labelled with
the themes a reader would file it under (the guide is in bench/README.md). Precision: of the
comments the tagger put under a theme, the share a reader put there too; recall: of the
comments a reader put under a theme, the share the tagger found.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.feedback.themes import FEEDBACK_THEMES, ThemeTagger  # noqa: E402

GOLD = ROOT / "tests" / "feedback" / "data" / "themes_gold.csv"
HOLDOUT = ROOT / "tests" / "feedback" / "data" / "themes_holdout.csv"


def load(path: Path = GOLD) -> list[tuple[str, set[str]]]:
    """The labelled comments and their themes."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row["text"], {t for t in row["themes"].split(";") if t}) for row in csv.DictReader(handle)]


def figures(rows: list[tuple[str, set[str]]], tagger: ThemeTagger) -> dict[str, tuple[int, int, int]]:
    """True positives, false positives and false negatives for each theme."""
    counts = {theme: [0, 0, 0] for theme in FEEDBACK_THEMES}
    for text, truth in rows:
        found = set(tagger.tag(text))
        for theme in found & truth:
            counts[theme][0] += 1
        for theme in found - truth:
            counts[theme][1] += 1
        for theme in truth - found:
            counts[theme][2] += 1
    return {theme: tuple(values) for theme, values in counts.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--holdout", action="store_true", help="the check set written after the word lists were tuned")
    args = parser.parse_args()
    path = HOLDOUT if args.holdout else GOLD
    rows = load(path)
    tagger = ThemeTagger()
    table = figures(rows, tagger)
    print(f"{len(rows)} labelled comments ({path.relative_to(ROOT)})")
    print(f"{'theme':<26}{'labelled':>9}{'precision':>11}{'recall':>8}{'F1':>7}")
    totals = [0, 0, 0]
    for theme, (hit, extra, missed) in table.items():
        totals = [totals[0] + hit, totals[1] + extra, totals[2] + missed]
        precision = hit / (hit + extra) if hit + extra else 0.0
        recall = hit / (hit + missed) if hit + missed else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        print(f"{theme:<26}{hit + missed:>9}{precision:>11.2f}{recall:>8.2f}{f1:>7.2f}")
    hit, extra, missed = totals
    precision, recall = hit / (hit + extra), hit / (hit + missed)
    f1 = 2 * precision * recall / (precision + recall)
    print(f"{'all (micro)':<26}{hit + missed:>9}{precision:>11.2f}{recall:>8.2f}{f1:>7.2f}")
    exact = sum(set(tagger.tag(text)) == truth for text, truth in rows)
    print(f"Comments with exactly the right themes: {exact} of {len(rows)} ({exact / len(rows):.0%})")
    if args.misses:
        for text, truth in rows:
            found = set(tagger.tag(text))
            if found != truth:
                print(f"  extra {sorted(found - truth)} missed {sorted(truth - found)}: {text}")


if __name__ == "__main__":
    main()
