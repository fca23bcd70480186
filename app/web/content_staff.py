"""Officers' view of the content: Schedule 2 coverage, data quality (with a CSV download) and
families' problem reports."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from .. import clock
from ..content import quality, reports, reviews
from ..content.schedule2 import coverage
from ..csvfile import csv_lines
from ..extensions import db
from ..i18n import current_language
from ..models.staff import Role, record_event
from ..models.upkeep import PROBLEM_KIND_LABELS, ProblemReport
from ..services import content_store
from .auth import current_staff, role_required
from .feedback import download
from .forms.kit import ConfirmForm, confirmed
from .staff import add_tool

bp = Blueprint("content_staff", __name__, url_prefix="/staff/content")

add_tool(
    "content_staff.coverage_table",
    _l("Schedule 2 coverage"),
    _l("Which of the things a Local Offer must contain each page covers, and any gaps."),
    Role.OFFICER,
)


@bp.route("/coverage")
@role_required(Role.OFFICER)
def coverage_table():
    """Every Schedule 2 item with the pages covering it; gaps are marked as missing."""
    rows = coverage(content_store())
    return render_template("staff/coverage.html", rows=rows, missing=sum(row.missing for row in rows))


add_tool(
    "content_staff.data_quality",
    _l("Data quality"),
    _l("Listings overdue for review, never checked, with problem reports or missing details."),
    Role.OFFICER,
)
add_tool(
    "content_staff.problem_reports",
    _l("Problem reports"),
    _l("What families say is wrong with a page; close each report once it is dealt with."),
    Role.OFFICER,
)


def _quality_rows() -> list[quality.ListingQuality]:
    return quality.listing_quality(
        content_store(), clock.today(), reports.open_report_counts(), reviews.checked_pages()
    )


@bp.route("/quality")
@role_required(Role.OFFICER)
def data_quality():
    """How current and complete the listings are: overall, by category and by area, and which need attention."""
    rows = _quality_rows()
    areas = content_store().council.area_labels(current_language())
    return render_template(
        "staff/data_quality.html",
        total=quality.total(rows, _l("All listings")),
        categories=quality.by_category(rows),
        areas=quality.by_area(rows, areas),
        attention=[row for row in rows if row.needs_attention],
        fields=quality.RECOMMENDED_FIELDS,
        due_soon_days=quality.DUE_SOON_DAYS,
    )


@bp.route("/quality.csv")
@role_required(Role.OFFICER)
def data_quality_csv():
    """Every listing's state as a CSV file that opens in Excel."""
    rows = _quality_rows()
    header, body = quality.csv_table(rows, content_store().council.area_labels(current_language()))
    text = "".join(csv_lines(header, body))
    record_event(
        "data_quality_exported", user=current_staff(), target_type="data_quality", format="csv", rows=len(body)
    )
    db.session.commit()
    return download(text, "text/csv; charset=utf-8", f"local-offer-data-quality-{clock.today().isoformat()}.csv")


@bp.route("/problem-reports")
@role_required(Role.OFFICER)
def problem_reports():
    """Open problem reports from families, page by page."""
    return render_template("staff/problem_reports.html", **problem_report_section())


def problem_report_section() -> dict:
    """What the problem reports section needs (also shown in the approval queue)."""
    store = content_store()
    grouped: dict[str, list] = {}
    for report in reports.open_reports():
        grouped.setdefault(report.page, []).append(report)
    pages = [
        (page, reports.reportable_page(store, page), items)
        for page, items in sorted(grouped.items(), key=lambda item: (-len(item[1]), item[0]))
    ]
    return {"report_pages": pages, "kinds": PROBLEM_KIND_LABELS, "close_form": ConfirmForm()}


@bp.route("/problem-reports/<int:report_id>/close", methods=["POST"])
@role_required(Role.OFFICER)
def close_problem_report(report_id: int):
    """Close a report once the page is put right (or nothing needed doing)."""
    report = db.session.get(ProblemReport, report_id) or abort(404)
    confirmed()
    if reports.close_report(report, current_staff().id):
        record_event(
            "problem_report_closed",
            user=current_staff(),
            target_type="problem_report",
            target_id=report.id,
            page=report.page,
        )
        db.session.commit()
        flash(_l("Report closed."), "success")
    if request.form.get("back") == "queue":
        return redirect(url_for("content_edit.queue", _anchor="problem-reports"))
    return redirect(url_for(".problem_reports"))
