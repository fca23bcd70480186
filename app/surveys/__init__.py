"""Surveys: definitions from `surveys/*.yaml`, invitations and responses (the forms built
from definitions live in `app/web/forms/surveys.py`).

No web imports: the blueprints in `app/web/` call into this package.
"""

from .definitions import COMMENT_KINDS, KPI_KEYS, Page, Survey
from .loader import SurveyError, SurveyProblem, check_surveys, load_surveys

__all__ = [
    "COMMENT_KINDS",
    "KPI_KEYS",
    "Page",
    "Survey",
    "SurveyError",
    "SurveyProblem",
    "check_surveys",
    "load_surveys",
]
