"""Forms for keeping the Local Offer current: a family's problem report and a provider's check of a listing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput, GovTextArea, GovTextInput
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, Email, InputRequired, Length, Optional

from ...content.reports import MAX_DETAILS
from ...models.upkeep import PROBLEM_KIND_LABELS, ProblemKind
from .kit import HoneypotMixin, strip, web_link

#: The longest explanation of a provider's changes.
MAX_NOTE = 1000
_KIND_MESSAGE = _l("Select what is wrong with the page")


class ReportProblemForm(HoneypotMixin, FlaskForm):
    """What is wrong with a page, and (optionally) more about it. No personal details."""

    kind = RadioField(
        _l("What is wrong?"),
        choices=[SelectChoice(kind.value, PROBLEM_KIND_LABELS[kind]) for kind in ProblemKind],
        widget=GovRadioInput(),
        validate_choice=False,
        validators=[InputRequired(_KIND_MESSAGE), AnyOf([k.value for k in ProblemKind], message=_KIND_MESSAGE)],
    )
    details = TextAreaField(
        _l("Tell us more (optional)"),
        description=_l(
            "For example, the right phone number or the new opening times. "
            "Do not include personal details, like your name, email address or phone number."
        ),
        widget=GovCharacterCount(),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=MAX_DETAILS, message=_l("Enter %(max)d characters or fewer", max=MAX_DETAILS)),
        ],
    )


class StillCorrectForm(FlaskForm):
    """ "Is everything still correct?" Yes or no."""

    correct = RadioField(
        _l("Is everything still correct?"),
        choices=[
            SelectChoice("yes", _l("Yes, everything is correct")),
            SelectChoice("no", _l("No, something has changed")),
        ],
        widget=GovRadioInput(),
        validate_choice=False,
        validators=[
            InputRequired(_l("Select yes if everything is still correct")),
            AnyOf(["yes", "no"], message=_l("Select yes if everything is still correct")),
        ],
    )


def _text(label: object, max_length: int, hint: object = None, area: bool = False) -> StringField:
    return (TextAreaField if area else StringField)(
        label,
        description=hint or "",
        widget=GovTextArea() if area else GovTextInput(),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=max_length, message=_l("Enter %(max)d characters or fewer", max=max_length)),
        ],
    )


class ListingChangesForm(FlaskForm):
    """The fields a provider can correct, and what changed (which goes to the Local Offer team)."""

    summary = _text(_l("Summary"), 300, _l("One or two sentences about what you offer."), area=True)
    phone = _text(_l("Phone number"), 40)
    email = StringField(
        _l("Email address for families"),
        widget=GovTextInput(),
        filters=[strip],
        validators=[Optional(), Email(_l("Enter an email address in the correct format, like name@example.org"))],
    )
    website = StringField(
        _l("Website"),
        widget=GovTextInput(),
        filters=[strip],
        validators=[web_link(_l("Enter a web address starting with https://"))],
    )
    address = _text(_l("Address"), 300)
    opening_times = _text(_l("Opening times"), 300)
    accessibility = _text(_l("Getting in and around"), 300, _l("For example: step-free entrance, accessible toilet."))
    cost_detail = _text(_l("Cost"), 300)
    languages = _text(_l("Languages"), 300, _l("Separate languages with commas, for example: English, Polish."))
    note = TextAreaField(
        _l("What has changed?"),
        description=_l("Tell the Local Offer team what is different, so they can check it before it is published."),
        widget=GovCharacterCount(),
        filters=[strip],
        validators=[
            InputRequired(_l("Tell us what has changed")),
            Length(max=MAX_NOTE, message=_l("Enter %(max)d characters or fewer", max=MAX_NOTE)),
        ],
    )
