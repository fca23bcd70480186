"""Forms and helpers shared by the staff pages that publish: "You said, we did" and updates."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, flash, redirect, url_for
from flask_babel import _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import DateField, IntegerField, RadioField, SelectChoice, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from ..content.loader import abbreviation_map
from ..content.render import Renderer
from ..extensions import db
from ..i18n import html_lang
from ..models.staff import Role, utcnow
from ..yswd import publishing as workflow
from ..yswd.feeds import FeedItem, atom_feed
from .auth import current_staff, role_required
from .council import council

MARKDOWN_HINT = _l(
    "You can use markdown: a blank line between paragraphs, * for a bullet list, **bold**, [link text](https://…)."
)
_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def markdown_renderer() -> Renderer:
    """A renderer that marks up the glossary's abbreviations, built once per app."""
    renderer = current_app.extensions.get("publishing_renderer")
    if renderer is None:
        store = current_app.extensions["content"]
        renderer = current_app.extensions["publishing_renderer"] = Renderer(abbreviation_map(list(store.glossary)))
    return renderer


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/London"))


def to_utc(day: dt.date, time: dt.time) -> dt.datetime:
    """A local (UK) date and time as naive UTC, how times are stored."""
    local = dt.datetime.combine(day, time, tzinfo=local_zone())
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def date_items(field: DateField) -> list[dict[str, Any]]:
    """Translated day/month/year boxes for GovDateInput, keeping what was typed."""
    day = month = year = ""
    if field.raw_data:
        day, month, year = [*field.raw_data, "", "", ""][:3]
    elif field.data:
        day, month, year = str(field.data.day), str(field.data.month), str(field.data.year)
    error = " govuk-input--error" if field.errors else ""
    return [
        {
            "label": _("Day"),
            "id": f"{field.name}-day",
            "name": field.name,
            "value": day,
            "classes": "govuk-input--width-2" + error,
        },
        {
            "label": _("Month"),
            "id": f"{field.name}-month",
            "name": field.name,
            "value": month,
            "classes": "govuk-input--width-2" + error,
        },
        {
            "label": _("Year"),
            "id": f"{field.name}-year",
            "name": field.name,
            "value": year,
            "classes": "govuk-input--width-4" + error,
        },
    ]


class GovDateField(DateField):
    """Day, month and year boxes, with GOV.UK's message for a date that does not exist."""

    def __init__(self, *args: Any, invalid_message: object = None, **kwargs: Any) -> None:
        kwargs.setdefault("format", "%d %m %Y")
        kwargs.setdefault("widget", GovDateInput())
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message or _l("Enter a real date")

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or not any(value.strip() for value in valuelist):
            self.raw_data = None if not valuelist else self.raw_data
            self.data = None
            return
        if len(valuelist) != 3:
            self.raw_data = [*valuelist, "", "", ""][:3]
            self.data = None
            raise ValueError(str(self.invalid_message))
        try:
            super().process_formdata([" ".join(value.strip() for value in valuelist)] if valuelist else valuelist)
        except ValueError:
            raise ValueError(str(self.invalid_message)) from None


