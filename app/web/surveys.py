"""Answering surveys (invitation links, typed-in codes, open surveys) and page feedback."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    get_template_attribute,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from .. import clock
from ..content import CATEGORIES
from ..extensions import db, limiter
from ..i18n import current_language
from ..models.surveys import InvitationStatus, SurveyInvitation
from ..services import content_store, survey_definitions
from ..surveys import Survey, invitations, responses
from ..surveys.page_feedback import record_page_feedback
from .forms.surveys import CodeForm, OpenSubmitForm, PageFeedbackForm, SubmitForm, answers_from, page_form

bp = Blueprint("surveys", __name__)

#: The public pages that ask "Was this page helpful?".
FEEDBACK_ENDPOINTS = frozenset({"public.service", "public.guidance", "public.page", "public.category"})


def _rate_limit() -> str:
    return current_app.config["SURVEY_RATE_LIMIT"]


def _page_rate_limit() -> str:
    return current_app.config["SURVEY_PAGE_RATE_LIMIT"]


def surveys() -> dict[str, Survey]:
    return survey_definitions()


def _survey_or_404(survey_id: str) -> Survey:
    return surveys().get(survey_id) or abort(404)


def _locale() -> str:
    return current_language()


def _today() -> dt.date:
    return clock.today()


# Session state ----------------------------------------------------------------------
# session["surveys"][survey_id] = {"key": draft key, "inv": invitation id or None}


def _state(survey_id: str) -> dict | None:
    return (session.get("surveys") or {}).get(survey_id)


def _set_state(survey_id: str, state: dict | None) -> None:
    states = dict(session.get("surveys") or {})
    if state is None:
        states.pop(survey_id, None)
    else:
        states[survey_id] = state
    session["surveys"] = states


def _begin(survey: Survey, invitation_id: int | None = None) -> dict:
    """Start (or continue) answering: a draft key, and the invitation being answered."""
    state = _state(survey.id)
    if state is None or state.get("inv") != invitation_id:
        state = {"key": responses.new_draft_key(), "inv": invitation_id}
        _set_state(survey.id, state)
    return state


#: The status each kind page answers with: a used link is no error, an expired one is gone for good.
PROBLEM_STATUS = {"used": 200, "expired": 410, "not-found": 404}


def _problem_of(invitation: SurveyInvitation | None) -> str | None:
    """Why an invitation cannot be used (a key of PROBLEM_STATUS), or None when it can.

    An expired invitation's answers in progress are deleted at once.
    """
    if invitation is None:
        return "not-found"
    if invitation.status == InvitationStatus.COMPLETED:
        return "used"
    if invitation.is_expired():
        if responses.discard_invitation_draft(invitation.id):
            db.session.commit()
        return "expired"
    if invitation.survey_id not in surveys():
        return "not-found"
    return None


def _problem_page(problem: str):
    """The kind page for a link or code that cannot be used, with its status."""
    return render_template("surveys/problem.html", problem=problem), PROBLEM_STATUS[problem]


def _invitation_problem(invitation: SurveyInvitation | None):
    """A kind page when an invitation cannot be used, or None when it can."""
    problem = _problem_of(invitation)
    return None if problem is None else _problem_page(problem)


def _open_invitation(invitation: SurveyInvitation):
    """Exchange a usable invitation for the session, and go to the survey in its language."""
    survey = surveys()[invitation.survey_id]
    invitations.mark_opened(invitation, _today())
    db.session.commit()
    key = responses.invitation_draft_key(invitation.id, survey)
    db.session.commit()
    _set_state(survey.id, {"key": key, "inv": invitation.id})
    # The survey opens in the invitation's language, whatever the browser asks for (the switcher still works).
    language = {"lang": invitation.language} if invitation.language in current_app.config["LANGUAGES"] else {}
    answers, seen = responses.draft_answers(key)
    if seen:  # answered some of it before, maybe on another device: carry on where they stopped
        return redirect(_resume_url(survey, answers, seen, **language))
    return redirect(url_for("surveys.start", survey_id=survey.id, **language))


def _resume_url(survey: Survey, answers: dict, seen: set[str], **args: str) -> str:
    """The first question not yet answered, or "Check your answers" when every one is."""
    gap = survey.first_unanswered(answers, seen)
    if gap is None:
        return url_for("surveys.check", survey_id=survey.id, **args)
    return url_for("surveys.question", survey_id=survey.id, page_id=gap.id, **args)


def _invitation_key(survey: Survey, state: dict | None) -> dict | None:
    """The session's state, its key made the invitation's draft key: answers saved on another device show here."""
    if survey.open or not state or not state.get("inv"):
        return state
    key = responses.invitation_draft_key(state["inv"], survey)
    db.session.commit()
    if key != state.get("key"):
        state = {**state, "key": key}
        _set_state(survey.id, state)
    return state


def _current_invitation(survey: Survey, state: dict | None):
    """For invitation surveys: None when answering may go on, else the page to show instead."""
    if survey.open:
        return None
    if not state or not state.get("inv"):
        return redirect(url_for("surveys.start", survey_id=survey.id))
    return _invitation_problem(db.session.get(SurveyInvitation, state["inv"]))


# Invitation links and codes ----------------------------------------------------------


@bp.route("/s/<token>")
def invitation_link(token: str):
    """The link in an invitation email or letter: always a redirect to an address without the token.

    A live link is exchanged for the session and opens the survey; a used, expired or unknown
    one goes to the kind page for its problem, which says nothing about the token.
    """
    invitation = invitations.find_by_token(token)
    problem = _problem_of(invitation)
    if problem is not None:
        asked = request.args.get("lang")
        language = {"lang": asked} if asked in current_app.config["LANGUAGES"] else {}
        return redirect(url_for(".link_problem", problem=problem, **language))
    assert invitation is not None
    return _open_invitation(invitation)


@bp.route("/survey-link")
def link_problem():
    """Why a survey link could not be opened (used, expired or not found), and what to do next."""
    problem = request.args.get("problem")
    return _problem_page(problem if problem in PROBLEM_STATUS else "not-found")


@bp.route("/survey", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"])
def enter_code():
    """Type in the code from a letter (for people who cannot use the link)."""
    form = CodeForm()
    if form.validate_on_submit():
        if invitations.normalise_code(form.code.data) is None:
            form.code.errors.append(_l("Enter the code exactly as it is in your letter, like ACDEF-GHJKM"))
        else:
            invitation = invitations.find_by_code(form.code.data)
            if invitation is None:
                form.code.errors.append(_l("We could not find that code. Check it and try again"))
            else:
                return _invitation_problem(invitation) or _open_invitation(invitation)
    open_surveys = [s for s in surveys().values() if s.open]
    return render_template("surveys/enter_code.html", form=form, open_surveys=open_surveys)


# Answering -----------------------------------------------------------------------------


@bp.route("/survey/<survey_id>")
def start(survey_id: str):
    """What the survey is, why we ask, how long it takes and how answers are used."""
    survey = _survey_or_404(survey_id)
    state = _state(survey.id)
    if not survey.open:
        if not state or not state.get("inv"):
            return render_template("surveys/start.html", survey=survey, can_start=False)
        problem = _invitation_problem(db.session.get(SurveyInvitation, state["inv"]))
        if problem:
            return problem
        state = _invitation_key(survey, state)
    answers, seen = responses.draft_answers((state or {}).get("key"))
    if seen:
        first_url = _resume_url(survey, answers, seen)
    else:
        first_url = url_for(".question", survey_id=survey.id, page_id=survey.shown_pages({})[0].id)
    return render_template("surveys/start.html", survey=survey, can_start=True, first=first_url, resuming=bool(seen))


@bp.route("/survey/<survey_id>/questions/<page_id>", methods=["GET", "POST"])
@limiter.limit(_page_rate_limit, methods=["POST"])
def question(survey_id: str, page_id: str):
    """One page of questions."""
    survey = _survey_or_404(survey_id)
    page = survey.page(page_id) or abort(404)
    state = _state(survey.id)
    blocked = _current_invitation(survey, state)
    if blocked is not None:
        return blocked
    state = _invitation_key(survey, state) or _begin(survey)
    answers, seen = responses.draft_answers(state["key"])
    changing = request.args.get("change") == "1"
    if not survey.shown_questions(page, answers):
        return redirect(_next_url(survey, answers, seen, changing))

    form = page_form(survey, page, answers, _locale(), formdata=request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        if getattr(form, "is_spam", lambda: False)():
            return redirect(url_for(".start", survey_id=survey.id))
        values = answers_from(form, form.questions)
        responses.save_page(state["key"], survey, page.id, values)
        db.session.commit()
        answers = {**answers, **values}
        seen = {*seen, page.id}
        if changing:
            return redirect(_next_url(survey, answers, seen, changing=True))
        following = survey.next_page(page.id, answers)
        if following is None:
            return redirect(url_for(".check", survey_id=survey.id))
        return redirect(url_for(".question", survey_id=survey.id, page_id=following.id))

    previous = survey.previous_page(page.id, answers)
    if changing:
        back = url_for(".check", survey_id=survey.id)
    elif previous:
        back = url_for(".question", survey_id=survey.id, page_id=previous.id)
    else:
        back = url_for(".start", survey_id=survey.id)
    number, total = survey.progress(page.id, answers, seen) or (None, 0)
    return render_template(
        "surveys/question.html", survey=survey, page=page, form=form, back=back, number=number, total=total
    )


def _next_url(survey: Survey, answers: dict, seen: set[str], changing: bool) -> str:
    """Where to go when a page is done or not shown: the first gap, else check your answers."""
    gap = survey.first_unanswered(answers, seen)
    if gap is None:
        return url_for(".check", survey_id=survey.id)
    return url_for(".question", survey_id=survey.id, page_id=gap.id, **({"change": "1"} if changing else {}))


@bp.route("/survey/<survey_id>/check", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"])
def check(survey_id: str):
    """Check your answers, then send them."""
    survey = _survey_or_404(survey_id)
    state = _state(survey.id)
    if request.method == "GET" or survey.open:
        blocked = _current_invitation(survey, state)
        if blocked is None and request.method == "GET":
            state = _invitation_key(survey, state)
    else:
        # On submit the conditional UPDATE checks the invitation; only its presence is checked here.
        blocked = None if state and state.get("inv") else redirect(url_for(".start", survey_id=survey.id))
    if blocked is not None:
        return blocked
    form = OpenSubmitForm() if survey.open else SubmitForm()
    if request.method == "POST" and form.validate_on_submit():
        if survey.open and form.is_spam():
            _set_state(survey.id, None)
            return render_template("surveys/done.html", survey=survey, reference=None)
        result = responses.submit(survey, (state or {}).get("key"), _locale(), (state or {}).get("inv"))
        outcome = result.outcome
        if outcome in (responses.Outcome.STORED, responses.Outcome.ALREADY_STORED):
            _set_state(survey.id, None)
            session["survey_done"] = {"survey": survey.id, "reference": result.reference}
            return redirect(url_for(".done", survey_id=survey.id))
        if outcome is responses.Outcome.INVITATION_USED:
            _set_state(survey.id, None)
            return _problem_page("used")
        if outcome is responses.Outcome.INVITATION_EXPIRED:
            _set_state(survey.id, None)
            return _problem_page("expired")
        if outcome is responses.Outcome.INCOMPLETE:
            return redirect(url_for(".question", survey_id=survey.id, page_id=result.page_id))
        return redirect(url_for(".start", survey_id=survey.id))

    answers, seen = responses.draft_answers((state or {}).get("key"))
    gap = survey.first_unanswered(answers, seen)
    if gap is not None:
        if not seen:
            return redirect(url_for(".start", survey_id=survey.id))
        return redirect(url_for(".question", survey_id=survey.id, page_id=gap.id))
    rows = []
    locale = _locale()
    for page in survey.shown_pages(answers):
        for item in survey.shown_questions(page, answers):
            rows.append(
                {
                    "label": survey.text(item.label, locale),
                    "lines": item.display_lines(answers.get(item.id), locale),
                    "href": url_for(".question", survey_id=survey.id, page_id=page.id, change="1") + f"#{item.id}",
                }
            )
    last = survey.shown_pages(answers)[-1]
    back = url_for(".question", survey_id=survey.id, page_id=last.id)
    return render_template("surveys/check.html", survey=survey, rows=rows, form=form, back=back)


@bp.route("/survey/<survey_id>/done")
def done(survey_id: str):
    """Thank you, with the response's reference."""
    survey = _survey_or_404(survey_id)
    finished = session.get("survey_done") or {}
    if finished.get("survey") != survey.id:
        return redirect(url_for(".start", survey_id=survey.id))
    return render_template("surveys/done.html", survey=survey, reference=finished.get("reference"))


