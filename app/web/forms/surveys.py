"""Survey forms: the page forms built from survey definitions (GOV.UK widgets, each question's
own errors), the submit buttons, the code box, "Was this page helpful?" and the staff
invitation forms."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovFileInput,
    GovRadioInput,
    GovTextInput,
)
from wtforms import Field, HiddenField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, ValidationError

from ...surveys.definitions import (
    FreeTextQuestion,
    MultipleChoiceQuestion,
    Page,
    QuestionBase,
    SatisfactionQuestion,
    SingleChoiceQuestion,
    Survey,
    YesNoQuestion,
    pick,
)
from ...surveys.page_feedback import MAX_TEXT
from .kit import HoneypotMixin, strip

#: Default messages when a required question is not answered, by question type.
REQUIRED_MESSAGES = {
    "yes_no": _l("Select yes or no"),
    "yes_no_not_sure": _l("Select yes, no or not sure"),
    "single_choice": _l("Select an answer"),
    "multiple_choice": _l("Select at least one answer"),
    "satisfaction": _l("Select how satisfied you are"),
    "free_text": _l("Enter your answer"),
}


class _RadioField(RadioField):
    """Radios whose unknown values get the question's own message, not WTForms' English one."""

    def pre_validate(self, form) -> None:
        return None


class _CheckboxesField(SelectMultipleField):
    def pre_validate(self, form) -> None:
        return None


class _AllOf:
    """Every chosen value must be one of the options."""

    def __init__(self, values: list[str], message) -> None:
        self.values, self.message = set(values), message

    def __call__(self, form, field) -> None:
        if any(value not in self.values for value in field.data or []):
            raise ValidationError(str(self.message))


def required_message(question: QuestionBase, locale: str):
    """The error shown when a required question is left unanswered."""
    if question.errors and question.errors.required:
        return pick(question.errors.required, locale)
    if isinstance(question, YesNoQuestion):
        return REQUIRED_MESSAGES["yes_no_not_sure" if question.not_sure else "yes_no"]
    return REQUIRED_MESSAGES[question.type]  # type: ignore[attr-defined]


def too_long_message(question: FreeTextQuestion, locale: str):
    if question.errors and question.errors.too_long:
        return pick(question.errors.too_long, locale).replace("{max}", str(question.max_length))
    return _l("Enter your answer in %(max)d characters or fewer", max=question.max_length)


def build_field(question: QuestionBase, locale: str) -> Field:
    """One WTForms field for one question."""
    label = pick(question.label, locale)
    hint = pick(question.hint, locale)
    required = required_message(question, locale)
    presence = [InputRequired(message=required)] if question.required else [Optional()]
    if isinstance(question, FreeTextQuestion):
        return TextAreaField(
            label,
            description=hint,
            widget=GovCharacterCount(),
            filters=[strip],
            validators=[
                DataRequired(message=required) if question.required else Optional(),
                Length(max=question.max_length, message=too_long_message(question, locale)),
            ],
        )
    choices = [SelectChoice(value, text) for value, text in question.choices(locale)]
    values = question.option_values()
    if isinstance(question, MultipleChoiceQuestion):
        return _CheckboxesField(
            label,
            description=hint,
            choices=choices,
            widget=GovCheckboxesInput(),
            validators=[*presence, _AllOf(values, required)],
        )
    if isinstance(question, YesNoQuestion | SingleChoiceQuestion | SatisfactionQuestion):
        return _RadioField(
            label,
            description=hint,
            choices=choices,
            widget=GovRadioInput(),
            validators=[*presence, AnyOf(values, message=required)],
        )
    raise TypeError(f"no field for question type {type(question).__name__}")


def page_form(survey: Survey, page: Page, answers: Mapping, locale: str, formdata=None) -> FlaskForm:
    """A form for the questions on `page` that are shown, given the answers so far."""

    shown = survey.shown_questions(page, answers)
    bases = (HoneypotMixin, FlaskForm) if survey.open else (FlaskForm,)
    PageForm = type("PageForm", bases, {q.id: build_field(q, locale) for q in shown})
    data = {q.id: answers[q.id] for q in shown if q.id in answers}
    kwargs = {"formdata": formdata} if formdata is not None else {}
    form = PageForm(data=data, **kwargs)
    form.questions = shown  # type: ignore[attr-defined]
    return form


def answers_from(form: FlaskForm, page_questions: list[QuestionBase]) -> dict[str, str | list[str] | None]:
    """The answers a valid page form holds, free text trimmed."""
    values: dict[str, str | list[str] | None] = {}
    for question in page_questions:
        data = form[question.id].data
        if isinstance(data, str):
            data = data.strip()
        values[question.id] = data or None
    return values


class SubmitForm(FlaskForm):
    """The check-your-answers page's submit button (CSRF only)."""


class OpenSubmitForm(HoneypotMixin, FlaskForm):
    """Submit for open surveys, with the honeypot."""


class CodeForm(FlaskForm):
    """The code from an invitation letter, typed in."""

    code = StringField(
        _l("Enter your survey code"),
        description=_l("It is in your letter or email and looks like ACDEF-GHJKM."),
        widget=GovTextInput(),
        validators=[InputRequired(_l("Enter the code from your letter or email"))],
    )


class PageFeedbackForm(HoneypotMixin, FlaskForm):
    """Yes or no, and what the person was looking for."""

    path = HiddenField()
    helpful = RadioField(
        _l("Was this page helpful?"),
        choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
        widget=GovRadioInput(),
        validate_choice=False,
        validators=[
            InputRequired(_l("Select yes if this page was helpful, or no if it was not")),
            AnyOf(["yes", "no"], message=_l("Select yes if this page was helpful, or no if it was not")),
        ],
    )
    text = TextAreaField(
        _l("What were you looking for? (optional)"),
        description=_l("Do not include personal details, like your name, email address or phone number."),
        widget=GovCharacterCount(),
        validators=[
            Optional(),
            Length(
                max=MAX_TEXT, message=_l("Enter what you were looking for in %(max)d characters or fewer", max=MAX_TEXT)
            ),
        ],
    )


class UploadForm(FlaskForm):
    """A CSV of finalised plans to invite families from."""

    survey = RadioField(
        _l("Which survey are these families invited to?"),
        widget=GovRadioInput(),
        validators=[InputRequired(_l("Select which survey to invite families to"))],
    )
    file = FileField(
        _l("Upload a CSV file of finalised plans"),
        description=_l(
            "Columns: plan_reference, finalised_date, language, email. Use case numbers, never names. "
            "Language and email can be left blank."
        ),
        widget=GovFileInput(),
        validators=[FileRequired(_l("Select a CSV file of finalised plans"))],
    )
    send_by = RadioField(
        _l("How should the invitations go?"),
        description=_l(
            "For rows whose send_by column is blank. A row without an email address or mobile number gets a letter."
        ),
        widget=GovRadioInput(),
        validate_choice=False,
        validators=[Optional(), AnyOf(["email", "sms", "letter"], message=_l("Select how the invitations should go"))],
    )


class MarkSentForm(FlaskForm):
    """The invitations just made, marked as sent in one go."""

    ids = HiddenField()


class MarkSelectedForm(FlaskForm):
    """Invitations chosen from the list, marked as sent."""

    invitation = SelectMultipleField(
        _l("Select the invitations you have sent"),
        widget=GovCheckboxesInput(),
        validators=[InputRequired(_l("Select at least one invitation you have sent"))],
    )
