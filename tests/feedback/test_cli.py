"""`flask feedback sentiment INPUT.csv OUTPUT.csv`."""

from __future__ import annotations

import csv

from app.feedback.cli import PROGRESS_FROM


def run(runner, tmp_path, data: bytes):
    source = tmp_path / "in.csv"
    source.write_bytes(data)
    target = tmp_path / "out.csv"
    result = runner.invoke(args=["feedback", "sentiment", str(source), str(target)])
    return result, target


def read(path):
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def test_scores_every_row_and_keeps_other_columns(runner, tmp_path):
    data = (
        b"text,question,event\n"
        b'"Staff were lovely, but the wait was awful",,Coffee morning\n'
        b"nothing,What could we do better?,Coffee morning\n"
        b'"We had to fight for everything",,Paper form\n'
    )
    result, target = run(runner, tmp_path, data)
    assert result.exit_code == 0, result.output
    rows = read(target)
    assert [r["label"] for r in rows] == ["negative", "positive", "negative"]
    assert rows[0]["event"] == "Coffee morning"
    assert float(rows[2]["polarity"]) < 0 and 0 <= float(rows[2]["subjectivity"]) <= 1
    assert "Scored 3 of 3 rows" in result.output


def test_reports_bad_rows_by_line_and_carries_on(runner, tmp_path):
    data = (
        b'text,question\n"It was great",\n,What could we do better?\n"one","two","three"\n'
        b'"Multi\nline and helpful",\n"Awful",\n'
    )
    result, target = run(runner, tmp_path, data)
    assert result.exit_code == 0
    assert "line 3: the text is empty." in result.output
    assert "line 4: has 3 values" in result.output
    rows = read(target)
    assert len(rows) == 5
    assert [r["label"] for r in rows] == ["positive", "", "", "positive", "negative"]
    assert rows[1]["problem"] == "the text is empty."


def test_reads_excel_utf8_with_bom(runner, tmp_path):
    result, target = run(runner, tmp_path, "\ufefftext\nCafé staff were lovely\n".encode())
    assert result.exit_code == 0
    rows = read(target)
    assert rows[0]["text"] == "Café staff were lovely"
    assert rows[0]["label"] == "positive"


def test_reads_windows_1252(runner, tmp_path):
    result, target = run(runner, tmp_path, "text\nThe caf\u00e9 meeting was helpful \u2013 thanks\n".encode("cp1252"))
    assert result.exit_code == 0
    assert "cp1252" in result.output
    assert read(target)[0]["text"] == "The café meeting was helpful – thanks"


def test_reads_semicolon_separated(runner, tmp_path):
    result, target = run(runner, tmp_path, b"text;question\nAll good;What could we do better?\n")
    assert result.exit_code == 0
    assert read(target)[0]["label"] == "positive"


def test_blank_lines_are_skipped(runner, tmp_path):
    result, target = run(runner, tmp_path, b"text,question\n,\nIt was great,\n\n")
    assert result.exit_code == 0
    assert [r["text"] for r in read(target)] == ["It was great"]


def test_missing_text_column_writes_nothing(runner, tmp_path):
    result, target = run(runner, tmp_path, b"comment\nhello\n")
    assert result.exit_code == 1
    assert "no 'text' column" in result.output
    assert not target.exists()
    assert list(tmp_path.iterdir()) == [tmp_path / "in.csv"]


def test_large_file_shows_progress(runner, tmp_path):
    lines = "text\n" + "The caseworker was helpful\n" * (PROGRESS_FROM + 10)
    result, target = run(runner, tmp_path, lines.encode())
    assert result.exit_code == 0
    assert "Scoring comments" in result.output
    assert len(read(target)) == PROGRESS_FROM + 10
