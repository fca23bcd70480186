"""Keeping the Local Offer current, in public: families report a problem with a page, and
providers check their own listing from a "please check your listing" link (no account).

A review link (`/review/<token>`) is exchanged for the provider's session on
the first request and redirects at once to a page without the token (whether or not the
link can still be used), like survey links.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l

from .. import clock
from ..content import editing, reports, reviews
from ..content.store import Document
from ..extensions import db, limiter
from ..i18n import current_language
from ..models.staff import record_event
from ..models.upkeep import ListingReview, ReviewOutcome
from ..services import content_store
from .forms.upkeep import ListingChangesForm, ReportProblemForm, StillCorrectForm

bp = Blueprint("upkeep", __name__)

#: The session key holding the review request a provider is answering.
REVIEW_SESSION = "listing_review"
#: The session key holding what the provider answered, for the thank-you page.
REVIEW_DONE = "listing_review_done"


def _rate_limit() -> str:
    return current_app.config["SURVEY_RATE_LIMIT"]


# Report a problem ---------------------------------------------------------------------


@bp.route("/report-a-problem/<kind>/<slug>", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"])
def report_problem(kind: str, slug: str):
    """What is wrong with a service or guidance page: a short form, no personal details."""
    page = f"{kind}/{slug}"
    doc = reports.reportable_page(content_store(), page) or abort(404)
    form = ReportProblemForm()
    if form.validate_on_submit():
        if not form.is_spam():
            report = reports.record_report(page, form.kind.data, form.details.data, current_language())
            record_event("problem_reported", target_type="problem_report", target_id=report.id, page=page)
            db.session.commit()
        session["problem_reported"] = page
        return redirect(url_for(".problem_reported"))
    return render_template("upkeep/report.html", form=form, doc=content_store().in_locale(doc, current_language()))


@bp.route("/report-a-problem/thank-you")
def problem_reported():
    """Thank you, with a way back to the page."""
    page = session.get("problem_reported")
    doc = reports.reportable_page(content_store(), page)
    if doc is None:
        return redirect(url_for("public.home"))
    return render_template("upkeep/reported.html", doc=content_store().in_locale(doc, current_language()))


# Please check your listing ---------------------------------------------------------------


def _problem_page(problem: reviews.LinkProblem):
    status = {reviews.LinkProblem.NOT_FOUND: 404, reviews.LinkProblem.EXPIRED: 410}.get(problem, 200)
    return render_template("upkeep/link_problem.html", problem=problem.value), status


def _current_review() -> tuple[ListingReview, Document]:
    """The request in this session and its listing; the kind page instead (by abort) when there is none."""
    review_id = session.get(REVIEW_SESSION)
    review = db.session.get(ListingReview, review_id) if isinstance(review_id, int) else None
    problem = reviews.link_problem(review, content_store())
    if problem is not None:
        abort(make_response(_problem_page(problem)))
    assert review is not None
    doc = reviews.listing_for(content_store(), review.page)
    assert doc is not None
    return review, doc


def _claim(review: ListingReview, outcome: ReviewOutcome) -> None:
    """Take the request's one answer; the "already answered" page instead (by abort) when another took it."""
    if not reviews.claim_answer(review, outcome):
        db.session.rollback()
        abort(make_response(_problem_page(reviews.LinkProblem.USED)))


def _answered(review: ListingReview, event: str, done: dict[str, str]):
    """Record the answer, commit, end the request's session and thank the maintainer."""
    record_event(event, target_type="listing_review", target_id=review.id, page=review.page)
    db.session.commit()
    session.pop(REVIEW_SESSION, None)
    session[REVIEW_DONE] = done
    return redirect(url_for(".listing_checked"))


@bp.route("/review/<token>")
@limiter.limit(_rate_limit)
def review_link(token: str):
    """The link in a "please check your listing" email: swapped for the session at once.

    Every link, live or not, redirects to `/check-your-listing`, which shows the listing or
    the kind page for a used or expired link; an unknown link leaves no request in the session,
    so that page says it could not be found.
    """
    review = reviews.find_by_token(token)
    if review is None:
        session.pop(REVIEW_SESSION, None)
    else:
        session[REVIEW_SESSION] = review.id
    return redirect(url_for(".check_listing"))


@bp.route("/check-your-listing", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"])
def check_listing():
    """The listing as families see it, and "Is everything still correct?"."""
    review, doc = _current_review()
    form = StillCorrectForm()
    if form.validate_on_submit():
        if form.correct.data == "no":
            return redirect(url_for(".change_listing"))
        _claim(review, ReviewOutcome.CONFIRMED)
        fields = reviews.confirmed_dates(clock.today(), current_app.config["LISTING_REVIEW_MONTHS"])
        try:
            reviews.publish_confirmation(doc, fields)
        except (editing.ContentInvalid, editing.StaleRevision):
            db.session.rollback()
            form.correct.errors.append(
                _l("We could not record your answer. Try again, or contact the Local Offer team")
            )
            return render_template("upkeep/check.html", form=form, doc=doc, meta=doc.meta)
        done = {"outcome": ReviewOutcome.CONFIRMED.value, "next": fields["review_due"].isoformat()}
        return _answered(review, "listing_confirmed", done)
    return render_template("upkeep/check.html", form=form, doc=doc, meta=doc.meta)


@bp.route("/check-your-listing/changes", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"])
def change_listing():
    """Correct the listing's details and say what changed; the Local Offer team checks it before publishing."""
    review, doc = _current_review()
    form = ListingChangesForm(data=reviews.editable_fields(doc) if request.method == "GET" else None)
    if form.validate_on_submit():
        changes = {name: form[name].data for name in reviews.EDITABLE_FIELDS}
        problems = reviews.proposal_problems(doc, changes, tuple(content_store().council.areas))
        for name, message in problems.items():
            form[name].errors.append(message)
        if not problems:
            _claim(review, ReviewOutcome.CHANGES)
            try:
                reviews.propose_listing_changes(doc, changes, form.note.data)
            except (editing.ContentInvalid, editing.StaleRevision):
                db.session.rollback()
                form.note.errors.append(
                    _l("We could not send these changes. Check them, or contact the Local Offer team")
                )
                return render_template("upkeep/changes.html", form=form, doc=doc)
            return _answered(review, "listing_change_proposed", {"outcome": ReviewOutcome.CHANGES.value})
    return render_template("upkeep/changes.html", form=form, doc=doc)


@bp.route("/check-your-listing/done")
def listing_checked():
    """Thank you: what happens next."""
    done = session.get(REVIEW_DONE)
    if not isinstance(done, dict):
        return redirect(url_for("public.home"))
    try:
        next_review = dt.date.fromisoformat(done.get("next") or "")
    except ValueError:
        next_review = None
    return render_template("upkeep/checked.html", outcome=done.get("outcome"), next_review=next_review)
