"""Forms for the staff area: accounts, roles and moderation decisions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, SelectChoice, SelectMultipleField, StringField, SubmitField
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from ...feedback.tables import SENTIMENT_NAMES
from ...feedback.themes import FEEDBACK_THEMES
from ...models.moderation import DECISION_LABELS
from ...models.staff import ROLE_LABELS, User


def _role_choices() -> list[SelectChoice]:
    return [SelectChoice(key, label) for key, label in ROLE_LABELS.items()]


class NewUserForm(FlaskForm):
    email = StringField(
        _l("Email address"),
        widget=GovTextInput(),
        validators=[
            InputRequired(message=_l("Enter an email address")),
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
            Email(message=_l("Enter an email address in the correct format, like name@example.com")),
        ],
    )
    role = RadioField(
        _l("Role"),
        widget=GovRadioInput(),
        choices=_role_choices(),
        validators=[InputRequired(message=_l("Select a role"))],
    )
    submit = SubmitField(_l("Add account"), widget=GovSubmitInput())

    def validate_email(self, field: StringField) -> None:
        if User.by_email(field.data or ""):
            raise ValidationError(_l("There is already an account with this email address"))


class RoleForm(FlaskForm):
    role = RadioField(
        _l("Role"),
        widget=GovRadioInput(),
        choices=_role_choices(),
        validators=[InputRequired(message=_l("Select a role"))],
    )
    submit = SubmitField(_l("Save role"), widget=GovSubmitInput())


class CorrectionForm(FlaskForm):
    """An officer's reading of a comment: its sentiment and the themes it is about."""

    sentiment = RadioField(
        _l("What is the comment's sentiment?"),
        widget=GovRadioInput(),
        choices=[SelectChoice(key, label) for key, label in SENTIMENT_NAMES.items()],
        validators=[InputRequired(message=_l("Select the comment's sentiment"))],
    )
    themes = SelectMultipleField(
        _l("Which themes is it about?"),
        widget=GovCheckboxesInput(),
        choices=[SelectChoice(key, label) for key, label in FEEDBACK_THEMES.items()],
        validators=[Optional()],
    )
    save = SubmitField(_l("Save correction"), widget=GovSubmitInput())


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("What should happen to this comment?"),
        widget=GovRadioInput(),
        choices=[SelectChoice(key, label) for key, label in DECISION_LABELS.items()],
        validators=[InputRequired(message=_l("Select what should happen to this comment"))],
    )
    submit = SubmitField(_l("Save decision"), widget=GovSubmitInput())
