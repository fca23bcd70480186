"""Officers' feedback pages: the dashboard, its charts and exports, KPI targets and the co-production report.

The analysis lives in `app.feedback`; this module reads the filters, loads plain records
(`app.models.feedback`), and renders the tables that `app.feedback.tables` builds.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import _, format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf

from ..extensions import db
from ..feedback import charts
from ..feedback.analysis import FeedbackFilters, FeedbackSummary, ThemeRow, analyse_cached, summarise
from ..feedback.exports import csv_lines, safe_text, table_csv, tables_json, write_xlsx
from ..feedback.kpis import HEADLINE_KPIS, KPI_NAMES, RESPONSE_RATE, KpiTable, Period, kpi_table, period_of
from ..feedback.redaction import redact
from ..feedback.sentiment import LABELS
from ..feedback.tables import SENTIMENT_NAMES, TABLE_TITLES, Table, dashboard_tables, figures
from ..feedback.themes import theme_name
from ..languages import KNOWN_LANGUAGES, own_name
from ..models import feedback as feedback_data
from ..models.staff import Role, record_event
from ..models.yswd import Entry
from ..services import survey_definitions
from ..surveys import Survey
from ..yswd.themes import ENTRY_THEMES, STATUSES
from .auth import current_staff, role_required
from .forms.feedback import ALL, LAST_12_MONTHS, TARGET_KEYS, FilterForm, targets_form
from .staff import add_tool

bp = Blueprint("feedback", __name__, url_prefix="/staff/feedback")

add_tool(
    "feedback.dashboard",
    _l("Feedback dashboard"),
    _l("KPIs against targets, sentiment, themes and quotes; exports and the co-production report."),
    Role.OFFICER,
)


def annual_figures(year: int) -> list[dict]:
    """The headline KPIs for one calendar year, as the public annual report takes them.

    Each KPI gives two answers, counted over the year's responses: "Yes" (felt listened to,
    has seen the plan, satisfied or very satisfied) and "No or not sure". The report applies
    its own small-number suppression.
    """
    records = [r for r in feedback_data.response_records() if r.submitted_on.year == year]
    figures = []
    for key in HEADLINE_KPIS:
        yes = sum(1 for r in records if r.kpis.get(key) is True)
        no = sum(1 for r in records if r.kpis.get(key) is False)
        if yes + no:
            question = str(KPI_NAMES[key])
            figures.append({"question": question, "answer": _("Yes"), "count": yes, "total": yes + no})
            figures.append({"question": question, "answer": _("No or not sure"), "count": no, "total": yes + no})
    return figures


@bp.record_once
def _offer_annual_figures(state) -> None:
    """Give the public annual feedback report its survey figures (unless something else already does)."""
    state.app.extensions.setdefault("yswd_report_figures", annual_figures)


#: Export formats of the dashboard tables.
TABLE_FORMATS = ("csv", "xlsx", "json")
#: The charts on the dashboard and in the report.
CHARTS = ("kpis", "sentiment", "sentiment_trend", "themes")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Filters ------------------------------------------------------------------------------------


def _surveys() -> dict[str, Survey]:
    return survey_definitions()


def _source_names() -> dict[str, str]:
    names = {key: survey.text(survey.title, "en") for key, survey in _surveys().items()}
    names[feedback_data.PAGE_FEEDBACK] = str(_("“Was this page helpful?” comments"))
    names[feedback_data.PAPER] = str(_("Paper forms and events"))
    return names


def language_name(code: str) -> str:
    """A locale's name in itself ("Polski"), from the portal's languages or the common ones; else the code."""
    names = current_app.config["LANGUAGES"]
    base = code.split("_")[0].split("-")[0]
    return names.get(code) or names.get(base) or (own_name(base) if base in KNOWN_LANGUAGES else code)


def _period_choices(today: dt.date, days: list[dt.date]) -> list[tuple[str, str]]:
    """The last 12 months, all time, then each calendar year and quarter with feedback, newest first."""
    choices = [(LAST_12_MONTHS, str(_("Last 12 months"))), (ALL, str(_("All time")))]
    years = sorted({d.year for d in days}, reverse=True)
    quarters = sorted({period_of(d, "quarter") for d in days}, key=lambda p: p.start, reverse=True)
    choices += [(str(year), str(year)) for year in years]
    choices += [(p.key, period_label(p)) for p in quarters]
    return choices


def period_range(key: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day a period choice covers (None: the data decides)."""
    if key == LAST_12_MONTHS:
        first = today.replace(day=1)
        for _month in range(11):
            first = (first - dt.timedelta(days=1)).replace(day=1)
        return first, today
    if key.isdigit() and len(key) == 4:
        return dt.date(int(key), 1, 1), dt.date(int(key), 12, 31)
    if len(key) == 7 and key[4:6] == "-Q" and key[:4].isdigit() and key[6] in "1234":
        period = period_of(dt.date(int(key[:4]), 3 * int(key[6]) - 2, 1), "quarter")
        return period.start, period.end
    return None, None


