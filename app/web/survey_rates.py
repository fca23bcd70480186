"""Officers' response-rate page: invited, sent, reminded, opened and completed against the 100%
target, per month and per language, with small numbers suppressed."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from ..feedback.suppression import EXPLANATION
from ..languages import own_name
from ..models.staff import Role
from ..services import survey_definitions
from ..surveys.response_rate import STAGE_LABELS, STAGES, response_rate
from .auth import role_required
from .staff import add_tool

bp = Blueprint("survey_rates", __name__, url_prefix="/staff/surveys/response-rate")

add_tool(
    "survey_rates.response_rate_page",
    _l("Survey response rate"),
    _l("Invited, sent, reminded, opened and completed, by month and language."),
    Role.OFFICER,
)


@bp.route("/")
@role_required(Role.OFFICER)
def response_rate_page():
    """The response rate of one invitation survey (or all), by month and by language."""
    surveys = {key: survey for key, survey in survey_definitions().items() if not survey.open}
    chosen = request.args.get("survey", "")
    chosen = chosen if chosen in surveys else ""
    return render_template(
        "surveys/staff/response_rate.html",
        rate=response_rate(chosen or None),
        surveys=surveys,
        chosen=chosen,
        stages=STAGES,
        stage_labels=STAGE_LABELS,
        explanation=EXPLANATION,
        month_label=lambda month: format_date(month, "MMMM yyyy"),
        language_label=lambda code: f"{own_name(code)} ({code})",
    )
