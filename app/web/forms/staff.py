"""Forms for the staff area: accounts, roles and moderation decisions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovSubmitInput, GovTextInput
from wtforms import SelectChoice, SelectMultipleField, StringField, SubmitField
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from ...feedback.tables import SENTIMENT_NAMES
from ...feedback.themes import FEEDBACK_THEMES
from ...models.moderation import DECISION_LABELS
from ...models.staff import ROLE_LABELS, User
from .kit import choice_field


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
    role = choice_field(_l("Role"), ROLE_LABELS, required=_l("Select a role"))
    submit = SubmitField(_l("Add account"), widget=GovSubmitInput())

    def validate_email(self, field: StringField) -> None:
        if User.by_email(field.data or ""):
            raise ValidationError(_l("There is already an account with this email address"))


class RoleForm(FlaskForm):
    role = choice_field(_l("Role"), ROLE_LABELS, required=_l("Select a role"))
    submit = SubmitField(_l("Save role"), widget=GovSubmitInput())


class CorrectionForm(FlaskForm):
    """An officer's reading of a comment: its sentiment and the themes it is about."""

    sentiment = choice_field(
        _l("What is the comment's sentiment?"), SENTIMENT_NAMES, required=_l("Select the comment's sentiment")
    )
    themes = SelectMultipleField(
        _l("Which themes is it about?"),
        widget=GovCheckboxesInput(),
        choices=[SelectChoice(key, label) for key, label in FEEDBACK_THEMES.items()],
        validators=[Optional()],
    )
    save = SubmitField(_l("Save correction"), widget=GovSubmitInput())


class DecisionForm(FlaskForm):
    decision = choice_field(
        _l("What should happen to this comment?"),
        DECISION_LABELS,
        required=_l("Select what should happen to this comment"),
    )
    submit = SubmitField(_l("Save decision"), widget=GovSubmitInput())