def period_label(period: Period) -> str:
    """ "Mar 2026" for a month, "Jan to Mar 2026" for a quarter."""
    if period.granularity == "month":
        return format_date(period.start, "MMM yyyy")
    return _("%(first)s to %(last)s", first=format_date(period.start, "MMM"), last=format_date(period.end, "MMM yyyy"))


# Loading and analysing ----------------------------------------------------------------------


@dataclass
class View:
    """Everything a dashboard, chart, export or report shows for one choice of filters."""

    form: FilterForm
    filters: FeedbackFilters
    granularity: str
    kpis: KpiTable
    summary: FeedbackSummary
    tables: dict[str, Table]
    description: str

    def query(self) -> dict[str, str]:
        """The filters as query-string arguments, for chart and export links."""
        return {name: self.form[name].data for name in ("survey", "period", "language", "by")}


def _questions() -> dict[tuple[str, str], feedback_data.QuestionText]:
    return {
        (survey.id, question.id): feedback_data.QuestionText(survey.text(question.label, "en"), question.kind)
        for survey in _surveys().values()
        for question in survey.questions()
    }


def _kpi_keys(survey_id: str | None) -> tuple[str, ...]:
    """The headline KPIs, or every KPI a chosen survey measures, in the order it asks them."""
    survey = _surveys().get(survey_id or "")
    if survey is None:
        return HEADLINE_KPIS
    keys = [q.kpi for q in survey.questions() if q.kpi]
    return tuple(dict.fromkeys(keys))


def load_view(args) -> View:
    """Read the filters from `args`, load and analyse the feedback they select."""
    today = dt.date.today()
    responses = feedback_data.response_records()
    invitations = feedback_data.invitation_records()
    comments = feedback_data.comment_records(_questions())
    days = [r.submitted_on for r in responses] + [c.submitted_on for c in comments]
    locales = sorted({r.locale for r in responses} | {c.locale for c in comments} | {"en"})

    form = FilterForm(args)
    sources = _source_names()
    survey_choices = [(ALL, str(_("All surveys and sources"))), *sources.items()]
    period_choices = _period_choices(today, days)
    language_choices = [(ALL, str(_("All languages")))] + [(c, language_name(c)) for c in locales]
    for field, choices, message in (
        (form.survey, survey_choices, _l("Select a survey or source from the list")),
        (form.period, period_choices, _l("Select a period from the list")),
        (form.language, language_choices, _l("Select a language from the list")),
    ):
        field.choices = [SelectChoice(value, label) for value, label in choices]
        field.validators = [AnyOf([value for value, _label in choices], message)]
    form.by.validators = [AnyOf(["month", "quarter"], _l("Select month or quarter"))]
    for name in ("survey", "period", "language", "by"):
        if not form[name].data:
            form[name].data = form[name].default
    if args and not form.validate():
        for name in ("survey", "period", "language", "by"):
            if form[name].errors:
                form[name].data = form[name].default

    survey_id = None if form.survey.data == ALL else form.survey.data
    locale = None if form.language.data == ALL else form.language.data
    start, end = period_range(form.period.data, today)
    filters = FeedbackFilters(survey_id=survey_id, start=start, end=end, locale=locale)
    granularity = form.by.data

    kpis = kpi_table(
        filters.responses(responses),
        filters.invitations(invitations),
        granularity=granularity,
        keys=_kpi_keys(survey_id),
        targets=feedback_data.targets(),
        start=start,
        end=end,
    )
    analysed = [analyse_cached(c) for c in filters.comments(comments)]
    summary = summarise(analysed, granularity=granularity, start=start, end=end)
    tables = dashboard_tables(kpis, summary, period_label)
    description = _(
        "%(survey)s · %(period)s · %(language)s",
        survey=dict(survey_choices)[form.survey.data],
        period=dict(period_choices)[form.period.data],
        language=dict(language_choices)[form.language.data],
    )
    return View(form, filters, granularity, kpis, summary, tables, description)


