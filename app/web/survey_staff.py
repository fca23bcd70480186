"""Officers' survey pages: response rates, invitation uploads, letters, marking invitations sent.

Raw links and codes exist only in the response that creates them (upload or reissue),
so those pages are never cached.
"""

from __future__ import annotations

import uuid
from urllib.parse import quote

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import _, force_locale, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from ..clock import reporting_day
from ..extensions import db
from ..i18n import current_language
from ..models.staff import Role, record_event
from ..models.surveys import (
    INVITATION_STATUS_LABELS,
    InvitationStatus,
    InvitationUpload,
    PageFeedback,
    SurveyInvitation,
    SurveyResponse,
    utcnow,
)
from ..services import survey_definitions
from ..surveys import Survey, invitations, upload_results
from ..surveys.stats import TARGET_SENT_PERCENT, response_rates
from ..transaction import commit_with_retry
from .auth import current_staff, role_required
from .council import council
from .forms.kit import ConfirmForm, confirmed
from .forms.surveys import MarkSelectedForm, MarkSentForm, UploadForm
from .ids import ids_from
from .pagination import govuk_pagination, paginate
from .staff import add_tool

bp = Blueprint("survey_staff", __name__, url_prefix="/staff/surveys")

add_tool(
    "survey_staff.overview",
    _l("Surveys and invitations"),
    _l("Upload finalised plans, print letters and see response rates."),
    Role.OFFICER,
)


def _surveys() -> dict[str, Survey]:
    return survey_definitions()


def _invitation_surveys() -> list[Survey]:
    return [s for s in _surveys().values() if not s.open]


def _no_store(response):
    """Pages holding raw links and codes must not be kept by the browser or any proxy."""
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


def _link(token: str) -> str:
    return url_for("surveys.invitation_link", token=token, _external=True)


@bp.route("/")
@role_required(Role.OFFICER)
def overview():
    """Invitations and response rates per survey per month, against the 100% target."""
    now = utcnow()
    responses = dict(
        db.session.execute(select(SurveyResponse.survey_id, func.count()).group_by(SurveyResponse.survey_id)).all()
    )
    helpful = dict(db.session.execute(select(PageFeedback.helpful, func.count()).group_by(PageFeedback.helpful)).all())
    return render_template(
        "surveys/staff/overview.html",
        surveys=_surveys(),
        rates=response_rates(now),
        responses=responses,
        helpful=helpful,
        target=TARGET_SENT_PERCENT,
    )


