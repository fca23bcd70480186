"""The staff area: the dashboard of tools, user management and the audit log (admins),
and the moderation queue for free-text comments (officers)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..feedback.analysis import AnalysedComment, analyse
from ..feedback.records import comment_record, survey_of
from ..feedback.sentiment import analyser, question_kind
from ..feedback.tables import SENTIMENT_NAMES
from ..feedback.themes import theme_keys, theme_name
from ..models.moderation import (
    COMMENT_SOURCE_LABELS,
    DECISION_HINTS,
    DECISION_LABELS,
    MODERATION_STATUS_LABELS,
    Comment,
    ModerationStatus,
)
from ..models.staff import AuditEvent, Role, User, normalise_email, record_event, utcnow
from .auth import current_staff, role_required
from .forms.kit import ConfirmForm, confirmed
from .forms.staff import CorrectionForm, DecisionForm, NewUserForm, RoleForm
from .pagination import render_list
from .survey_catalogue import catalogue

bp = Blueprint("staff", __name__, url_prefix="/staff")


@dataclass(frozen=True)
class StaffTool:
    """A link on the staff dashboard, shown to staff whose role includes `role`."""

    endpoint: str
    label: object
    description: object
    role: Role


#: The dashboard's tools, in order. Other areas add theirs with `add_tool()`.
TOOLS: list[StaffTool] = []


def add_tool(endpoint: str, label: object, description: object, role: Role) -> None:
    """Offer a tool on the staff dashboard (skipped if its endpoint is not registered)."""
    if all(tool.endpoint != endpoint for tool in TOOLS):
        TOOLS.append(StaffTool(endpoint, label, description, role))


add_tool(
    "staff.moderation",
    _l("Moderate comments"),
    _l("Decide which free-text comments can be quoted."),
    Role.OFFICER,
)
add_tool("staff.users", _l("Staff accounts"), _l("Add staff, change roles and deactivate accounts."), Role.ADMIN)
add_tool("staff.audit", _l("Audit log"), _l("Who signed in, published, exported or moderated, and when."), Role.ADMIN)


@bp.route("/")
@role_required(Role.SENDIASS)
def dashboard():

    user = current_staff()
    tools = [t for t in TOOLS if user.can(t.role)]
    tools.sort(key=lambda tool: tool.role.rank)  # everyday tools first, administration last
    pending = db.session.scalar(
        select(func.count()).select_from(Comment).where(Comment.status == ModerationStatus.PENDING)
    )
    return render_template("staff/dashboard.html", tools=tools, pending=pending if user.can(Role.OFFICER) else None)


# Users --------------------------------------------------------------------------
def _user_or_404(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


@bp.route("/users")
@role_required(Role.ADMIN)
def users():
    everyone = db.session.scalars(select(User).order_by(User.active.desc(), User.email)).all()
    return render_template("staff/users.html", users=everyone, now=utcnow())


@bp.route("/users/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_user():
    form = NewUserForm()
    if form.validate_on_submit():
        user = User(email=normalise_email(form.email.data), role=form.role.data, active=True)
        token = user.issue_set_password_token()
        db.session.add(user)
        db.session.flush()
        record_event("user_created", user=current_staff(), target_type="user", target_id=user.id, role=user.role)
        db.session.commit()
        link = url_for("auth.set_password", token=token, _external=True)
        return render_template("staff/user_link.html", account=user, link=link, created=True)
    return render_template("staff/user_new.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def user(user_id: int):
    account = _user_or_404(user_id)
    me = current_staff()
    form = RoleForm(role=account.role)
    if form.validate_on_submit():
        if account.id == me.id and form.role.data != account.role:
            form.role.errors.append(_("You cannot change your own role. Ask another administrator"))
        else:
            old = account.role
            if form.role.data != old:
                account.role = form.role.data
                account.end_sessions()  # they sign in again with the new role
                record_event(
                    "user_role_changed",
                    user=me,
                    target_type="user",
                    target_id=account.id,
                    old_role=old,
                    new_role=account.role,
                )
                db.session.commit()
                flash(_("Role changed for %(email)s.", email=account.email), "success")
            return redirect(url_for("staff.users"))
    return render_template("staff/user.html", form=form, account=account, action_form=ConfirmForm(), now=utcnow())


def _confirmed_account(user_id: int) -> User:
    """The account a button-only POST acts on (404 when there is none), after its CSRF check."""
    account = _user_or_404(user_id)
    confirmed()
    return account


def _account_changed(action: str, account: User, message: str, back_to: str | None = None) -> Response:
    """Record a change to `account` in the audit log, commit it, say so and go to `back_to`
    (the account's own page when None)."""
    record_event(action, user=current_staff(), target_type="user", target_id=account.id)
    db.session.commit()
    flash(message, "success")
    return redirect(back_to or url_for("staff.user", user_id=account.id))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@role_required(Role.ADMIN)
def deactivate_user(user_id: int):
    account = _confirmed_account(user_id)
    if account.id == current_staff().id:
        flash(_("You cannot deactivate your own account."), "info")
        return redirect(url_for("staff.user", user_id=account.id))
    account.active = False
    account.set_password_token_hash = None
    account.end_sessions()
    return _account_changed(
        "user_deactivated", account, _("%(email)s can no longer sign in.", email=account.email), url_for("staff.users")
    )


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@role_required(Role.ADMIN)
def reactivate_user(user_id: int):
    account = _confirmed_account(user_id)
    account.active = True
    account.unlock()
    return _account_changed("user_reactivated", account, _("%(email)s can sign in again.", email=account.email))


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@role_required(Role.ADMIN)
def unlock_user(user_id: int):
    """Lift a lock after too many wrong passwords, so the member of staff can sign in at once."""
    account = _confirmed_account(user_id)
    account.unlock()
    return _account_changed("user_unlocked", account, _("%(email)s can sign in again now.", email=account.email))


@bp.route("/users/<int:user_id>/password-link", methods=["POST"])
@role_required(Role.ADMIN)
def password_link(user_id: int):
    account = _confirmed_account(user_id)
    if not account.active:
        abort(400)
    token = account.issue_set_password_token()
    record_event("password_link_issued", user=current_staff(), target_type="user", target_id=account.id)
    db.session.commit()
    link = url_for("auth.set_password", token=token, _external=True)
    return render_template("staff/user_link.html", account=account, link=link, created=False)


# Audit log ----------------------------------------------------------------------
@bp.route("/audit")
@role_required(Role.ADMIN)
def audit():
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()
    chosen = request.args.get("action", "")
    if chosen and chosen not in actions:
        chosen = ""
    query = select(AuditEvent).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    if chosen:
        query = query.where(AuditEvent.action == chosen)
    return render_list(
        "staff/audit.html",
        query,
        per_page=50,
        rows="events",
        endpoint="staff.audit",
        args={"action": chosen},
        actions=actions,
        chosen=chosen,
    )


# Moderation ---------------------------------------------------------------------
@bp.route("/moderation")
@role_required(Role.OFFICER)
def moderation():
    status = request.args.get("status", ModerationStatus.PENDING)
    if status not in MODERATION_STATUS_LABELS:
        status = ModerationStatus.PENDING
    order = Comment.created_at.asc() if status == ModerationStatus.PENDING else Comment.decided_at.desc()
    counts = dict(db.session.execute(select(Comment.status, func.count()).group_by(Comment.status)).all())
    return render_list(
        "staff/moderation.html",
        select(Comment).where(Comment.status == status).order_by(order, Comment.id),
        per_page=20,
        rows="comments",
        endpoint="staff.moderation",
        args={"status": status},
        status=status,
        counts=counts,
        STATUS_LABELS=MODERATION_STATUS_LABELS,
        SOURCE_LABELS=COMMENT_SOURCE_LABELS,
    )


@bp.route("/moderation/<uuid:comment_id>", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def moderate(comment_id: uuid.UUID):
    comment = db.session.get(Comment, comment_id) or abort(404)
    form = DecisionForm(decision=None if comment.status == ModerationStatus.PENDING else comment.status)
    valid = form.validate_on_submit()
    if valid and form.decision.data == ModerationStatus.APPROVED and comment.own_case:
        form.decision.errors.append(_("This comment is about one person's own case, so it can never be quoted"))
        valid = False
    if valid:
        me = current_staff()
        previous = comment.status
        comment.decide(form.decision.data, me)
        record_event(
            "comment_moderated",
            user=me,
            target_type="comment",
            target_id=comment.id,
            decision=comment.status,
            state=previous,
        )
        db.session.commit()
        flash(_("Decision saved."), "success")
        following = db.session.scalar(
            select(Comment)
            .where(Comment.status == ModerationStatus.PENDING)
            .order_by(Comment.created_at, Comment.id)
            .limit(1)
        )
        if following is not None:
            return redirect(url_for("staff.moderate", comment_id=following.id))
        return redirect(url_for("staff.moderation"))
    return _moderate_page(comment, form, _correction_form(comment))


def _reading(comment: Comment) -> AnalysedComment:
    """The analysis's reading of a comment (the officer's corrections applied), as the dashboard counts it."""
    survey_id, submitted_on = survey_of(comment)
    return analyse(comment_record(comment, survey_id, submitted_on, catalogue().texts()))


def _correction_form(comment: Comment, formdata: object = None) -> CorrectionForm:
    reading = _reading(comment)
    return CorrectionForm(formdata=formdata, sentiment=reading.sentiment.label, themes=list(reading.themes))


def _moderate_page(comment: Comment, form: DecisionForm, correction: CorrectionForm):
    reading = _reading(comment)
    return render_template(
        "staff/moderate.html",
        form=form,
        correction=correction,
        comment=comment,
        reading_sentiment=SENTIMENT_NAMES[reading.sentiment.label],
        reading_themes=[theme_name(key) for key in reading.themes],
        deciding_words=[]
        if comment.corrected_sentiment
        else analyser().deciding_words(
            comment.text, kind=question_kind(reading.comment.question, reading.comment.kind)
        ),
        STATUS_LABELS=MODERATION_STATUS_LABELS,
        SOURCE_LABELS=COMMENT_SOURCE_LABELS,
        decision_items=[{"hint": {"text": DECISION_HINTS[key]}} for key in DECISION_LABELS],
    )


@bp.route("/moderation/<uuid:comment_id>/labels", methods=["POST"])
@role_required(Role.OFFICER)
def correct_labels(comment_id: uuid.UUID):
    """An officer sets a comment's sentiment and themes; the figures count theirs instead of the machine's."""
    comment = db.session.get(Comment, comment_id) or abort(404)
    correction = CorrectionForm()
    if not correction.validate_on_submit():
        form = DecisionForm(decision=None if comment.status == ModerationStatus.PENDING else comment.status)
        return _moderate_page(comment, form, correction), 400
    me = current_staff()
    before = _reading(comment)
    themes = theme_keys(correction.themes.data or [])
    comment.correct(correction.sentiment.data, themes, me)
    record_event(
        "comment_labels_corrected",
        user=me,
        target_type="comment",
        target_id=comment.id,
        state=f"{before.sentiment.label}: {';'.join(before.themes)}",
        decision=f"{correction.sentiment.data}: {';'.join(themes)}",
    )
    db.session.commit()
    flash(_("Correction saved. The dashboard, exports and report now use it."), "success")
    return redirect(url_for("staff.moderate", comment_id=comment.id))
