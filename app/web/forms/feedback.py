"""Forms for the feedback dashboard: its filters and the KPI targets."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import RadioField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from ...feedback.dashboard import ALL, LAST_12_MONTHS
from ...feedback.kpis import HEADLINE_KPIS, KPI_NAMES, RESPONSE_RATE
from .kit import WholeNumberField

#: The KPIs with a target, headline KPIs first.
TARGET_KEYS = (*HEADLINE_KPIS, RESPONSE_RATE, *(k for k in KPI_NAMES if k not in (*HEADLINE_KPIS, RESPONSE_RATE)))


class FilterForm(FlaskForm):
    """What to look at. A GET form (it changes nothing), so it carries no CSRF token."""

    class Meta:
        csrf = False

    survey = SelectField(_l("Survey or source"), widget=GovSelect(), default=ALL, validate_choice=False)
    period = SelectField(_l("Period"), widget=GovSelect(), default=LAST_12_MONTHS, validate_choice=False)
    language = SelectField(_l("Language"), widget=GovSelect(), default=ALL, validate_choice=False)
    by = RadioField(
        _l("Show figures by"),
        widget=GovRadioInput(),
        choices=[SelectChoice("month", _l("Month")), SelectChoice("quarter", _l("Quarter"))],
        default="month",
        validate_choice=False,
    )
    headline = SelectField(
        _l("Headline figures from"),
        widget=GovSelect(),
        default="",
        validate_choice=False,
        description=_l("The last complete period, unless you choose another. A period not yet over is marked partial."),
    )
    submit = SubmitField(_l("Apply filters"), widget=GovSubmitInput())


def targets_form(data: dict[str, float]) -> FlaskForm:
    """A percentage box per KPI in TARGET_KEYS, filled with the current targets."""

    class TargetsForm(FlaskForm):
        submit = SubmitField(_l("Save targets"), widget=GovSubmitInput())

    for key in TARGET_KEYS:
        field = WholeNumberField(
            str(KPI_NAMES[key]),
            description=_l("Per cent. Leave blank for no target."),
            widget=GovTextInput(),
            invalid_message=_l("Enter the target as a whole number, like 80"),
            validators=[Optional(), NumberRange(0, 100, _l("Enter a target between 0 and 100"))],
            render_kw={"inputmode": "numeric", "class": "govuk-input--width-3", "spellcheck": "false"},
        )
        setattr(TargetsForm, key, field)
    return TargetsForm(data={k: int(v) for k, v in data.items()})
