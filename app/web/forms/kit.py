"""The field kit every form is built from: one confirm form, one `strip` filter, one
whole-number (or percentage) field, the GOV.UK date field, required text and optional link
fields, required radios and selects, the honeypot and a link check."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import abort
from flask_babel import _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovDateInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from markupsafe import Markup
from wtforms import (
    DateField,
    Field,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from ...recent import Recent

#: The hint under a box that takes markdown.
MARKDOWN_HINT = _l(
    "You can use markdown: a blank line between paragraphs, * for a bullet list, **bold**, [link text](https://…)."
)
#: The name of the hidden field that people never see and bots fill in.
HONEYPOT = "website"

_WEB_LINK = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


#: How many renderings of GOV.UK components each process remembers (see `RememberedRender`).
REMEMBERED_RENDERINGS = 512


def _frozen(value: Any) -> Any:
    """`value` (a component's parameters) as a hashable key; text as its type and its words."""
    if isinstance(value, dict):
        return tuple(sorted((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    if value is None or isinstance(value, bool | int | float):
        return value
    return (type(value).__name__, str(value))


class RememberedRender:
    """A GOV.UK widget that renders the same parameters to the same HTML only once.

    The GOV.UK macros are the slowest part of a page with many filters, and a component's HTML
    depends only on its parameters (its labels already in the reader's language, its counts,
    what is ticked, its error), so recent renderings are kept, the least recently used dropped.
    """

    _rendered: Recent[Markup] = Recent(REMEMBERED_RENDERINGS)

    def render(self, params: dict) -> Markup:
        key = (self.template, _frozen(params))  # type: ignore[attr-defined]
        found = self._rendered.get(key)
        if found is None:
            found = super().render(params)  # type: ignore[misc]
            self._rendered.put(key, found)
        return found


class RememberedCheckboxes(RememberedRender, GovCheckboxesInput):
    """GOV.UK checkboxes for a list of filters, each rendering remembered."""


class RememberedCheckbox(RememberedRender, GovCheckboxInput):
    """One GOV.UK checkbox (a yes/no filter), each rendering remembered."""


class RememberedTextInput(RememberedRender, GovTextInput):
    """A GOV.UK text input (a filter's box), each rendering remembered."""


def strip(value: Any) -> Any:
    """A WTForms filter: surrounding spaces removed, so a blank answer counts as no answer."""
    return value.strip() if isinstance(value, str) else value


class ConfirmForm(FlaskForm):
    """A form that is only a button (and its CSRF token)."""

    submit = SubmitField(_l("Confirm"), widget=GovSubmitInput())


def confirmed() -> None:
    """A button-only POST must carry a valid CSRF token: 400 Bad Request when it does not."""
    if not ConfirmForm().validate_on_submit():
        abort(400)


class WholeNumberField(IntegerField):
    """A whole number (a trailing % is allowed) with a specific message when it is not one.

    Blank is no answer (None); add `Optional()` or a required validator as the form needs.
    """

    def __init__(self, *args: Any, invalid_message: object = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message

    def process_formdata(self, valuelist: list[str]) -> None:
        text = valuelist[0].strip().rstrip("%").strip() if valuelist else ""
        if not text:
            self.data = None
            return
        try:
            self.data = int(text)
        except ValueError:
            self.data = None
            raise ValueError(str(self.invalid_message or _l("Enter a whole number"))) from None


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


def date_items(field: DateField) -> list[dict[str, Any]]:
    """Translated day/month/year boxes for GovDateInput, keeping what was typed."""
    day = month = year = ""
    if field.raw_data:
        day, month, year = [*field.raw_data, "", "", ""][:3]
    elif field.data:
        day, month, year = str(field.data.day), str(field.data.month), str(field.data.year)
    error = " govuk-input--error" if field.errors else ""
    boxes = (("Day", _("Day"), 2), ("Month", _("Month"), 2), ("Year", _("Year"), 4))
    values = (day, month, year)
    return [
        {
            "label": label,
            "id": f"{field.name}-{name.lower()}",
            "name": field.name,
            "value": value,
            "classes": f"govuk-input--width-{width}" + error,
        }
        for (name, label, width), value in zip(boxes, values, strict=True)
    ]


def text_field(
    label: object,
    *,
    required: object,
    max_length: int,
    too_long: object,
    hint: object = None,
    box: bool = False,
) -> StringField:
    """A required text input (or text area when `box`), spaces stripped, at most `max_length` long."""
    field = TextAreaField if box else StringField
    return field(
        label,
        widget=GovTextArea() if box else GovTextInput(),
        description=hint or "",
        filters=[strip],
        validators=[DataRequired(message=required), Length(max=max_length, message=too_long)],
    )


def choice_field(
    label: object, choices: Mapping[str, object] | list[SelectChoice], *, required: object, select: bool = False
) -> RadioField | SelectField:
    """Radios (or a select when `select`) where one choice must be made; `choices` maps values to labels."""
    if isinstance(choices, Mapping):
        choices = [SelectChoice(key, text) for key, text in choices.items()]
    if select:
        return SelectField(label, widget=GovSelect(), choices=choices, validators=[InputRequired(message=required)])
    return RadioField(label, widget=GovRadioInput(), choices=choices, validators=[InputRequired(message=required)])


def link_field(label: object, *, hint: object = None) -> StringField:
    """An optional http(s) address of at most 500 characters."""
    return StringField(
        label,
        widget=GovTextInput(),
        description=hint or "",
        validators=[
            Length(max=500, message=_l("Link must be 500 characters or fewer")),
            web_link(_l("Enter a link that starts with https://")),
        ],
    )


def web_link(message: object) -> Any:
    """A validator: an http(s) address (blank becomes None)."""

    def check(form: FlaskForm, field: StringField) -> None:
        value = (field.data or "").strip()
        field.data = value or None
        if value and not _WEB_LINK.match(value):
            raise ValidationError(str(message))

    return check


class _HoneypotInput:
    """Render the honeypot as a plain text input, hidden from people (and screen readers) by CSS."""

    def __call__(self, field: Field, **kwargs: Any) -> str:
        return GovTextInput()(
            field,
            params={
                "formGroup": {"classes": "council-honeypot", "attributes": {"aria-hidden": "true"}},
                "attributes": {"autocomplete": "off", "tabindex": "-1"},
            },
        )


class HoneypotMixin:
    """A field named `website` that must stay empty: a form that fills it in is spam."""

    website = StringField(_l("Leave this box empty"), widget=_HoneypotInput(), validators=[Optional()])

    def is_spam(self) -> bool:
        return bool((self.website.data or "").strip())  # type: ignore[attr-defined]
