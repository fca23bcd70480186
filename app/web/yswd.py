""" "You said, we did": the public list, entry pages, Atom feed and annual report; the staff pages
that write, publish, schedule and archive entries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from sqlalchemy import select
from wtforms import RadioField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..extensions import db
from ..models.staff import Role, utcnow
from ..models.yswd import Entry
from ..yswd import publishing
from ..yswd.feeds import FeedItem
from ..yswd.report import build_report, report_years
from ..yswd.themes import STAGE_TAG_CLASSES, STAGES, STATUS_TAG_CLASSES, STATUSES, THEMES
from .auth import current_staff, role_required
from .council import council
from .pagination import govuk_pagination, paginate
from .publishing import (
    MARKDOWN_HINT,
    ConfirmForm,
    PublishForm,
    UpdateForm,
    WholeNumberField,
    add_publishing_routes,
    date_items,
    feed_response,
    markdown_renderer,
    strip,
    web_link,
)
from .staff import add_tool

bp = Blueprint("yswd", __name__, url_prefix="/you-said-we-did")
staff_bp = Blueprint("yswd_staff", __name__, url_prefix="/staff/you-said-we-did")

FEED_SIZE = 20

add_tool(
    "yswd_staff.entries",
    _l("You said, we did"),
    _l("Write, publish and update what families told us and what changed."),
    Role.SENDIASS,
)


@bp.app_context_processor
def _yswd_globals() -> dict:
    return {
        "THEMES": THEMES,
        "STATUSES": STATUSES,
        "STATUS_TAG_CLASSES": STATUS_TAG_CLASSES,
        "STAGES": STAGES,
        "STAGE_TAG_CLASSES": STAGE_TAG_CLASSES,
        "date_items": date_items,
    }


# Public pages ---------------------------------------------------------------------
def _filters() -> dict[str, Any]:
    """The list's filters from the query string; unknown values are ignored."""
    theme = request.args.get("theme", "")
    status = request.args.get("status", "")
    year = request.args.get("year", "")
    return {
        "theme": theme if theme in THEMES else "",
        "status": status if status in STATUSES else "",
        "year": int(year) if year.isdigit() and 2000 <= int(year) <= 2999 else None,
    }


@bp.route("")
def index():
    filters = _filters()
    page = paginate(publishing.public_entries(**filters), per_page=10)
    years = publishing.entry_years()
    return render_template(
        "yswd/index.html",
        entries=page.items,
        page=page,
        filters=filters,
        years=years,
        report_years=report_years(years, dt.date.today()),
        pagination=govuk_pagination(page, "yswd.index", **filters),
    )


def _live_entry(entry_id: int) -> Entry:
    entry = db.session.get(Entry, entry_id)
    if entry is None or not entry.is_live():
        abort(404)
    return entry


@bp.route("/<int:entry_id>")
def entry(entry_id: int):
    return render_template("yswd/entry.html", entry=_live_entry(entry_id))


