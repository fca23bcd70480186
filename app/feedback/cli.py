"""`flask feedback sentiment INPUT.csv OUTPUT.csv`: score comments from paper forms and events."""

from __future__ import annotations

import csv
import io
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import click
from flask.cli import AppGroup

from ..csvfile import atomic_writer, decode, sniff_dialect
from .sentiment import analyser, question_kind

#: Columns added (or overwritten, when the input already has them) in the output file.
OUTPUT_COLUMNS = ("polarity", "subjectivity", "label", "problem")
#: Longest comment scored; longer text is reported as a bad row.
MAX_TEXT_CHARS = 20_000
#: Show a progress bar from this many rows.
PROGRESS_FROM = 500


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A row that could not be scored, by its line number in the input file."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@click.group("feedback", cls=AppGroup, help="Analyse feedback from families.")
def feedback_group() -> None:
    pass


@feedback_group.command("sentiment")
@click.argument("input_file", metavar="INPUT.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("output_file", metavar="OUTPUT.csv", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def sentiment_command(input_file: Path, output_file: Path) -> None:
    """Score every comment in INPUT.csv and write OUTPUT.csv with polarity, subjectivity and label.

    INPUT.csv needs a `text` column and may have a `question` column: answers to questions such
    as "What could we do better?" are read knowing that "nothing" means the family is content.
    Rows that cannot be scored are reported by line number and written with a `problem`.
    """
    decoded = decode(input_file.read_bytes())
    rows, problems = score_csv(decoded.text, show_progress=True)
    if rows is None:
        raise click.ClickException(problems[0].message)
    with atomic_writer(output_file) as stream:
        writer = csv.writer(stream)
        writer.writerows(rows)
    for problem in problems:
        click.echo(str(problem), err=True)
    labels = Counter(row[-2] for row in rows[1:] if row[-2])
    click.echo(
        f"Scored {sum(labels.values())} of {len(rows) - 1} rows ({decoded.encoding}): "
        f"{labels['positive']} positive, {labels['neutral']} neutral, {labels['negative']} negative. "
        f"{len(problems)} row(s) with problems. Written to {output_file}."
    )


def score_csv(text: str, *, show_progress: bool = False) -> tuple[list[list[str]] | None, list[RowProblem]]:
    """Score the rows of a CSV document; returns the output rows (header first) and the problems.

    Returns no rows, and one problem, when the file has no `text` column.
    """
    reader = csv.reader(io.StringIO(text.replace("\x00", ""), newline=""), sniff_dialect(text[:4096]))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        return None, [RowProblem(1, "The file is empty or is not a CSV file.")]
    names = [name.strip().lower() for name in header]
    if "text" not in names:
        found = ", ".join(n for n in names if n) or "none"
        return None, [RowProblem(1, f"The file has no 'text' column (columns found: {found}).")]
    text_at = names.index("text")
    question_at = names.index("question") if "question" in names else None
    kept = [i for i, name in enumerate(names) if name not in OUTPUT_COLUMNS]
    out: list[list[str]] = [[header[i] for i in kept] + list(OUTPUT_COLUMNS)]
    records = list(_records(reader))
    problems: list[RowProblem] = []
    scorer = analyser()
    hidden = not show_progress or len(records) < PROGRESS_FROM
    with click.progressbar(records, label="Scoring comments", file=sys.stderr, hidden=hidden) as progress:
        for line, row, error in progress:
            problem = error or _check(row, len(names), text_at)
            cells = [row[i] if i < len(row) else "" for i in kept] if row is not None else [""] * len(kept)
            if problem:
                problems.append(RowProblem(line, problem))
                out.append([*cells, "", "", "", problem])
                continue
            question = row[question_at] if question_at is not None and question_at < len(row) else None
            result = scorer.score(row[text_at], kind=question_kind(question, question))
            out.append([*cells, f"{result.polarity:.4f}", f"{result.subjectivity:.4f}", result.label, ""])
    return out, problems


def _records(reader) -> list[tuple[int, list[str] | None, str | None]]:
    """(first line number, row or None, error) for each record; a malformed record does not stop the rest."""
    records = []
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            records.append((line, None, f"could not be read as CSV ({error})."))
            line = reader.line_num + 1
            continue
        if any(cell.strip() for cell in row):
            records.append((line, row, None))
        line = reader.line_num + 1
    return records


def _check(row: list[str], columns: int, text_at: int) -> str | None:
    """Why a row cannot be scored, or None."""
    if len(row) > columns:
        return f"has {len(row)} values but the header has {columns} columns."
    if text_at >= len(row) or not row[text_at].strip():
        return "the text is empty."
    if len(row[text_at]) > MAX_TEXT_CHARS:
        return f"the text is longer than {MAX_TEXT_CHARS} characters."
    return None