# Charts -------------------------------------------------------------------------------------


def chart_svg(view: View, name: str) -> bytes:
    """One chart of the view, as SVG."""
    if name == "kpis":
        table = view.tables["kpis"]
        periods = [str(row[0]) for row in table.rows[:-1]] if view.kpis.total else [str(r[0]) for r in table.rows]
        keys = [*view.kpis.keys, RESPONSE_RATE]
        series = {str(KPI_NAMES[k]): figures(table.column(k))[: len(periods)] for k in keys}
        targets = {
            str(KPI_NAMES[k]): (
                view.kpis.rows[0].response_rate if k == RESPONSE_RATE else view.kpis.rows[0].kpis[k]
            ).target
            for k in keys
            if view.kpis.rows
        }
        return charts.kpi_trend(periods, series, targets, y_label=_("Per cent"), target_label=_("target"))
    if name == "sentiment":
        counts = figures(view.tables["sentiment"].column("comments"))[: len(LABELS)]
        return charts.horizontal_bars(
            [str(SENTIMENT_NAMES[label]) for label in LABELS],
            counts,
            [charts.SENTIMENT_COLOURS[label] for label in LABELS],
            x_label=_("Comments"),
        )
    if name == "sentiment_trend":
        table = view.tables["sentiment_trend"]
        return charts.stacked_bars(
            [str(p) for p in table.column("period")],
            {label: figures(table.column(f"{label}_share")) for label in LABELS},
            charts.SENTIMENT_COLOURS,
            {label: str(SENTIMENT_NAMES[label]) for label in LABELS},
            value_label=_("Share of comments (%)"),
        )
    if name == "themes":
        table = view.tables["themes"]
        return charts.stacked_bars(
            [str(t) for t in table.column("theme")],
            {label: figures(table.column(label)) for label in LABELS},
            charts.SENTIMENT_COLOURS,
            {label: str(SENTIMENT_NAMES[label]) for label in LABELS},
            value_label=_("Comments"),
            horizontal=True,
        )
    abort(404)


CHART_DESCRIPTIONS: dict[str, object] = {
    "kpis": _l("Line chart of each KPI and the response rate by period, with targets as dashed lines."),
    "sentiment": _l("Bar chart of how many comments were positive, neutral and negative."),
    "sentiment_trend": _l("Stacked bar chart of the share of positive, neutral and negative comments by period."),
    "themes": _l("Stacked bar chart of comments about each theme, split by sentiment."),
}


