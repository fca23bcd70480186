"""What families search for (officers), and the synonyms and spellings staff add to search."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import _
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..feedback.suppression import EXPLANATION
from ..languages import INTERFACE_LANGUAGES, KNOWN_LANGUAGES
from ..models.staff import Role, record_event
from ..search.families import add_word, added_words, search_report
from .auth import current_staff, role_required
from .forms.search import KIND_LABELS, SearchWordForm
from .staff import add_tool

bp = Blueprint("search_staff", __name__, url_prefix="/staff/searches")

add_tool(
    "search_staff.searches",
    _l("What families search for"),
    _l(
        "Searches per week and language, the most common ones and those that found nothing. Add synonyms and spellings."
    ),
    Role.OFFICER,
)


def _page(form: SearchWordForm, status: int = 200):
    report = search_report()
    names = {code: KNOWN_LANGUAGES[code].own_name if code in KNOWN_LANGUAGES else code for code in report.languages}
    return (
        render_template(
            "staff/searches.html",
            report=report,
            names={**{code: KNOWN_LANGUAGES[code].own_name for code in INTERFACE_LANGUAGES}, **names},
            words=added_words(),
            form=form,
            kind_labels=KIND_LABELS,
            explanation=EXPLANATION,
        ),
        status,
    )


@bp.route("/")
@role_required(Role.OFFICER)
def searches():
    """Searches by week and language, common and unanswered searches, and the words staff added."""
    return _page(SearchWordForm(INTERFACE_LANGUAGES))


@bp.route("/words", methods=["POST"])
@role_required(Role.OFFICER)
def add_search_word():
    """Add a synonym or spelling; every process uses it within seconds, without a restart."""
    form = SearchWordForm(INTERFACE_LANGUAGES)
    if not form.validate_on_submit():
        return _page(form, 400)
    word = add_word(form.lang.data, form.kind.data, form.phrase.data, form.means.data)
    record_event(
        "search_word_added", user=current_staff(), target_type="search_word", target_id=word.id, state=word.kind
    )
    db.session.commit()
    flash(_("Added. Searches use it from now on."), "success")
    return redirect(url_for("search_staff.searches"))
