"""The officers' feedback dashboard, its exports, KPI targets and the co-production report."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook

from app.extensions import db
from app.models.feedback import KpiTarget
from app.models.moderation import Comment
from app.models.surveys import SurveyResponse

from ..factories import (
    create_answer,
    create_comment,
    create_entry,
    create_invitation,
    create_kpi_target,
    create_response,
    create_user,
)
from ..helpers import act_as, audit_actions, post_form, signed_in_as

SURVEY = "ehcp-finalisation"
#: A fixed quarter in the past, so the figures do not depend on today's date.
QUARTER = "2026-Q1"
COMMENTS = [
    ("went_well", "Our caseworker Sarah kept us informed about every step, ring her on 07700 900123", "approved"),
    ("went_well", "The caseworker was really helpful and replied to every email quickly", "approved"),
    ("do_better", "The caseworker never replied to my emails and we had to chase for weeks", "approved"),
    ("do_better", "Communication from the SEN team was poor and nobody called back", "approved"),
    ("do_better", "We had no reply to our letters about the draft plan for months", "pending"),
    ("do_better", "nothing", "approved"),
    ("do_better", "This is about my own case and the officer I spoke to", "individual_case"),
]


@pytest.fixture()
def feedback(app):
    """Responses in January to March 2026, invitations, comments in moderation, a target."""
    with app.app_context():
        for number in range(6):  # January: 6 of 6 felt listened to
            create_response({"listened": "yes", "satisfied": "4"}, dt.date(2026, 1, 5 + number), f"R{number:07d}")
        for number in range(6, 9):  # February: only 3 responses
            create_response({"listened": "yes", "satisfied": "2"}, dt.date(2026, 2, 3 + number), f"R{number:07d}")
        for number in range(20, 25):  # March: 5, hidden beside February so the total row cannot give it away
            create_response({"listened": "yes", "satisfied": "5"}, dt.date(2026, 3, number), f"R{number:07d}")
        for number in range(10):
            create_invitation(
                f"KB-2026-{number:05d}",
                SURVEY,
                finalised_on=dt.date(2026, 1, 2),
                status="completed" if number < 6 else "sent",
                expires_at=dt.datetime(2026, 4, 1),
            )
        for index, (question, text, status) in enumerate(COMMENTS):
            create_comment(
                text,
                source_ref=f"R{index:07d}",
                question_id=question,
                locale="pl" if text == "nothing" else "en",
                status=status,
                created_at=dt.datetime(2026, 1, 10),
            )
        create_comment("x", source_ref="R0000006", question_id="do_better", status="vexatious")
        create_kpi_target("listened", 80)


@pytest.fixture()
def officer(app, client):
    return signed_in_as(app, client, "officer")


def table_texts(page, name: str) -> list[list[str]]:
    """The cells of one dashboard table as the officer sees them."""
    rows = page.soup.select(f"#table-{name} tbody tr")
    return [[cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])] for row in rows]


def dashboard(get_page, **args):
    query = "&".join(f"{k}={v}" for k, v in {"period": QUARTER, **args}.items())
    return get_page(f"/staff/feedback/?{query}")


def test_dashboard_shows_kpis_against_targets_with_suppression(feedback, officer, get_page):
    page = dashboard(get_page)
    assert page.h1 == "Feedback dashboard"
    kpis = {row[0]: row for row in table_texts(page, "kpis")}
    assert kpis["Jan 2026"][1] == "6"  # responses
    assert kpis["Jan 2026"][4] == "60.0%"  # response rate: 6 of 10 invited
    assert kpis["Jan 2026"][5] == "100.0%"  # felt listened to: 6 of 6
    assert kpis["Feb 2026"][1] == "not shown"
    assert kpis["Feb 2026"][5] == "not shown"
    targets = {row[0]: row for row in table_texts(page, "targets")}
    assert targets["Felt listened to"][1:3] == ["Jan 2026", "100.0%"]
    assert targets["Felt listened to"][6:8] == ["80.0%", "Too few responses to compare"]
    assert "Target met" not in targets["Satisfied overall"]
    charts = page.select(".council-chart img")
    assert len(charts) == 4 and all(img["src"].startswith("data:image/svg+xml;base64,") for img in charts)
    assert all(img.get("alt") for img in page.select(".council-chart img"))


def test_vexatious_comments_are_left_out_and_quotes_are_approved_and_redacted(feedback, officer, get_page):
    page = dashboard(get_page)
    sentiment = {row[0]: row for row in table_texts(page, "sentiment")}
    assert sentiment["All comments"][1] == "7"
    themes = {row[0]: row for row in table_texts(page, "themes")}
    assert themes["Communication"][1] == "5"
    quotes = " ".join(q.get_text(" ", strip=True) for q in page.select(".council-quote"))
    assert "[name]" in quotes or "caseworker was really helpful" in quotes
    assert "Sarah" not in quotes and "07700" not in quotes
    assert "for months" not in quotes  # pending
    assert "my own case" not in quotes


def test_filters_by_language_and_period(feedback, officer, get_page):
    page = dashboard(get_page, language="pl")
    assert table_texts(page, "sentiment")[-1][1] == "not shown"
    page = dashboard(get_page, language="en")
    assert table_texts(page, "sentiment")[-1][1] == "6"
    page = dashboard(get_page, by="quarter")
    assert [row[0] for row in table_texts(page, "kpis")] == ["Jan to Mar 2026", "All periods"]


def test_bad_filters_are_explained_not_failed(feedback, officer, get_page):
    page = get_page("/staff/feedback/?survey=nonsense&period=1999-Q9&by=week")
    assert page.title.startswith("Error: Feedback dashboard")
    summary = page.select(".govuk-error-summary")[0].get_text(" ", strip=True)
    assert "Select a survey or source from the list" in summary
    assert "Select a period from the list" in summary


def test_charts_are_svg_from_the_same_filters(feedback, officer, client):
    for name in ("kpis", "sentiment", "sentiment_trend", "themes"):
        response = client.get(f"/staff/feedback/charts/{name}.svg?period={QUARTER}")
        assert response.status_code == 200
        assert response.mimetype == "image/svg+xml"
        assert b"<svg" in response.data
    assert client.get("/staff/feedback/charts/pie.svg").status_code == 404


def test_csv_export_has_the_dashboard_figures(feedback, officer, client, get_page, app):
    page = dashboard(get_page)
    shown = table_texts(page, "kpis")
    response = client.get(f"/staff/feedback/export/kpis.csv?period={QUARTER}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:5] == ["Period", "Responses", "Invited", "Completed", "Response rate (%)"]
    for exported, screen in zip(rows[1:], shown, strict=True):
        assert exported[0] == screen[0]
        for value, text in zip(exported[1:], screen[1:], strict=True):
            assert value == text.rstrip("%") or (value == text == "not shown")
    with app.app_context():
        events = audit_actions("feedback_exported")
        assert [(e.target_id, e.detail["format"], e.detail["rows"]) for e in events] == [("kpis", "csv", len(shown))]


def test_xlsx_export_has_one_typed_sheet_per_table(feedback, officer, client, get_page):
    page = dashboard(get_page)
    response = client.get(f"/staff/feedback/export/all.xlsx?period={QUARTER}")
    workbook = load_workbook(io.BytesIO(response.data))
    assert workbook.sheetnames == ["README", "targets", "kpis", "sentiment", "sentiment_trend", "themes", "quotes"]
    readme = " ".join(str(c) for row in workbook["README"].iter_rows(values_only=True) for c in row if c)
    assert "fewer than 5 responses" in readme and "Suppressed figures are empty cells" in readme
    kpis = workbook["kpis"]
    assert kpis.freeze_panes == "B2"
    assert kpis.column_dimensions["A"].width >= 10
    january = [cell for cell in next(kpis.iter_rows(min_row=2, max_row=2))]
    assert january[0].value == "Jan 2026"
    assert january[1].value == 6 and isinstance(january[1].value, int)
    assert january[5].value == pytest.approx(1.0)
    assert january[5].number_format == "0.0%"
    february = next(kpis.iter_rows(min_row=3, max_row=3))
    assert february[1].value is None  # suppressed: empty, so the column still adds up
    assert "fewer than 5" in february[1].comment.text
    targets = {row[0].value: row for row in workbook["targets"].iter_rows(min_row=2)}
    listened = targets["Felt listened to"]
    assert listened[6].value == pytest.approx(0.8) and listened[6].number_format == "0.0%"  # target, as a percentage
    assert listened[2].number_format == listened[6].number_format
    screen_themes = {row[0]: row[1] for row in table_texts(page, "themes")}
    sheet_themes = {row[0]: row[1] for row in workbook["themes"].iter_rows(min_row=2, values_only=True)}
    assert {k: "not shown" if v is None else str(v) for k, v in sheet_themes.items()} == screen_themes


def test_json_export_has_the_dashboard_figures(feedback, officer, client, get_page):
    page = dashboard(get_page)
    document = json.loads(client.get(f"/staff/feedback/export/all.json?period={QUARTER}").data)
    tables = {table["name"]: table for table in document["tables"]}
    sentiment = {row["sentiment"]: row for row in tables["sentiment"]["rows"]}
    screen = {row[0]: row for row in table_texts(page, "sentiment")}
    for label in ("Positive", "Neutral", "Negative"):
        assert sentiment[label]["comments"]["text"] == screen[label][1]
    listened = tables["kpis"]["rows"][0]["listened"]
    assert listened == {"value": 100.0, "text": "100.0%", "suppressed": False}
    assert tables["kpis"]["rows"][1]["listened"] == {"value": None, "text": "not shown", "suppressed": True}
    assert document["about"]["filters"]["period"] == QUARTER


@pytest.mark.parametrize(
    "path",
    [
        "/staff/feedback/export/kpis.pdf",
        "/staff/feedback/export/all.csv",
        "/staff/feedback/export/secrets.json",
        "/staff/feedback/export/responses.xlsx",
    ],
)
def test_unknown_exports_are_not_found(officer, client, path):
    assert client.get(path).status_code == 404


def test_anonymised_responses_export(feedback, officer, client, app):
    with app.app_context():
        response = db.session.scalar(db.select(SurveyResponse).where(SurveyResponse.reference == "R0000000"))
        create_answer(response, "went_well", COMMENTS[0][1], kind="went_well")
        other = db.session.scalar(db.select(SurveyResponse).where(SurveyResponse.reference == "R0000004"))
        create_answer(other, "do_better", COMMENTS[4][1], kind="improvement")
    streamed = client.get("/staff/feedback/export/responses.csv")
    assert streamed.is_streamed
    body = streamed.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert len(rows) == 14
    assert "R0000000" not in body
    assert {row["month"] for row in rows} == {"2026-01", "2026-02", "2026-03"}
    assert [row["month"] for row in rows] == sorted(row["month"] for row in rows), "month by month"
    [quoted] = [row for row in rows if row["ehcp-finalisation.went_well"]]
    assert quoted["ehcp-finalisation.listened"] == "yes"
    assert quoted["ehcp-finalisation.went_well"].startswith("Our caseworker [name] kept us informed")
    assert "07700" not in body
    assert COMMENTS[4][1] not in body  # still waiting for moderation
    document = json.loads(client.get("/staff/feedback/export/responses.json").data)
    assert len(document["responses"]) == 14
    with app.app_context():
        assert [e.target_id for e in audit_actions("feedback_exported")] == ["responses", "responses"]


def test_officer_sets_targets(officer, client, app, get_page):
    response = post_form(client, "/staff/feedback/targets", {"listened": "85", "satisfied": "70%", "seen_plan": ""})
    assert response.status_code == 302
    with app.app_context():
        saved = {t.kpi: t.percent for t in db.session.scalars(db.select(KpiTarget))}
        assert saved == {"listened": 85, "satisfied": 70}
        assert audit_actions("kpi_targets_updated")[0].detail["count"] == 2
    page = get_page("/staff/feedback/targets")
    assert page.soup.select_one("input[name=listened]")["value"] == "85"


@pytest.mark.parametrize(
    ("value", "message"),
    [("lots", "Enter the target as a whole number, like 80"), ("150", "Enter a target between 0 and 100")],
)
def test_bad_targets_are_explained_and_nothing_is_saved(officer, client, app, value, message):
    response = post_form(client, "/staff/feedback/targets", {"listened": value, "satisfied": "70"})
    assert response.status_code == 200
    page_text = response.get_data(as_text=True)
    assert message in page_text
    assert "<title>Error: KPI targets" in page_text
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(KpiTarget)) == 0


def test_targets_need_a_csrf_token(officer, client):
    assert client.post("/staff/feedback/targets", data={"listened": "80"}).status_code == 400


def test_report_page_and_pdf(feedback, officer, client, get_page, app):
    with app.app_context():
        create_entry(
            "Replies within five working days",
            you_said="You had to chase us.",
            you_said_html="<p>You had to chase us.</p>",
            we_did="Named caseworkers.",
            we_did_html='<p>Named caseworkers.</p><img src="http://127.0.0.1:9/tracker.png" alt="">',
            status="done",
            state="published",
            publish_at=dt.datetime(2026, 2, 1, 9),
        )
        create_entry("Still a draft", "travel", "x", "y", state="draft")
    page = get_page(f"/staff/feedback/report?period={QUARTER}")
    assert page.h1 == "Co-production report"
    text = page.text()
    assert "Replies within five working days" in text
    assert "Communication: 5 comments in this period" in text
    assert "Still a draft" not in text
    assert page.select("#table-targets") and page.select(".council-no-print")
    response = client.get(f"/staff/feedback/report.pdf?period={QUARTER}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    with app.app_context():
        assert [(e.target_id, e.detail["format"]) for e in audit_actions("feedback_exported")] == [("report", "pdf")]


@pytest.mark.parametrize(
    "path",
    [
        "/staff/feedback/",
        "/staff/feedback/targets",
        "/staff/feedback/report",
        "/staff/feedback/report.pdf",
        "/staff/feedback/charts/kpis.svg",
        "/staff/feedback/export/kpis.csv",
        "/staff/feedback/export/all.xlsx",
        "/staff/feedback/export/responses.csv",
    ],
)
def test_only_officers_and_admins_reach_feedback(app, client, path):
    assert client.get(path).headers["Location"].startswith("/sign-in")
    with app.app_context():
        sendiass, admin = create_user("sendiass"), create_user("admin")
    act_as(client, sendiass)
    assert client.get(path).status_code == 403
    act_as(client, admin)
    assert client.get(path).status_code == 200
    with app.app_context():
        assert all(e.user_id == admin.id for e in audit_actions("feedback_exported"))


def test_staff_dashboard_links_to_the_feedback_dashboard(officer, get_page):
    assert "/staff/feedback/" in get_page("/staff/").links()


def test_demo_seed_makes_a_year_once(app, runner):
    first = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        responses = db.session.scalar(db.select(db.func.count()).select_from(SurveyResponse))
        comments = db.session.scalar(db.select(db.func.count()).select_from(Comment))
        assert responses > 150 and comments > 100
    second = runner.invoke(args=["demo", "seed"])
    assert "nothing changed" in second.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(SurveyResponse)) == responses


def test_public_annual_report_gets_the_year_s_kpis(feedback, app, get_page):
    with app.app_context():
        create_entry(
            "Named caseworkers",
            you_said="a",
            we_did="b",
            status="done",
            state="published",
            publish_at=dt.datetime(2026, 3, 1, 9),
        )
    page = get_page("/you-said-we-did/report/2026")
    text = page.text()
    assert "Felt listened to" in text
    assert "Satisfied overall" in text


def _comment_id(app, text: str) -> int:
    with app.app_context():
        return db.session.query(Comment).filter_by(text=text).one().id


def test_officer_corrects_a_comment_and_every_output_counts_it(feedback, officer, client, get_page, app):
    helpful = _comment_id(app, COMMENTS[1][1])
    path = f"/staff/moderation/{helpful}"
    page = get_page(path)
    reading = page.soup.select(".govuk-summary-list")[-1].get_text(" ", strip=True)
    assert "Positive" in reading and "Communication" in reading
    assert "Words that weighed most" in reading and "quickly" in reading
    assert table_texts(dashboard(get_page), "sentiment")[-1][-1] == "0"

    response = post_form(
        client, f"{path}/labels", {"sentiment": "negative", "themes": ["staff_attitude"]}, token_from=path
    )
    assert response.status_code == 302 and response.headers["Location"] == path
    reading = get_page(path).soup.select(".govuk-summary-list")[-1].get_text(" ", strip=True)
    assert "Negative" in reading and "Staff attitude" in reading
    assert "Communication" not in reading and "Timeliness" not in reading
    with app.app_context():
        comment = db.session.get(Comment, helpful)
        assert (comment.corrected_sentiment, comment.corrected_themes) == ("negative", "staff_attitude")
        assert comment.corrected_by_id == officer.id and comment.corrected_at is not None
        [event] = audit_actions("comment_labels_corrected")
        assert event.target_id == str(helpful)
        assert event.detail["state"] == "positive: communication;timeliness;staff_attitude"
        assert event.detail["decision"] == "negative: staff_attitude"

    page = dashboard(get_page)
    sentiment = {row[0]: row for row in table_texts(page, "sentiment")}
    assert sentiment["All comments"][-1] == "1" and sentiment["Negative"][-1] == "1"
    assert sentiment["Positive"][-1] == "0"
    assert "Officers corrected the sentiment or themes of 1 comment" in page.text()
    exported = list(
        csv.reader(
            io.StringIO(
                client.get(f"/staff/feedback/export/sentiment.csv?period={QUARTER}")
                .get_data(as_text=True)
                .lstrip("\ufeff")
            )
        )
    )
    assert exported[0][-1] == "Of which an officer corrected the labels"
    assert {row[0]: row[-1] for row in exported[1:]}["All comments"] == "1"
    document = json.loads(client.get(f"/staff/feedback/export/all.json?period={QUARTER}").data)
    rows = {row["sentiment"]: row for row in next(t for t in document["tables"] if t["name"] == "sentiment")["rows"]}
    assert rows["Negative"]["corrected"]["value"] == 1
    report = get_page(f"/staff/feedback/report?period={QUARTER}").text()
    assert "Labels corrected by officers 1 comment" in report


def test_a_correction_needs_a_sentiment_and_known_themes(feedback, officer, client, app):
    helpful = _comment_id(app, COMMENTS[1][1])
    path = f"/staff/moderation/{helpful}"
    response = post_form(client, f"{path}/labels", {"themes": ["staff_attitude"]}, token_from=path)
    assert response.status_code == 400
    assert "Select the comment" in response.get_data(as_text=True)
    response = post_form(client, f"{path}/labels", {"sentiment": "furious"}, token_from=path)
    assert response.status_code == 400
    response = post_form(client, f"{path}/labels", {"sentiment": "neutral", "themes": ["nonsense"]}, token_from=path)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(Comment, helpful).corrected is False
        assert audit_actions("comment_labels_corrected") == []


def test_corrections_need_csrf_and_an_officer(feedback, app, client):
    helpful = _comment_id(app, COMMENTS[1][1])
    signed_in_as(app, client, "sendiass", email="adviser@kelderbridge.example")
    assert client.post(f"/staff/moderation/{helpful}/labels", data={"sentiment": "neutral"}).status_code in (400, 403)
    response = post_form(client, f"/staff/moderation/{helpful}/labels", {"sentiment": "neutral"}, token_from="/staff/")
    assert response.status_code == 403
    signed_in_as(app, client, "officer", email="officer2@kelderbridge.example")
    assert client.post(f"/staff/moderation/{helpful}/labels", data={"sentiment": "neutral"}).status_code == 400
    with app.app_context():
        assert db.session.get(Comment, helpful).corrected is False


def test_the_20_week_figure_sits_beside_the_families_figures_with_its_target(app, officer, client, get_page):
    with app.app_context():
        for number in range(15):  # 10 in time, 5 a day late, 2 exceptions left out, in February
            create_invitation(
                f"KB-2026-03{number:03d}",
                finalised_on=dt.date(2026, 2, 10),
                assessment_requested_on=dt.date(2026, 2, 10) - dt.timedelta(weeks=20, days=0 if number < 10 else 1),
            )
        for number in range(2):
            create_invitation(
                f"KB-2026-04{number:03d}",
                finalised_on=dt.date(2026, 2, 10),
                assessment_requested_on=dt.date(2025, 1, 1),
                timescale_exception=True,
            )
    assert post_form(client, "/staff/feedback/targets", {"finalised_in_20_weeks": "90"}).status_code == 302
    page = dashboard(get_page, by="month")
    targets = {row[0]: row for row in table_texts(page, "targets")}
    row = targets["Plans finalised within 20 weeks (council records)"]
    assert "66.7%" in row and "90.0%" in row and "Below target" in row
    assert list(targets)[:4] == ["Felt listened to", "Have seen the final plan", "Satisfied overall", row[0]]
    exported = client.get(f"/staff/feedback/export/kpis.csv?period={QUARTER}&by=month").get_data(as_text=True)
    header, *lines = list(csv.reader(io.StringIO(exported)))
    column = header.index("Plans finalised within 20 weeks (council records) (%)")
    february = next(line for line in lines if line[0].startswith("Feb 2026"))
    assert float(february[column]) == pytest.approx(66.7, abs=0.05)