@bp.route("/feed.atom")
def feed():
    entries = db.session.scalars(publishing.public_entries().limit(FEED_SIZE)).all()
    items = [
        FeedItem(
            url=url_for("yswd.entry", entry_id=e.id, _external=True),
            title=e.title,
            content_html=render_template("yswd/_feed_content.html", entry=e),
            published=e.publish_at,
            updated=max(e.updated_at, e.publish_at),
            category=str(THEMES[e.theme]),
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
    today = dt.date.today()
    years = report_years(publishing.entry_years(), today)
    if year not in years and year != today.year:
        abort(404)
    entries = db.session.scalars(publishing.public_entries(year=year)).all()
    figures_source = current_app.extensions.get("yswd_report_figures")
    figures = figures_source(year) if figures_source else ()
    return render_template(
        "yswd/report.html", report=build_report(year, entries, figures), years=years, current_year=today.year
    )


# Staff pages ----------------------------------------------------------------------
def _theme_choices() -> list[SelectChoice]:
    return [SelectChoice("", _l("Choose a theme"))] + [SelectChoice(key, label) for key, label in THEMES.items()]


def _status_choices() -> list[SelectChoice]:
    return [SelectChoice(key, label) for key, label in STATUSES.items()]


class EntryForm(FlaskForm):
    title = StringField(
        _l("Title"),
        widget=GovTextInput(),
        description=_l("A short summary for the list and the feed, for example: Clearer information about transport"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter a title")),
            Length(max=200, message=_l("Title must be 200 characters or fewer")),
        ],
    )
    theme = SelectField(
        _l("Theme"),
        widget=GovSelect(),
        choices=_theme_choices(),
        validators=[InputRequired(message=_l("Select a theme"))],
    )
    we_asked = TextAreaField(
        _l("We asked"),
        widget=GovTextArea(),
        description=_l("Which survey, consultation or conversation this came from, and when."),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter what we asked")),
            Length(max=2000, message=_l("We asked must be 2,000 characters or fewer")),
        ],
    )
    we_asked_url = StringField(
        _l("Link to the survey or consultation (optional)"),
        widget=GovTextInput(),
        validators=[
            Length(max=500, message=_l("Link must be 500 characters or fewer")),
            web_link(_l("Enter a link that starts with https://")),
        ],
    )
    you_said = TextAreaField(
        _l("You said"),
        widget=GovTextArea(),
        description=MARKDOWN_HINT,
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter what families told us")),
            Length(max=20000, message=_l("You said must be 20,000 characters or fewer")),
        ],
    )
    we_did = TextAreaField(
        _l("We did"),
        widget=GovTextArea(),
        description=MARKDOWN_HINT,
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter what we did or will do")),
            Length(max=20000, message=_l("We did must be 20,000 characters or fewer")),
        ],
    )
    status = RadioField(
        _l("Status"),
        widget=GovRadioInput(),
        choices=_status_choices(),
        validators=[InputRequired(message=_l("Select a status"))],
    )
    progress = WholeNumberField(
        _l("Progress, as a percentage (optional)"),
        widget=GovTextInput(),
        invalid_message=_l("Progress must be a whole number between 0 and 100"),
        validators=[
            Optional(),
            NumberRange(min=0, max=100, message=_l("Progress must be a whole number between 0 and 100")),
        ],
    )
    evidence_url = StringField(
        _l("Link to evidence (optional)"),
        widget=GovTextInput(),
        description=_l("For example, the new page, the report or the meeting minutes."),
        validators=[
            Length(max=500, message=_l("Link must be 500 characters or fewer")),
            web_link(_l("Enter a link that starts with https://")),
        ],
    )
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name).data for name in publishing.ENTRY_FIELDS}


def _entry_or_404(entry_id: int) -> Entry:
    return db.session.get(Entry, entry_id) or abort(404)


@staff_bp.route("/")
@role_required(Role.SENDIASS)
def entries():
    stage = request.args.get("stage", "")
    query = select(Entry).order_by(Entry.updated_at.desc(), Entry.id.desc())
    now = utcnow()
    if stage == "draft":
        query = query.where(Entry.state == "draft")
    elif stage == "archived":
        query = query.where(Entry.state == "archived")
    elif stage == "scheduled":
        query = query.where(Entry.state == "published", Entry.publish_at > now)
    elif stage == "published":
        query = query.where(Entry.live(now))
    else:
        stage = ""
    page = paginate(query, per_page=25)
    return render_template(
        "yswd/staff_entries.html",
        entries=page.items,
        page=page,
        stage=stage,
        now=now,
        pagination=govuk_pagination(page, "yswd_staff.entries", stage=stage),
    )


@staff_bp.route("/new", methods=["GET", "POST"])
@role_required(Role.SENDIASS)
def new_entry():
    form = EntryForm()
    if form.validate_on_submit():
        created = publishing.save_entry(None, form.values(), current_staff(), markdown_renderer())
        db.session.commit()
        flash(_("Draft saved. Publish it when it is ready."), "success")
        return redirect(url_for("yswd_staff.entry", entry_id=created.id))
    return render_template("yswd/staff_entry_form.html", form=form, entry=None)


@staff_bp.route("/<int:entry_id>/edit", methods=["GET", "POST"])
@role_required(Role.SENDIASS)
def edit_entry(entry_id: int):
    item = _entry_or_404(entry_id)
    form = EntryForm(obj=item)
    if form.validate_on_submit():
        publishing.save_entry(item, form.values(), current_staff(), markdown_renderer())
        db.session.commit()
        flash(_("Changes saved."), "success")
        return redirect(url_for("yswd_staff.entry", entry_id=item.id))
    return render_template("yswd/staff_entry_form.html", form=form, entry=item)


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


add_publishing_routes(
    staff_bp,
    noun="entry",
    load=_entry_or_404,
    invalid_publish=lambda item, form: _staff_entry_page(item, publish_form=form),
    show="yswd_staff.entry",
)


@staff_bp.route("/<int:entry_id>/updates", methods=["POST"])
@role_required(Role.SENDIASS)
def add_update(entry_id: int):
    item = _entry_or_404(entry_id)
    form = UpdateForm()
    if not form.validate_on_submit():
        return _staff_entry_page(item, update_form=form)
    publishing.add_update(item, form.happened_on.data, form.text.data, current_staff(), markdown_renderer())
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
