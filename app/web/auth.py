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
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.wrappers import Response
from flask_babel import _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from ..extensions import db, limiter, login_manager
from ..models.staff import (
    DEVICE_LIFETIME,
    MAX_FAILED_ATTEMPTS,
    Role,
    SignInDevice,
    User,
    clear_attempts,
    dummy_password_check,
    record_event,
    reserve_attempt,
    utcnow,
)
from .forms.auth import SetPasswordForm, SignInForm

__all__ = ["Role", "current_staff", "role_required"]

bp = Blueprint("auth", __name__)

#: Minutes of inactivity after which a member of staff must sign in again.
DEFAULT_IDLE_MINUTES = 30
#: Hours after signing in after which a session ends however active it is.
DEFAULT_MAX_HOURS = 12
#: Per-client limits on sign-in attempts (by address), whatever the accounts tried.
SIGN_IN_RATE_LIMIT = "10 per minute;60 per hour"
#: The session key holding the account whose set-password link this browser opened.
SET_PASSWORD_SESSION = "set_password"
#: The cookie that marks a browser an account has signed in on.
DEVICE_COOKIE = "staff_device"

F = TypeVar("F", bound=Callable[..., Any])


def init_login(app: Flask) -> None:
    """Bind Flask-Login to the app: the sign-in page and the user loader."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = _l("Sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    """The user a session belongs to, if that session has not been ended since it began.

    The session holds "<user id>.<session generation>"; signing out, a new password,
    deactivation or a role change add one to the generation in the database, so every
    copy of an older session cookie, on any process or host, stops working.
    """
    user_id, _, generation = session_id.partition(".")
    if not (user_id.isdigit() and generation.isdigit()) or len(user_id) > 18:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_generation != int(generation):
        return None
    return user


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


# Session expiry ---------------------------------------------------------------
@bp.before_app_request
def _expire_sessions():
    """Sign staff out after a period without requests, or once a session reaches its maximum age;
    staff pages then ask them to sign in again."""
    if request.endpoint in (None, "static", "govuk_assets") or not session.get("_user_id"):
        return None
    idle = 60 * int(current_app.config.get("STAFF_SESSION_IDLE_MINUTES", DEFAULT_IDLE_MINUTES))
    longest = 3600 * int(current_app.config.get("STAFF_SESSION_MAX_HOURS", DEFAULT_MAX_HOURS))
    now = int(time.time())
    last_seen, signed_in_at = session.get("last_seen"), session.get("signed_in_at")
    if not isinstance(signed_in_at, int) or now - signed_in_at > longest:
        message = _("You were signed out because a session lasts at most %(num)d hours.", num=longest // 3600)
    elif isinstance(last_seen, int) and now - last_seen > idle:
        message = _("You were signed out after %(num)d minutes without activity.", num=idle // 60)
    else:
        session["last_seen"] = now
        return None
    user = current_user._get_current_object() if current_user.is_authenticated else None
    if user is not None:
        record_event("session_expired", user=user, target_type="user", target_id=user.id)
        db.session.commit()
    logout_user()
    session.clear()
    if request.path.startswith("/staff/"):
        flash(message, "info")
        next_url = _safe_next(request.full_path) if request.method == "GET" else None
        return redirect(url_for("auth.sign_in", next=next_url) if next_url else url_for("auth.sign_in"))
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
        user = _attempt_sign_in(form.email.data, form.password.data)
        if user is not None:
            session.clear()
            login_user(user)
            session["last_seen"] = session["signed_in_at"] = int(time.time())
            response = redirect(next_url or url_for("staff.dashboard"))
            _set_device_cookie(response, g.pop("device_token"))
            return response
        form.email.errors.append(_("Enter a correct email address and password"))
    return render_template("auth/sign_in.html", form=form, next_url=next_url)


def _attempt_sign_in(email: str, password: str) -> User | None:
    """The user when the email and password are right and the attempt may be checked, else None.

    Every case (unknown email, deactivated, locked, wrong password) checks one password hash,
    so none can be told apart by its answer or its time. Failures are counted per account, or
    per browser for one the account has signed in on before (see SignInDevice).
    """
    now = utcnow()
    user = User.by_email(email)
    if user is None or not user.is_active:
        dummy_password_check(password)  # the same work as a real check
        record_event("sign_in_failed", user=user, target_type="user" if user else None, target_id=user and user.id)
        db.session.commit()
        return None
    device = SignInDevice.find(user, request.cookies.get(DEVICE_COOKIE), now)
    counter: User | SignInDevice = device or user
    attempt = reserve_attempt(counter, now)
    db.session.commit()  # counted before the password is checked, so parallel attempts see it
    if attempt is None:
        dummy_password_check(password)
        record_event("sign_in_refused_locked", user=user, target_type="user", target_id=user.id)
        db.session.commit()
        return None
    if not user.check_password(password):
        record_event("sign_in_failed", user=user, target_type="user", target_id=user.id)
        if attempt >= MAX_FAILED_ATTEMPTS:
            record_event("account_locked", user=user, target_type="user", target_id=user.id)
        db.session.commit()
        return None
    clear_attempts(counter)
    user.record_success(now)
    g.device_token = SignInDevice.remember(user, request.cookies.get(DEVICE_COOKIE), now)
    record_event("sign_in", user=user, target_type="user", target_id=user.id)
    db.session.commit()
    return user


def _set_device_cookie(response: Response, token: str) -> None:
    """Remember this browser for the sign-in page only (HTTP only, never sent to other pages)."""
    response.set_cookie(
        DEVICE_COOKIE,
        token,
        max_age=int(DEVICE_LIFETIME.total_seconds()),
        path=url_for("auth.sign_in"),
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Strict",
    )


@bp.route("/sign-out", methods=["POST"])
def sign_out():
    if current_user.is_authenticated:
        user = current_staff()
        user.end_sessions()  # every copy of this session, and the user's other sessions, end too
        record_event("sign_out", user=user, target_type="user", target_id=user.id)
        db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("auth.signed_out"))


@bp.route("/signed-out")
def signed_out():
    return render_template("auth/signed_out.html")


@bp.route("/set-password/<token>")
def set_password(token: str):
    """The one-time link to set a password: swapped for the session at once, then on to
    `/set-password`, whose address holds no token (a dead link's page says it has expired)."""
    user = User.from_set_password_token(token)
    if user is None:
        session.pop(SET_PASSWORD_SESSION, None)
    else:
        session[SET_PASSWORD_SESSION] = {"user": user.id, "check": user.set_password_link_check()}
    return redirect(url_for("auth.choose_password"))


@bp.route("/set-password", methods=["GET", "POST"])
@limiter.limit(SIGN_IN_RATE_LIMIT, methods=["POST"])
def choose_password():
    """Choose a password, for the account whose set-password link this browser opened."""
    held = session.get(SET_PASSWORD_SESSION)
    user = User.from_set_password_check(held.get("user"), held.get("check")) if isinstance(held, dict) else None
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
