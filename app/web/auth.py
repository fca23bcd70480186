"""Staff sign-in: sign in and out, set a password from a one-time link, roles, idle expiry.

Other blueprints protect their views with `role_required`:

    from .auth import Role, role_required

    @bp.route("/staff/exports")
    @role_required(Role.OFFICER)
    def exports(): ...

Anonymous visitors are sent to the sign-in page (with `next`); signed-in staff whose
role does not include the one required get the 403 page. Roles are cumulative:
sendiass < officer < admin.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from ..extensions import db, limiter, login_manager
from ..models.staff import Role, User, record_event, utcnow
from .forms.auth import SetPasswordForm, SignInForm

__all__ = ["Role", "current_staff", "role_required"]

bp = Blueprint("auth", __name__)

#: Minutes of inactivity after which a member of staff must sign in again.
DEFAULT_IDLE_MINUTES = 30
SIGN_IN_RATE_LIMIT = "10 per minute"

F = TypeVar("F", bound=Callable[..., Any])


def init_login(app: Flask) -> None:
    """Bind Flask-Login to the app: the sign-in page and the user loader."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = _l("Sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.is_active else None


def current_staff() -> User:
    """The signed-in member of staff (only call inside a role_required view)."""
    return current_user._get_current_object()  # type: ignore[attr-defined]


def role_required(role: Role | str) -> Callable[[F], F]:
    """Allow a view only to signed-in staff whose role includes `role`.

    The wrapped view carries `required_role`, which the route-matrix test reads.
    """
    needed = Role(role)

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                if request.method == "GET":
                    return login_manager.unauthorized()  # back here after signing in
                flash(str(login_manager.login_message), login_manager.login_message_category)
                return redirect(url_for("auth.sign_in"))
            if not current_user.can(needed):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_role = needed  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


# Session inactivity -----------------------------------------------------------
@bp.before_app_request
def _expire_idle_sessions():
    """Sign staff out after a period without requests; staff pages then ask them to sign in again."""
    if request.endpoint in (None, "static", "govuk_assets") or not session.get("_user_id"):
        return None
    idle = 60 * int(current_app.config.get("STAFF_SESSION_IDLE_MINUTES", DEFAULT_IDLE_MINUTES))
    now = int(time.time())
    last_seen = session.get("last_seen")
    if isinstance(last_seen, int) and now - last_seen > idle:
        user = current_user._get_current_object() if current_user.is_authenticated else None
        if user is not None:
            record_event("session_expired", user=user, target_type="user", target_id=user.id)
            db.session.commit()
        logout_user()
        session.clear()
        if request.path.startswith("/staff/"):
            flash(_("You were signed out after %(num)d minutes without activity.", num=idle // 60), "info")
            next_url = _safe_next(request.full_path) if request.method == "GET" else None
            return redirect(url_for("auth.sign_in", next=next_url) if next_url else url_for("auth.sign_in"))
        return None
    session["last_seen"] = now
    return None


def _safe_next(target: str | None) -> str | None:
    """Only local paths are followed after sign-in."""
    if not target:
        return None
    target = target.rstrip("?")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


# Views ------------------------------------------------------------------------
@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_RATE_LIMIT, methods=["POST"])
def sign_in():
    next_url = _safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("staff.dashboard"))
    form = SignInForm()
    if form.validate_on_submit():
        user = User.by_email(form.email.data)
        now = utcnow()
        if user is not None and user.is_active and user.is_locked(now):
            record_event("sign_in_refused_locked", user=user, target_type="user", target_id=user.id)
            db.session.commit()
            form.password.errors.append(_("This account is locked after too many failed attempts. Try again later."))
        elif user is not None and user.is_active and user.check_password(form.password.data):
            user.record_success(now)
            record_event("sign_in", user=user, target_type="user", target_id=user.id)
            db.session.commit()
            session.clear()
            login_user(user)
            session["last_seen"] = int(time.time())
            return redirect(next_url or url_for("staff.dashboard"))
        else:
            if user is None:
                User(password_hash=None).check_password(form.password.data)  # same time as a real check
                record_event("sign_in_failed")
            else:
                locked = user.record_failure(now) if user.is_active else False
                record_event("sign_in_failed", user=user, target_type="user", target_id=user.id)
                if locked:
                    record_event("account_locked", user=user, target_type="user", target_id=user.id)
            db.session.commit()
            form.email.errors.append(_("Enter a correct email address and password"))
    return render_template("auth/sign_in.html", form=form, next_url=next_url)


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    if current_user.is_authenticated:
        user = current_staff()
        record_event("sign_out", user=user, target_type="user", target_id=user.id)
        db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("auth.signed_out"))


@bp.route("/signed-out")
def signed_out():
    return render_template("auth/signed_out.html")


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_RATE_LIMIT, methods=["POST"])
def set_password(token: str):
    user = User.from_set_password_token(token)
    if user is None:
        return render_template("auth/link_expired.html"), 404
    form = SetPasswordForm(email=user.email)
    if form.validate_on_submit():
        user.set_password(form.password.data)
        record_event("password_set", user=user, target_type="user", target_id=user.id)
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("Your password has been saved. Sign in with it now."), "success")
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/set_password.html", form=form, email=user.email)