# "Was this page helpful?" ---------------------------------------------------------------


def _safe_path(path: str | None) -> str | None:
    """The path if it is one of this site's pages that asks for feedback, else None."""
    if not path or not path.startswith("/") or path.startswith("//") or len(path) > 300:
        return None
    parts = urlsplit(path)
    if parts.scheme or parts.netloc:
        return None
    try:
        endpoint, args = current_app.url_map.bind("localhost").match(parts.path, method="GET")
    except (NotFound, MethodNotAllowed, RequestRedirect):
        return None
    return parts.path if endpoint in FEEDBACK_ENDPOINTS and _page_exists(endpoint, args) else None


def _page_exists(endpoint: str, args: dict) -> bool:
    """True when the page at a feedback endpoint is really there (a URL of the right shape may not be)."""
    if endpoint == "public.category":
        return args.get("key") in CATEGORIES
    content = content_store()
    documents = {"public.service": content.services, "public.guidance": content.guidance, "public.page": content.pages}
    return args.get("slug") in documents[endpoint]


def page_feedback_form() -> PageFeedbackForm:
    """The "Was this page helpful?" form for the page being shown (a template global)."""
    form = PageFeedbackForm(formdata=None)
    form.path.data = request.path
    return form


#: Stand-ins for the two values that differ between requests in the blank page-feedback form.
_TOKEN_MARK = "pagefeedbackcsrftokenmark"
_PATH_MARK = "pagefeedbackpathmark"


