"""Officers' feedback pages: the dashboard, its charts and exports, KPI targets and the co-production report.

Thin routes: the filters form becomes a `Choice`, `app.feedback.dashboard` builds the view's
figures once, and the page, its charts (embedded in the page), every export and the report
all render that one view.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Iterator

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
from flask_babel import _
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf

from .. import clock
from ..extensions import db
from ..feedback import charts
from ..feedback.coproduction import linked_entries
from ..feedback.dashboard import ALL, GRANULARITIES, Choice, View, build_view, load, options
from ..feedback.exports import XLSX_MIMETYPE, raw_csv, raw_json, raw_rows, table_csv, tables_json, write_xlsx
from ..feedback.suppression import EXPLANATION
from ..feedback.tables import SENTIMENT_NAMES, TABLE_TITLES
from ..feedback.themes import theme_name
from ..i18n import current_language
from ..models import feedback as feedback_data
from ..models.staff import Role, record_event
from .auth import current_staff, role_required
from .forms.feedback import TARGET_KEYS, FilterForm, targets_form
from .staff import add_tool
from .survey_catalogue import catalogue

bp = Blueprint("feedback", __name__, url_prefix="/staff/feedback")

add_tool(
    "feedback.dashboard",
    _l("Feedback dashboard"),
    _l("KPIs against targets, sentiment, themes and quotes; exports and the co-production report."),
    Role.OFFICER,
)

#: Export formats of the dashboard tables.
TABLE_FORMATS = ("csv", "xlsx", "json")
FILTERS = ("survey", "period", "language", "by", "headline")


def load_view(args) -> tuple[View, FilterForm]:
    """Read the filters from `args` (a bad choice falls back to its default, with an error), then build the view."""
    today = clock.today()
    described = catalogue(current_language())
    data = load(described)
    form = FilterForm(args)
    for name in FILTERS:
        if not form[name].data:
            form[name].data = form[name].default
    asked = Choice(period=form.period.data, by=form.by.data if form.by.data in GRANULARITIES else "month")
    labels = options(data, described, current_app.config["LANGUAGES"], asked, today)
    for field, choices, message in (
        (form.survey, labels.surveys, _l("Select a survey or source from the list")),
        (form.period, labels.periods, _l("Select a period from the list")),
        (form.language, labels.languages, _l("Select a language from the list")),
        (form.headline, labels.headlines, _l("Select a period from the list")),
    ):
        field.choices = [SelectChoice(value, label) for value, label in choices]
        field.validators = [AnyOf([value for value, _label in choices], message)]
    form.by.validators = [AnyOf(list(GRANULARITIES), _l("Select month or quarter"))]
    if args and not form.validate():
        for name in FILTERS:
            if form[name].errors:
                form[name].data = form[name].default
    choice = Choice(*(form[name].data for name in FILTERS))
    return build_view(data, described, choice, labels, today), form


def _embedded(view: View) -> Callable[[str], str]:
    """Each chart of the view as a data URI: drawn from the built figures, in the same request."""
    drawn: dict[str, str] = {}

    def source(name: str) -> str:
        if name not in drawn:
            drawn[name] = "data:image/svg+xml;base64," + base64.b64encode(charts.draw(view, name)).decode("ascii")
        return drawn[name]

    return source


@bp.route("/charts/<name>.svg")
@role_required(Role.OFFICER)
def chart(name: str):
    """One dashboard chart on its own, for the same filters as the page."""
    if name not in charts.CHARTS:
        abort(404)
    view, _form = load_view(request.args)
    response = Response(charts.draw(view, name), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _page_context(view: View, form: FilterForm) -> dict:
    return {
        "view": view,
        "form": form,
        "tables": view.tables,
        "summary": view.summary,
        "theme_name": theme_name,
        "chart_src": _embedded(view),
        "chart_descriptions": charts.CHART_DESCRIPTIONS,
        "sentiment_names": SENTIMENT_NAMES,
        "suppression_explanation": EXPLANATION,
        "query": view.query(),
    }


@bp.route("/")
@role_required(Role.OFFICER)
def dashboard():
    """KPIs against targets over time, sentiment and its trend, themes and quotes, with filters."""
    view, form = load_view(request.args)
    return render_template(
        "feedback/dashboard.html", table_titles=TABLE_TITLES, formats=TABLE_FORMATS, **_page_context(view, form)
    )


# Exports ------------------------------------------------------------------------------------


def download(body, mimetype: str, filename: str) -> Response:
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
    view, _form = load_view(request.args)
    chosen = list(view.tables.values()) if name == ALL else [view.tables[name]]
    rows = sum(len(table.rows) for table in chosen)
    stem = f"feedback-{name}-{view.today.isoformat()}"
    # The file is built whole first: the audit log records only an export that was made.
    if fmt == "csv":
        body, mimetype = "".join(table_csv(chosen[0])), "text/csv; charset=utf-8"
    elif fmt == "json":
        about = {"filters": view.query(), "description": view.description, "generated_on": view.today.isoformat()}
        body, mimetype = "".join(tables_json(chosen, about)), "application/json"
    else:
        buffer = io.BytesIO()
        write_xlsx(
            chosen,
            buffer,
            {str(_("Showing")): view.description, str(_("Made on")): view.today.isoformat()},
        )
        body, mimetype = buffer.getvalue(), XLSX_MIMETYPE
    _audit_export(name, fmt, rows, view.filters.survey_id)
    return download(body, mimetype, f"{stem}.{fmt}")


@bp.route("/export/responses.<fmt>")
@role_required(Role.OFFICER)
def export_responses(fmt: str):
    """Every response, anonymised, for analysts; streamed as it is read."""
    if fmt not in ("csv", "json"):
        abort(404)
    columns = catalogue().raw_columns()
    stem = f"feedback-responses-{clock.today().isoformat()}"
    sent = [0]

    def counted_rows() -> Iterator[list[str]]:
        for row in raw_rows(columns):
            sent[0] += 1
            yield row

    def recorded(lines: Iterator[str]) -> Iterator[str]:
        """The file, then (only once all of it was made) its entry in the audit log."""
        yield from lines
        _audit_export("responses", fmt, sent[0], None)

    if fmt == "csv":
        body = stream_with_context(recorded(raw_csv(columns, counted_rows())))
        return download(body, "text/csv; charset=utf-8", f"{stem}.csv")
    body = stream_with_context(recorded(raw_json(columns, counted_rows())))
    return download(body, "application/json", f"{stem}.json")


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


def _report_context(view: View, form: FilterForm) -> dict:
    return {
        **_page_context(view, form),
        "entries": linked_entries(view.filters.start, view.filters.end, view.summary.themes),
        "generated_on": view.today,
    }


@bp.route("/report")
@role_required(Role.OFFICER)
def report():
    """The co-production report for a period: a printable page (print it, or download the PDF)."""
    view, form = load_view(request.args)
    return render_template("feedback/report.html", **_report_context(view, form))


@bp.route("/report.pdf")
@role_required(Role.OFFICER)
def report_pdf():
    """The same report as a tagged PDF (PDF/UA, for screen readers), with its charts embedded."""
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except OSError:  # the system's text-layout libraries are missing
        flash(_("The PDF cannot be made on this server. Print the report page instead."), "error")
        return redirect(url_for("feedback.report", **request.args))
    view, form = load_view(request.args)
    html = render_template("feedback/report_pdf.html", **_report_context(view, form))
    # Only the embedded charts are read: the PDF never fetches anything from the network or disk.
    document = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"}))
    pdf = document.write_pdf(pdf_variant="pdf/ua-1")
    _audit_export("report", "pdf", sum(len(table.rows) for table in view.tables.values()), view.filters.survey_id)
    return download(pdf, "application/pdf", f"co-production-report-{view.today.isoformat()}.pdf")
