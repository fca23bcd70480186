"""The loaded surveys described as plain data, for the feedback figures (which never import the surveys)."""

from __future__ import annotations

from flask_babel import _

from ..feedback.dashboard import Catalogue, QuestionInfo
from ..feedback.records import PAGE_FEEDBACK, PAPER
from ..services import survey_definitions
from ..surveys import Survey


def surveys() -> dict[str, Survey]:
    """The loaded surveys, by id."""
    return survey_definitions()


def catalogue(locale: str = "en") -> Catalogue:
    """Every survey as a source name and its questions (wording in English; answer labels in `locale`)."""
    sources = {key: survey.staff_name(locale) for key, survey in surveys().items()}
    sources[PAGE_FEEDBACK] = str(_("“Was this page helpful?” comments"))
    sources[PAPER] = str(_("Paper forms and events"))
    questions = tuple(
        QuestionInfo(
            survey_id=survey.id,
            id=question.id,
            wording=survey.text(question.label, "en"),
            kind=question.kind,
            kpi=question.kpi,
            free_text=getattr(question, "type", "") == "free_text",
            options=tuple(question.choices(locale)),
        )
        for survey in surveys().values()
        for question in survey.questions()
    )
    invited = frozenset(key for key, survey in surveys().items() if not survey.open)
    return Catalogue(sources, questions, invited)