class WholeNumberField(IntegerField):
    """A whole number with a specific message when it is not one."""

    def __init__(self, *args: Any, invalid_message: object = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist and not valuelist[0].strip():
            self.data = None
            return
        try:
            super().process_formdata([valuelist[0].strip().rstrip("%")] if valuelist else valuelist)
        except ValueError:
            raise ValueError(str(self.invalid_message or _l("Enter a whole number"))) from None


def strip(value: Any) -> Any:
    """A WTForms filter: surrounding spaces removed, so a blank answer counts as no answer."""
    return value.strip() if isinstance(value, str) else value


def web_link(message: object) -> Any:
    """A validator: an http(s) address."""

    def check(form: FlaskForm, field: StringField) -> None:
        value = (field.data or "").strip()
        field.data = value or None
        if value and not re.match(r"^https?://[^\s/$.?#][^\s]*$", value, re.IGNORECASE):
            raise ValidationError(str(message))

    return check


class ConfirmForm(FlaskForm):
    """A form that is only a button (and its CSRF token)."""

    submit = SubmitField(_l("Confirm"), widget=GovSubmitInput())


class PublishForm(FlaskForm):
    """Publish now, or schedule for a date and time (UK time)."""

    when = RadioField(
        _l("When should this be published?"),
        widget=GovRadioInput(),
        choices=[SelectChoice("now", _l("Now")), SelectChoice("later", _l("At a date and time"))],
        validators=[InputRequired(message=_l("Select when to publish"))],
    )
    publish_on = GovDateField(
        _l("Date"),
        description=_l("For example, 27 3 2026"),
        invalid_message=_l("Publication date must be a real date"),
    )
    publish_time = StringField(
        _l("Time"),
        widget=GovTextInput(),
        description=_l("24-hour clock, UK time, for example 09:00"),
        default="09:00",
        validators=[Length(max=5, message=_l("Enter a time like 09:00"))],
    )
    submit = SubmitField(_l("Publish"), widget=GovSubmitInput())

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if not valid and self.when.data == "now" and not self.when.errors:
            self.publish_on.errors = []
            self.publish_time.errors = []
            valid = not any(field.errors for field in self)
        return valid

    def scheduled_for(self) -> dt.datetime | None:
        """The chosen time as naive UTC, or None for "now" (call after validate)."""
        if self.when.data != "later" or self.publish_on.data is None:
            return None
        hour, minute = (int(part) for part in _TIME.match(self.publish_time.data.strip()).groups())
        return to_utc(self.publish_on.data, dt.time(hour, minute))

    def validate_publish_on(self, field: GovDateField) -> None:
        if self.when.data == "later" and field.data is None and not field.errors:
            raise ValidationError(_("Enter the date to publish"))

    def validate_publish_time(self, field: StringField) -> None:
        if self.when.data != "later":
            return
        if not _TIME.match((field.data or "").strip()):
            raise ValidationError(_("Enter a time like 09:00"))
        if self.publish_on.data is not None:
            hour, minute = (int(part) for part in _TIME.match(field.data.strip()).groups())
            if to_utc(self.publish_on.data, dt.time(hour, minute)) <= utcnow():
                raise ValidationError(_("Publication time must be in the future"))


class UpdateForm(FlaskForm):
    """A dated progress update on an entry."""

    happened_on = GovDateField(
        _l("Date of the update"),
        description=_l("For example, 27 3 2026"),
        validators=[InputRequired(message=_l("Enter the date of the update"))],
        invalid_message=_l("Date of the update must be a real date"),
    )
    text = TextAreaField(
        _l("What has happened"),
        widget=GovTextArea(),
        description=MARKDOWN_HINT,
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter what has happened")),
            Length(max=5000, message=_l("Update must be 5,000 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Add update"), widget=GovSubmitInput())

    def validate_happened_on(self, field: GovDateField) -> None:
        if field.data and field.data > dt.date.today() + dt.timedelta(days=1):
            raise ValidationError(_("Date of the update must be today or in the past"))


def add_publishing_routes(
    bp: Blueprint,
    *,
    noun: str,
    load: Callable[[int], Any],
    invalid_publish: Callable[[Any, PublishForm], Any],
    show: str,
) -> None:
    """Add the staff publishing actions for one kind of item to `bp`.

    For noun "post" these are POST /<int:post_id>/publish, /archive and /draft, named
    publish_post, archive_post and draft_post. `load` gives the item for an id (or aborts
    with 404), `invalid_publish(item, form)` is the response when the publish form does
    not validate, and each action redirects to the endpoint `show` for the item.
    """
    id_arg = f"{noun}_id"

    def back_to(item: Any) -> Any:
        return redirect(url_for(show, **{id_arg: item.id}))

    @role_required(Role.SENDIASS)
    def publish(**view_args: int) -> Any:
        item = load(view_args[id_arg])
        form = PublishForm()
        if not form.validate_on_submit():
            return invalid_publish(item, form)
        verb = workflow.publish(item, current_staff(), form.scheduled_for())
        db.session.commit()
        flash(_("Published.") if verb == "published" else _("Scheduled."), "success")
        return back_to(item)

    def confirmed_action(change: Callable[[Any, Any], None], message: Callable[[], str]) -> Callable[..., Any]:
        """A button-only POST: check its CSRF token, make the change, say so."""

        @role_required(Role.SENDIASS)
        def view(**view_args: int) -> Any:
            item = load(view_args[id_arg])
            if not ConfirmForm().validate_on_submit():
                abort(400)
            change(item, current_staff())
            db.session.commit()
            flash(message(), "success")
            return back_to(item)

        return view

    archive = confirmed_action(
        workflow.archive, lambda: _("Archived. It is no longer on the public pages or in the feed.")
    )
    draft = confirmed_action(workflow.back_to_draft, lambda: _("Moved back to draft."))

    for action, view in (("publish", publish), ("archive", archive), ("draft", draft)):
        bp.add_url_rule(f"/<int:{id_arg}>/{action}", f"{action}_{noun}", view, methods=["POST"])


def feed_response(title: str, subtitle: str, feed_endpoint: str, page_endpoint: str, items: list[FeedItem]) -> Response:
    """An Atom feed of published items, in the reader's language, from the council."""
    body = atom_feed(
        title=title,
        subtitle=subtitle,
        self_url=url_for(feed_endpoint, _external=True),
        page_url=url_for(page_endpoint, _external=True),
        site_url=url_for("public.home", _external=True),
        author=council().name,
        language=html_lang(),
        items=items,
        generated=utcnow(),
    )
    return Response(body, mimetype="application/atom+xml")