def blank_page_feedback_form() -> Markup:
    """The blank "Was this page helpful?" form's HTML for the page being shown (a template global).

    The same as rendering `page_feedback_fields(page_feedback_form(), false)`, which took half a
    content page's time (GOV.UK's radios and character count through WTForms): the HTML is
    rendered once per language and script root, then only the session's CSRF token and the
    page's path are put in.
    """
    token = generate_csrf()  # the session's token, as the form's own field would render it
    forms = current_app.extensions.setdefault("blank_page_feedback_forms", {})
    key = (str(get_locale()), request.script_root)
    html = forms.get(key)
    if html is None:
        form = page_feedback_form()
        form.path.data = _PATH_MARK
        if hasattr(form, "csrf_token"):  # (not when CSRF protection is switched off)
            form.csrf_token.current_token = _TOKEN_MARK
        fields = get_template_attribute("components/page_feedback_form.html", "page_feedback_fields")
        html = forms[key] = str(fields(form, False))
    return Markup(html.replace(_TOKEN_MARK, str(escape(token))).replace(_PATH_MARK, str(escape(request.path))))


def page_feedback_thanks() -> bool:
    """True once, on the page someone has just given feedback on (a template global)."""
    if session.get("page_feedback_thanks") == request.path:
        session.pop("page_feedback_thanks")
        return True
    return False


@bp.route("/page-feedback", methods=["POST"])
@limiter.limit(_rate_limit)
def page_feedback():
    """Store 'Was this page helpful?' and go back to the page with a thank-you."""
    form = PageFeedbackForm()
    path = _safe_path(form.path.data)
    if path is None:
        abort(400)
    if form.validate_on_submit():
        if not form.is_spam():
            record_page_feedback(path, _locale(), form.helpful.data == "yes", form.text.data, _today())
            db.session.commit()
        session["page_feedback_thanks"] = path
        return redirect(path + "#page-feedback")
    return render_template("surveys/page_feedback.html", form=form, back=path), 400