@bp.route("/upload", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def upload():
    """Upload finalised plans; the response holds the mail-merge file and the letters."""
    form = UploadForm()
    form.survey.choices = [SelectChoice(s.id, s.staff_name(current_language())) for s in _invitation_surveys()]
    if form.validate_on_submit():
        text = invitations.decode_upload(form.file.data.read())
        if text is None:
            form.file.errors.append(_l("The selected file must be a CSV file"))
        else:
            now = utcnow()
            rows, problems = invitations.parse_csv(text, reporting_day(now), council().plan_reference_example)
            if not rows and problems:
                form.file.errors.append(_l("The selected file has no rows that can be used. See the problems below."))
                return render_template("surveys/staff/upload.html", form=form, problems=problems, **_upload_help())
            survey_id, me = form.survey.data, current_staff()

            def invite() -> InvitationUpload:
                result = invitations.create_invitations(
                    survey_id, rows, now, current_app.config["SURVEY_INVITATION_DAYS"]
                )
                record_event(**invitations.upload_event(survey_id, len(rows) + len(problems), result), user=me)
                result.problems = problems
                return upload_results.keep(
                    result, survey_id, me.id, current_app.config["SURVEY_UPLOAD_RESULT_HOURS"], now
                )

            kept = commit_with_retry(invite)
            # Post, redirect, get: reloading the result, or going back, never uploads again.
            return redirect(url_for(".upload_result", upload_id=kept.id), code=303)
    return render_template("surveys/staff/upload.html", form=form, problems=[], **_upload_help())


def _upload_help() -> dict:
    """What the upload page says about the file: the languages offered and how long results are kept."""
    return {
        "offered_languages": ", ".join(invitations.offered_languages()),
        "keep_hours": upload_results.keep_hours(current_app.config["SURVEY_UPLOAD_RESULT_HOURS"]),
    }


@bp.route("/uploads/<uuid:upload_id>")
@role_required(Role.OFFICER)
def upload_result(upload_id: uuid.UUID):
    """An upload's result, with its mail-merge file and letters: for the officer who made it (or an
    administrator), until it expires."""
    kept = db.session.get(InvitationUpload, upload_id)
    me = current_staff()
    if kept is None or (kept.user_id != me.id and not me.can(Role.ADMIN)):
        abort(404)
    now = utcnow()
    result = upload_results.read(kept, now)
    if result is None:
        db.session.delete(kept)
        db.session.commit()
        return _no_store(render_template("surveys/staff/upload_gone.html")), 410
    survey = _surveys().get(kept.survey_id) or abort(404)
    mail_merge = invitations.mail_merge_csv(result.created, _link)
    return _no_store(
        render_template(
            "surveys/staff/upload_result.html",
            survey=survey,
            result=result,
            kept_until=kept.expires_at,
            letters=_letters(result.created),
            mail_merge_href="data:text/csv;charset=utf-8," + quote(mail_merge),
            mark_sent=MarkSentForm(ids=",".join(str(item.invitation.id) for item in result.created)),
        )
    )


def _letters(issued: list[invitations.IssuedInvitation]) -> list[dict]:
    """What each printed letter needs, in the family's language where we have it."""
    letters = []
    for item in issued:
        survey = _surveys()[item.invitation.survey_id]
        language = item.invitation.language
        locale = language if language in current_app.config["LANGUAGES"] else "en"
        with force_locale(locale):
            body = render_template(
                "surveys/staff/_letter.html",
                survey=survey,
                invitation=item.invitation,
                link=_link(item.token),
                code=invitations.format_code(item.code),
                code_url=url_for("surveys.enter_code", _external=True),
                letter_locale=locale,
            )
        letters.append({"invitation": item.invitation, "html": body})
    return letters


def _mark_sent(ids: list[int]) -> None:
    changed = invitations.mark_sent(ids)
    record_event("survey_invitations_sent", user=current_staff(), target_type="survey_invitation", count=changed)
    db.session.commit()
    flash(ngettext("%(num)d invitation marked as sent.", "%(num)d invitations marked as sent.", changed), "success")


@bp.route("/invitations/mark-sent", methods=["POST"])
@role_required(Role.OFFICER)
def mark_sent():
    """Mark every invitation from an upload as sent."""
    form = MarkSentForm()
    if not form.validate_on_submit():
        abort(400)
    _mark_sent(ids_from(form.ids.data))
    return redirect(url_for(".invitations_list", status=InvitationStatus.SENT.value))


@bp.route("/invitations", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def invitations_list():
    """Every invitation, filtered by survey and status; unsent ones can be marked sent."""
    survey_id = request.args.get("survey", "")
    status = request.args.get("status", "")
    now = utcnow()
    query = select(SurveyInvitation).order_by(SurveyInvitation.finalised_on.desc(), SurveyInvitation.id.desc())
    if survey_id in _surveys():
        query = query.where(SurveyInvitation.survey_id == survey_id)
    if status == InvitationStatus.EXPIRED.value:
        query = query.where(
            SurveyInvitation.status != InvitationStatus.COMPLETED.value, SurveyInvitation.expires_at <= now
        )
    elif status in INVITATION_STATUS_LABELS:
        query = query.where(SurveyInvitation.status == status)
        if status != InvitationStatus.COMPLETED.value:
            query = query.where(SurveyInvitation.expires_at > now)
    page = paginate(query, per_page=50)
    unsent = [inv for inv in page.items if inv.effective_status(now) == InvitationStatus.CREATED]
    form = MarkSelectedForm()
    form.invitation.choices = [
        SelectChoice(
            str(inv.id),
            _("%(reference)s, finalised %(date)s", reference=inv.plan_reference, date=inv.finalised_on.isoformat()),
        )
        for inv in unsent
    ]
    if form.validate_on_submit():
        allowed = {str(inv.id) for inv in unsent}
        _mark_sent([int(value) for value in form.invitation.data if value in allowed])
        return redirect(url_for(".invitations_list", survey=survey_id, status=status))
    return render_template(
        "surveys/staff/invitations.html",
        invitations=page.items,
        pagination=govuk_pagination(page, "survey_staff.invitations_list", survey=survey_id, status=status),
        total=page.total,
        survey_id=survey_id,
        status=status,
        surveys=_surveys(),
        form=form if unsent else None,
        now=now,
    )


@bp.route("/invitations/<int:invitation_id>")
@role_required(Role.OFFICER)
def invitation(invitation_id: int):
    """One invitation's history, and a way to reissue its link and code."""
    found = db.session.get(SurveyInvitation, invitation_id) or abort(404)
    return render_template(
        "surveys/staff/invitation.html", invitation=found, survey=_surveys().get(found.survey_id), form=ConfirmForm()
    )


@bp.route("/invitations/<int:invitation_id>/reissue", methods=["POST"])
@role_required(Role.OFFICER)
def reissue(invitation_id: int):
    """A new link and code (the old ones stop working), shown once as a printable letter."""
    found = db.session.get(SurveyInvitation, invitation_id) or abort(404)
    confirmed()
    if found.status == InvitationStatus.COMPLETED or found.survey_id not in _surveys():
        flash(_("This invitation has already been answered, so it cannot be reissued."), "important")
        return redirect(url_for(".invitation", invitation_id=found.id))
    issued = invitations.reissue(found, days=current_app.config["SURVEY_INVITATION_DAYS"])
    record_event(
        "survey_invitation_reissued", user=current_staff(), target_type="survey_invitation", target_id=found.id
    )
    db.session.commit()
    return _no_store(
        render_template(
            "surveys/staff/letter.html",
            invitation=found,
            letters=_letters([issued]),
            mail_merge_href="data:text/csv;charset=utf-8," + quote(invitations.mail_merge_csv([issued], _link)),
        )
    )
