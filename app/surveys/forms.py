"""Build WTForms forms from survey definitions, with GOV.UK widgets and specific errors."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovCheckboxesInput, GovRadioInput, GovTextInput
from wtforms import Field, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, ValidationError

from .definitions import (
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

#: Default messages when a required question is not answered, by question type.
REQUIRED_MESSAGES = {
    "yes_no": _l("Select yes or no"),
    "yes_no_not_sure": _l("Select yes, no or not sure"),
    "single_choice": _l("Select an answer"),
    "multiple_choice": _l("Select at least one answer"),
    "satisfaction": _l("Select how satisfied you are"),
    "free_text": _l("Enter your answer"),
}

#: The hidden field that people never see and bots fill in.
HONEYPOT = "website"


class _Honeypot:
    """Render the honeypot as a plain text input, hidden from people (and screen readers) by CSS."""

    def __call__(self, field: Field, **kwargs) -> str:
        return GovTextInput()(
            field,
            params={
                "formGroup": {"classes": "council-honeypot", "attributes": {"aria-hidden": "true"}},
                "attributes": {"autocomplete": "off", "tabindex": "-1"},
            },
        )


class HoneypotMixin:
    """A field named `website` that must stay empty."""

    website = StringField(_l("Leave this box empty"), widget=_Honeypot(), validators=[Optional()])

    def is_spam(self) -> bool:
        return bool((self.website.data or "").strip())  # type: ignore[attr-defined]


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


def _strip(value):
    return value.strip() if isinstance(value, str) else value


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
            filters=[_strip],
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
