"""Figures officers take to a board: built once, drawn honestly, and the same in every place they appear."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import subprocess
import threading

import matplotlib
import pytest
from openpyxl import load_workbook

from app import clock
from app.extensions import db
from app.feedback import charts, records
from app.feedback.analysis import CommentRecord, analyse_all, summarise
from app.models.moderation import Comment
from app.models.surveys import SurveyAnswer, SurveyResponse

from .test_feedback import QUARTER, dashboard, feedback, officer, table_texts  # noqa: F401


def test_a_view_reads_the_data_once_and_its_charts_come_with_the_page(feedback, officer, get_page, monkeypatch):  # noqa: F811
    calls = []
    for name in ("response_records", "invitation_records", "comment_records"):
        original = getattr(records, name)
        monkeypatch.setattr(
            records, name, lambda *args, _original=original, _name=name: calls.append(_name) or _original(*args)
        )
    page = dashboard(get_page)
    assert sorted(calls) == ["comment_records", "invitation_records", "response_records"]
    images = page.select(".council-chart img")
    assert [img["src"][:26] for img in images] == ["data:image/svg+xml;base64,"] * 4


@pytest.mark.commits
def test_charts_leave_matplotlib_s_settings_alone_even_drawn_at_once(feedback, officer, client):  # noqa: F811
    before = dict(matplotlib.rcParams)
    failures = []

    def fetch(name: str) -> None:
        response = client.get(f"/staff/feedback/charts/{name}.svg?period={QUARTER}")
        if response.status_code != 200 or b"<svg" not in response.data:
            failures.append(name)

    threads = [threading.Thread(target=fetch, args=(name,)) for name in charts.CHARTS * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert dict(matplotlib.rcParams) == before


def test_stacked_bars_show_the_suppressed_share_so_every_bar_is_whole(app):
    texts = ["The caseworker was really helpful"] * 6 + ["We had to chase for weeks and nobody replied"] * 3
    comments = [CommentRecord(i, t, dt.date(2026, 1, 1 + i)) for i, t in enumerate(texts)]
    comments += [CommentRecord(100 + i, "The caseworker was really helpful", dt.date(2026, 2, 2)) for i in range(7)]
    summary = summarise(analyse_all(comments))
    january = summary.trend[0][1]
    assert january.counts["negative"].suppressed and january.hidden_share == 100.0
    with app.test_request_context():
        svg = charts.sentiment_trend_chart(
            summary,
            lambda p: p.key,
            {"positive": "Positive", "neutral": "Neutral", "negative": "Negative"},
            "Not shown",
            value_label="%",
        ).decode()
    assert "Not shown" in svg or "hatch" in svg
    assert "<pattern" in svg  # the hatched "not shown" part is drawn


def test_json_carries_text_as_written_and_only_csv_neutralises_formulas(feedback, officer, client, app):  # noqa: F811
    text = "-2 weeks late, and nobody told us why the plan was delayed"
    with app.app_context():
        response = db.session.scalar(db.select(SurveyResponse).where(SurveyResponse.reference == "R0000001"))
        response.answers.append(SurveyAnswer(question_id="do_better", value=text, kind="improvement"))
        db.session.add(
            Comment(source="survey", source_ref="R0000001", question_id="do_better", text=text, status="approved")
        )
        db.session.commit()
    document = json.loads(client.get("/staff/feedback/export/responses.json").data)
    assert text in [row["ehcp-finalisation.do_better"] for row in document["responses"]]
    rows = list(csv.DictReader(io.StringIO(client.get("/staff/feedback/export/responses.csv").get_data(as_text=True))))
    assert "'" + text in [row["ehcp-finalisation.do_better"] for row in rows]


def test_headline_uses_the_last_complete_period_and_marks_a_partial_one(feedback, officer, get_page, monkeypatch):  # noqa: F811
    monkeypatch.setattr(clock, "today", lambda: dt.date(2026, 3, 25))
    page = dashboard(get_page)
    periods = [row[0] for row in table_texts(page, "kpis")]
    assert "Mar 2026 (partial)" in periods and "Jan 2026" in periods
    targets = {row[0]: row for row in table_texts(page, "targets")}
    assert targets["Felt listened to"][3] == "Feb 2026"  # the last complete month, not March
    chosen = dashboard(get_page, headline="2026-01")
    targets = {row[0]: row for row in table_texts(chosen, "targets")}
    assert targets["Felt listened to"][3:5] == ["Jan 2026", "100.0%"]


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="pdfinfo (poppler-utils) is not installed")
def test_the_pdf_report_is_tagged_for_screen_readers(feedback, officer, client, tmp_path):  # noqa: F811
    response = client.get(f"/staff/feedback/report.pdf?period={QUARTER}")
    assert response.status_code == 200
    path = tmp_path / "report.pdf"
    path.write_bytes(response.data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info
    assert "Co-production report" in info  # the document has its title


def test_dashboard_exports_and_reports_agree(feedback, officer, client, get_page, app):  # noqa: F811
    """Read every place the figures appear back, and compare them with the dashboard."""
    page = dashboard(get_page)
    screen = {name: table_texts(page, name) for name in ("kpis", "sentiment", "themes", "targets")}
    workbook = load_workbook(io.BytesIO(client.get(f"/staff/feedback/export/all.xlsx?period={QUARTER}").data))
    document = json.loads(client.get(f"/staff/feedback/export/all.json?period={QUARTER}").data)
    tables = {table["name"]: table for table in document["tables"]}
    report = get_page(f"/staff/feedback/report?period={QUARTER}")
    for name, shown in screen.items():
        body = client.get(f"/staff/feedback/export/{name}.csv?period={QUARTER}").get_data(as_text=True)
        exported = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))[1:]
        sheet = [list(row) for row in workbook[name].iter_rows(min_row=2, values_only=True)]
        rows = tables[name]["rows"]
        keys = [column["key"] for column in tables[name]["columns"]]
        assert table_texts(report, name) == shown, f"the report's {name} table differs"
        assert len(exported) == len(sheet) == len(rows) == len(shown)
        for screen_row, csv_row, sheet_row, json_row in zip(shown, exported, sheet, rows, strict=True):
            for index, text in enumerate(screen_row):
                value = json_row[keys[index]]
                json_text = value["text"] if isinstance(value, dict) else ("" if value is None else str(value))
                if text == "not shown":
                    assert csv_row[index] == "not shown" and sheet_row[index] is None and value["suppressed"]
                    continue
                plain = text.rstrip("%")
                cell = sheet_row[index]
                if _number(plain) is None:
                    assert csv_row[index] == plain and json_text == text, (name, index)
                    # In the workbook a percentage with nothing to divide by is an empty cell, without a note.
                    assert str(cell or "") == ("" if text == "no responses" else plain), (name, index)
                    continue
                # Numbers agree to the places shown on screen.
                places = len(plain.split(".")[1]) if "." in plain else 0
                tolerance = 0.5 * 10**-places
                assert abs(float(csv_row[index]) - float(plain)) <= tolerance, (name, index)
                assert abs(_number(json_text.rstrip("%")) - float(plain)) <= tolerance, (name, index)
                scale = 100 if text.endswith("%") else 1
                assert abs(float(cell) * scale - float(plain)) <= tolerance, (name, index)

    # The public annual report counts the same answers: its share saying "Yes" is the dashboard's KPI for the year.
    year = get_page("/you-said-we-did/report/2026")
    year_page = dashboard(get_page, period="2026")
    total = {row[0]: row for row in table_texts(year_page, "kpis")}["All periods"]
    listened = next(
        t for t in year.select("table") if t.caption and t.caption.get_text(strip=True) == "Felt listened to"
    )
    cells = {
        r.select("th")[0].get_text(strip=True): [c.get_text(strip=True) for c in r.select("td")]
        for r in listened.select("tbody tr")
    }
    assert cells["Yes"][1] == f"{round(float(total[5].rstrip('%')))}%"
    assert cells["Yes"][0] == cells["Everyone who answered"][0] == total[1] == "14"
    assert cells["No"] == cells["Not sure"] == ["0", "0%"]


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None
