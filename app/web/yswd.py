""" "You said, we did": the public list, entry pages, Atom feed and annual report; the staff pages
that write, publish, schedule and archive entries."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..feedback.annual import annual_figures, annual_timeliness
from ..feedback.dashboard import period_label
from ..feedback.kpis import KPI_NAMES, TIMELINESS
from ..feedback.suppression import EXPLANATION, SUPPRESSED_TEXT
from ..i18n import current_language
from ..models.feedback import targets as kpi_targets
from ..models.staff import Role, utcnow
from ..models.yswd import Entry
from ..services import markdown_renderer
from ..yswd import publishing
from ..yswd.report import build_report, report_years
from ..yswd.themes import ENTRY_THEMES, STAGES, STATUSES
from . import publishing as staff_publishing
from .auth import current_staff, role_required
from .council import council
from .forms.kit import ConfirmForm
from .forms.publishing import EntryForm, PublishForm, UpdateForm
from .pagination import render_list
from .publishing import FEED_SIZE, add_stage_rules, feed_item, feed_response, live_or_404
from .staff import add_tool
from .survey_catalogue import catalogue

bp = Blueprint("yswd", __name__, url_prefix="/you-said-we-did")
staff_bp = Blueprint("yswd_staff", __name__, url_prefix="/staff/you-said-we-did")

add_tool(
    "yswd_staff.entries",
    _l("You said, we did"),
    _l("Write, publish and update what families told us and what changed."),
    Role.SENDIASS,
)


# Public pages ---------------------------------------------------------------------
def _filters() -> dict[str, Any]:
    """The list's filters from the query string; unknown values are ignored."""
    theme = request.args.get("theme", "")
    status = request.args.get("status", "")
    year = request.args.get("year", "")
    return {
        "theme": theme if theme in ENTRY_THEMES else "",
        "status": status if status in STATUSES else "",
        "year": int(year) if year.isdigit() and 2000 <= int(year) <= 2999 else None,
    }


@bp.route("")
def index():
    filters = _filters()
    years = publishing.entry_years()
    return render_list(
        "yswd/index.html",
        publishing.public_entries(**filters),
        per_page=10,
        rows="entries",
        endpoint="yswd.index",
        args=filters,
        filters=filters,
        years=years,
        report_years=report_years(years, clock.today()),
        untranslated=current_language() != "en",
    )


@bp.route("/<int:entry_id>")
def entry(entry_id: int):
    return render_template(
        "yswd/entry.html", entry=live_or_404(Entry, entry_id), untranslated=current_language() != "en"
    )


@bp.route("/feed.atom")
def feed():
    entries = db.session.scalars(publishing.public_entries().limit(FEED_SIZE)).all()
    items = [
        feed_item(
            e,
            url_for("yswd.entry", entry_id=e.id, _external=True),
            render_template("yswd/_feed_content.html", entry=e),
            str(ENTRY_THEMES[e.theme]),
        )
        for e in entries
    ]
    return feed_response(
        _("You said, we did – %(service)s", service=council().service_name),
        _("What families told us about SEND services in %(place)s, and what we did about it.", place=council().place),
        "yswd.feed",
        "yswd.index",
        items,
    )


@bp.route("/report/<int:year>")
def report(year: int):
    today = clock.today()
    years = report_years(publishing.entry_years(), today)
    if year not in years and year != today.year:
        abort(404)
    entries = db.session.scalars(publishing.public_entries(year=year)).all()
    figures = annual_figures(year, catalogue(current_language()).kpi_questions())
    return render_template(
        "yswd/report.html",
        report=build_report(year, entries, figures),
        timeliness=annual_timeliness(year, kpi_targets()),
        timeliness_key=TIMELINESS,
        timeliness_name=KPI_NAMES[TIMELINESS],
        period_label=period_label,
        years=years,
        current_year=today.year,
        suppressed_text=SUPPRESSED_TEXT,
        suppression_explanation=EXPLANATION,
    )


# Staff pages ----------------------------------------------------------------------
def _entry_or_404(entry_id: int) -> Entry:
    return db.session.get(Entry, entry_id) or abort(404)


@staff_bp.route("/")
@role_required(Role.SENDIASS)
def entries():
    stage = request.args.get("stage", "")
    query = select(Entry).order_by(Entry.updated_at.desc(), Entry.id.desc())
    now = utcnow()
    if stage in STAGES:
        query = query.where(Entry.in_stage(stage, now))
    else:
        stage = ""
    return render_list(
        "yswd/staff_entries.html",
        query,
        per_page=25,
        rows="entries",
        endpoint="yswd_staff.entries",
        args={"stage": stage},
        stage=stage,
        now=now,
    )


@staff_bp.route("/new", methods=["GET", "POST"])
@role_required(Role.SENDIASS)
def new_entry():
    form = EntryForm()
    return staff_publishing.saved(None, form, "yswd_staff.entry", "entry_id") or render_template(
        "yswd/staff_entry_form.html", form=form, entry=None
    )


@staff_bp.route("/<int:entry_id>/edit", methods=["GET", "POST"])
@role_required(Role.SENDIASS)
def edit_entry(entry_id: int):
    item = _entry_or_404(entry_id)
    form = EntryForm(obj=item)
    return staff_publishing.saved(item, form, "yswd_staff.entry", "entry_id") or render_template(
        "yswd/staff_entry_form.html", form=form, entry=item
    )


def _staff_entry_page(item: Entry, publish_form=None, update_form=None, status: int = 200):
    failed = next((f for f in (publish_form, update_form) if f is not None and f.errors), None)
    return (
        render_template(
            "yswd/staff_entry.html",
            entry=item,
            now=utcnow(),
            form=failed,
            publish_form=publish_form or PublishForm(formdata=None),
            update_form=update_form or UpdateForm(formdata=None),
            confirm_form=ConfirmForm(),
        ),
        status,
    )


@staff_bp.route("/<int:entry_id>", endpoint="entry")
@role_required(Role.SENDIASS)
def staff_entry(entry_id: int):
    return _staff_entry_page(_entry_or_404(entry_id))


add_stage_rules(
    staff_bp, Entry, "entry", "yswd_staff.entry", lambda item, form: _staff_entry_page(item, publish_form=form)
)


@staff_bp.route("/<int:entry_id>/updates", methods=["POST"])
@role_required(Role.SENDIASS)
def add_update(entry_id: int):
    item = _entry_or_404(entry_id)
    form = UpdateForm()
    if not form.validate_on_submit():
        return _staff_entry_page(item, update_form=form)
    publishing.add_update(item, form.happened_on.data, form.text.data, current_staff(), markdown_renderer())
    staff_publishing.audit(item, "update_added")
    db.session.commit()
    flash(_("Update added."), "success")
    return redirect(url_for("yswd_staff.entry", entry_id=item.id))


@staff_bp.route("/<int:entry_id>/history")
@role_required(Role.SENDIASS)
def revisions(entry_id: int):
    item = _entry_or_404(entry_id)
    history = []
    ordered = sorted(item.revisions, key=lambda r: r.id)
    previous: dict[str, Any] = {}
    for revision in ordered:
        changed = [name for name in Entry.SNAPSHOT_FIELDS if revision.snapshot.get(name) != previous.get(name)]
        history.append((revision, changed if previous else []))
        previous = revision.snapshot
    history.reverse()
    return render_template("yswd/staff_history.html", entry=item, history=history)