@bp.route("/charts/<name>.svg")
@role_required(Role.OFFICER)
def chart(name: str):
    """A dashboard chart for the same filters as the page."""
    if name not in CHARTS:
        abort(404)
    response = Response(chart_svg(load_view(request.args), name), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, no-store"
    return response


# Dashboard ----------------------------------------------------------------------------------


@bp.route("/")
@role_required(Role.OFFICER)
def dashboard():
    """KPIs against targets over time, sentiment and its trend, themes and quotes, with filters."""
    view = load_view(request.args)
    return render_template(
        "feedback/dashboard.html",
        view=view,
        form=view.form,
        sentiment_names=SENTIMENT_NAMES,
        tables=view.tables,
        summary=view.summary,
        theme_name=theme_name,
        chart_src=lambda name: url_for("feedback.chart", name=name, **view.query()),
        chart_descriptions=CHART_DESCRIPTIONS,
        table_titles=TABLE_TITLES,
        formats=TABLE_FORMATS,
        query=view.query(),
    )


# Exports ------------------------------------------------------------------------------------


def _download(body, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _audit_export(name: str, fmt: str, rows: int, survey: str | None) -> None:
    record_event(
        "feedback_exported",
        user=current_staff(),
        target_type="feedback_export",
        target_id=name,
        format=fmt,
        rows=rows,
        survey=survey or ALL,
    )
    db.session.commit()


@bp.route("/export/<name>.<fmt>")
@role_required(Role.OFFICER)
def export(name: str, fmt: str):
    """One dashboard table (or all of them) as CSV, XLSX or JSON, for the same filters as the page."""
    if fmt not in TABLE_FORMATS or (name not in TABLE_TITLES and name != ALL) or (name == ALL and fmt == "csv"):
        abort(404)
    view = load_view(request.args)
    chosen = list(view.tables.values()) if name == ALL else [view.tables[name]]
    rows = sum(len(table.rows) for table in chosen)
    stem = f"feedback-{name}-{dt.date.today().isoformat()}"
    # The file is built whole first: the audit log records only an export that was made.
    if fmt == "csv":
        body, mimetype = "".join(table_csv(chosen[0])), "text/csv; charset=utf-8"
    elif fmt == "json":
        about = {"filters": view.query(), "description": view.description, "generated_on": dt.date.today().isoformat()}
        body, mimetype = "".join(tables_json(chosen, about)), "application/json"
    else:
        buffer = io.BytesIO()
        write_xlsx(chosen, buffer)
        body, mimetype = buffer.getvalue(), XLSX_MIMETYPE
    _audit_export(name, fmt, rows, view.filters.survey_id)
    return _download(body, mimetype, f"{stem}.{fmt}")


def _raw_columns() -> list[tuple[str, str, bool]]:
    """(survey id, question id, free text?) for every question of every survey, in survey order."""
    columns = []
    for survey in _surveys().values():
        for question in survey.questions():
            columns.append((survey.id, question.id, getattr(question, "type", "") == "free_text"))
    return columns


def raw_rows() -> Iterator[list[str]]:
    """Anonymised responses: no reference, the month not the day, free text only if approved and redacted."""
    columns = _raw_columns()
    approved = feedback_data.approved_texts()
    for number, (response, answers) in enumerate(feedback_data.raw_responses(), start=1):
        row = [
            str(number),
            response.survey_id,
            response.survey_version,
            response.locale,
            response.channel,
            response.submitted_on.strftime("%Y-%m"),
        ]
        for survey_id, question_id, free_text in columns:
            value = answers.get(question_id) if survey_id == response.survey_id else None
            if value is None:
                row.append("")
            elif isinstance(value, list):
                row.append("; ".join(value))
            elif free_text:
                quotable = (response.reference, question_id, value) in approved
                row.append(safe_text(redact(value)) if quotable else "")
            else:
                row.append(value)
        yield row


@bp.route("/export/responses.<fmt>")
@role_required(Role.OFFICER)
def export_responses(fmt: str):
    """Every response, anonymised, for analysts; streamed as it is read."""
    if fmt not in ("csv", "json"):
        abort(404)
    header = ["response", "survey", "survey_version", "language", "channel", "month"]
    header += [f"{survey_id}.{question_id}" for survey_id, question_id, _free in _raw_columns()]
    stem = f"feedback-responses-{dt.date.today().isoformat()}"
    sent = [0]

    def counted_rows() -> Iterator[list[str]]:
        for row in raw_rows():
            sent[0] += 1
            yield row

    def recorded(lines: Iterator[str]) -> Iterator[str]:
        """The file, then (only once all of it was made) its entry in the audit log."""
        yield from lines
        _audit_export("responses", fmt, sent[0], None)

    if fmt == "csv":
        body = stream_with_context(recorded(csv_lines(header, counted_rows())))
        return _download(body, "text/csv; charset=utf-8", f"{stem}.csv")

    def json_lines() -> Iterator[str]:
        yield '{"columns": ' + json.dumps(header) + ', "responses": ['
        for index, row in enumerate(counted_rows()):
            yield ("," if index else "") + json.dumps(dict(zip(header, row, strict=True)), ensure_ascii=False)
        yield "]}"

    return _download(stream_with_context(recorded(json_lines())), "application/json", f"{stem}.json")


# Targets ------------------------------------------------------------------------------------


@bp.route("/targets", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def targets():
    """Officers set a target for each KPI; the dashboard and report compare with them."""
    form = targets_form(feedback_data.targets())
    if form.validate_on_submit():
        values = {key: form[key].data for key in TARGET_KEYS}
        changed = feedback_data.save_targets(values, current_staff().id)
        record_event("kpi_targets_updated", user=current_staff(), target_type="kpi_targets", count=changed)
        db.session.commit()
        flash(_("Targets saved."), "success")
        return redirect(url_for("feedback.dashboard"))
    return render_template("feedback/targets.html", form=form, keys=TARGET_KEYS)


# Co-production report -----------------------------------------------------------------------


#: The feedback themes each "You said, we did" theme answers, so the report can link them.
YSWD_THEME_LINKS: dict[str, tuple[str, ...]] = {
    "early-years": ("school_setting",),
    "schools": ("school_setting", "specialist_provision"),
    "post-16": ("school_setting", "preparing_for_adulthood"),
    "alternative-provision": ("specialist_provision",),
    "health": ("health_input",),
    "social-care": ("social_care",),
    "training": ("preparing_for_adulthood",),
    "travel": ("transport",),
    "adulthood": ("preparing_for_adulthood",),
    "advice": ("sendiass", "information_local_offer"),
    "money": ("funding_and_resources",),
    "disagreements": ("disagreement_resolution",),
    "local-offer": ("information_local_offer",),
    "ehc-process": ("plan_quality", "assessment_process"),
    "sen-support": ("school_setting",),
    "communication": ("communication",),
    "co-production": ("listening_involvement",),
    "waiting-times": ("timeliness",),
}


@dataclass(frozen=True)
class LinkedEntry:
    """A published "You said, we did" entry with the feedback themes it answers."""

    entry: Entry
    theme: str
    status: str
    themes: tuple[ThemeRow, ...]


def linked_entries(view: View) -> list[LinkedEntry]:
    """Published entries for the report's period (published in it, or still being worked on), with their themes.

    Each entry is linked to the rows of the themes table it answers, so the report shows
    what families said about a theme beside what was done about it.
    """
    start, end = view.filters.start, view.filters.end
    query = select(Entry).where(Entry.live()).order_by(Entry.publish_at.desc())
    rows = {row.key: row for row in view.summary.themes}
    linked = []
    for entry in db.session.scalars(query):
        published = entry.publish_at.date()
        if end is not None and published > end:
            continue
        if start is not None and published < start and entry.status == "done":
            continue
        themes = tuple(rows[key] for key in YSWD_THEME_LINKS.get(entry.theme, ()) if key in rows)
        linked.append(
            LinkedEntry(
                entry,
                str(ENTRY_THEMES.get(entry.theme, entry.theme)),
                str(STATUSES.get(entry.status, entry.status)),
                themes,
            )
        )
    return linked


def _report_context(view: View, chart_src: Callable[[str], str]) -> dict:
    return {
        "view": view,
        "tables": view.tables,
        "summary": view.summary,
        "theme_name": theme_name,
        "chart_src": chart_src,
        "chart_descriptions": CHART_DESCRIPTIONS,
        "sentiment_names": SENTIMENT_NAMES,
        "entries": linked_entries(view),
        "generated_on": dt.date.today(),
        "query": view.query(),
    }


@bp.route("/report")
@role_required(Role.OFFICER)
def report():
    """The co-production report for a period: a printable page (print it, or download the PDF)."""
    view = load_view(request.args)
    chart_src = lambda name: url_for("feedback.chart", name=name, **view.query())  # noqa: E731
    return render_template("feedback/report.html", form=view.form, **_report_context(view, chart_src))


@bp.route("/report.pdf")
@role_required(Role.OFFICER)
def report_pdf():
    """The same report as a PDF, with its charts embedded."""
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except OSError:  # the system's text-layout libraries are missing
        flash(_("The PDF cannot be made on this server. Print the report page instead."), "error")
        return redirect(url_for("feedback.report", **request.args))
    view = load_view(request.args)

    def embedded(name: str) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(chart_svg(view, name)).decode("ascii")

    html = render_template("feedback/report_pdf.html", **_report_context(view, embedded))
    # Only the embedded charts are read: the PDF never fetches anything from the network or disk.
    pdf = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()
    rows = sum(len(table.rows) for table in view.tables.values())
    _audit_export("report", "pdf", rows, view.filters.survey_id)
    return _download(pdf, "application/pdf", f"co-production-report-{dt.date.today().isoformat()}.pdf")
