"""Forms for the staff pages that publish: "You said, we did" entries, updates, and the
publish and progress-update forms both share."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask_babel import _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from ... import clock
from ...models.staff import utcnow
from ...models.yswd import Entry, NewsPost
from ...yswd.themes import ENTRY_THEMES, NEWS_KINDS, STATUSES
from .kit import MARKDOWN_HINT, GovDateField, WholeNumberField, choice_field, link_field, text_field

_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def to_utc(day: dt.date, time: dt.time) -> dt.datetime:
    """A local (UK) date and time as naive UTC, how times are stored."""
    return clock.uk_to_utc(day, time)


class PublishForm(FlaskForm):
    """Publish now, or schedule for a date and time (UK time)."""

    when = choice_field(
        _l("When should this be published?"),
        {"now": _l("Now"), "later": _l("At a date and time")},
        required=_l("Select when to publish"),
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
    text = text_field(
        _l("What has happened"),
        hint=MARKDOWN_HINT,
        box=True,
        required=_l("Enter what has happened"),
        max_length=5000,
        too_long=_l("Update must be 5,000 characters or fewer"),
    )
    submit = SubmitField(_l("Add update"), widget=GovSubmitInput())

    def validate_happened_on(self, field: GovDateField) -> None:
        if field.data and field.data > clock.today() + dt.timedelta(days=1):
            raise ValidationError(_("Date of the update must be today or in the past"))


class EntryForm(FlaskForm):
    """A "You said, we did" entry."""

    title = text_field(
        _l("Title"),
        hint=_l("A short summary for the list and the feed, for example: Clearer information about transport"),
        required=_l("Enter a title"),
        max_length=200,
        too_long=_l("Title must be 200 characters or fewer"),
    )
    theme = choice_field(
        _l("Theme"), {"": _l("Choose a theme"), **ENTRY_THEMES}, required=_l("Select a theme"), select=True
    )
    we_asked = text_field(
        _l("We asked"),
        hint=_l("Which survey, consultation or conversation this came from, and when."),
        box=True,
        required=_l("Enter what we asked"),
        max_length=2000,
        too_long=_l("We asked must be 2,000 characters or fewer"),
    )
    we_asked_url = link_field(_l("Link to the survey or consultation (optional)"))
    you_said = text_field(
        _l("You said"),
        hint=MARKDOWN_HINT,
        box=True,
        required=_l("Enter what families told us"),
        max_length=20000,
        too_long=_l("You said must be 20,000 characters or fewer"),
    )
    we_did = text_field(
        _l("We did"),
        hint=MARKDOWN_HINT,
        box=True,
        required=_l("Enter what we did or will do"),
        max_length=20000,
        too_long=_l("We did must be 20,000 characters or fewer"),
    )
    status = choice_field(_l("Status"), STATUSES, required=_l("Select a status"))
    progress = WholeNumberField(
        _l("Progress, as a percentage (optional)"),
        widget=GovTextInput(),
        invalid_message=_l("Progress must be a whole number between 0 and 100"),
        validators=[
            Optional(),
            NumberRange(min=0, max=100, message=_l("Progress must be a whole number between 0 and 100")),
        ],
    )
    evidence_url = link_field(
        _l("Link to evidence (optional)"), hint=_l("For example, the new page, the report or the meeting minutes.")
    )
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name).data for name in Entry.FIELDS}


class PostForm(FlaskForm):
    """An update (a short news post)."""

    title = text_field(
        _l("Title"), required=_l("Enter a title"), max_length=200, too_long=_l("Title must be 200 characters or fewer")
    )
    kind = choice_field(_l("What kind of update is it?"), NEWS_KINDS, required=_l("Select what kind of update it is"))
    summary = text_field(
        _l("Summary"),
        hint=_l("One sentence for the home page and the list of updates."),
        required=_l("Enter a summary"),
        max_length=300,
        too_long=_l("Summary must be 300 characters or fewer"),
    )
    body = text_field(
        _l("Update"),
        hint=MARKDOWN_HINT,
        box=True,
        required=_l("Enter the update"),
        max_length=10000,
        too_long=_l("Update must be 10,000 characters or fewer"),
    )
    submit = SubmitField(_l("Save"), widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name).data for name in NewsPost.FIELDS}
