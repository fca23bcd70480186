"""Staff accounts and the audit log.

Accounts are created by an administrator (or `flask users create`); the new member of
staff chooses a password from a one-time link. Passwords are hashed with scrypt; the
set-password token is stored only as a keyed digest. The audit log records who did
what and when, with a small non-personal detail: never answers, comments or passwords.
"""

from __future__ import annotations

import datetime as dt
import enum
import secrets
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, func, select
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..clock import utcnow
from ..extensions import db
from ..tokens import digest, digests

#: Failed sign-ins in a row that lock an account.
MAX_FAILED_ATTEMPTS = 5
#: How long a locked account stays locked.
LOCKOUT = dt.timedelta(minutes=15)
#: How long a set-password link works.
SET_PASSWORD_TOKEN_LIFETIME = dt.timedelta(hours=72)

#: A scrypt hash of a random string, checked when the email is unknown so that
#: a wrong email takes as long to reject as a wrong password.
_DUMMY_HASH = generate_password_hash(secrets.token_hex(16), method="scrypt")


class Role(enum.StrEnum):
    """Staff roles, each including everything the ones before it can do."""

    SENDIASS = "sendiass"
    OFFICER = "officer"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def includes(self, other: Role | str) -> bool:
        """True when this role can do everything `other` can."""
        return self.rank >= Role(other).rank


ROLE_LABELS = {
    Role.SENDIASS: _l("SENDIASS staff"),
    Role.OFFICER: _l("Local Offer officer"),
    Role.ADMIN: _l("Administrator"),
}
ROLE_HINTS = {
    Role.SENDIASS: _l("Publishes updates and “You said, we did” entries."),
    Role.OFFICER: _l("Everything SENDIASS staff can do, plus invitations, dashboards, exports and moderation."),
    Role.ADMIN: _l("Everything an officer can do, plus managing staff accounts and reading the audit log."),
}


class User(UserMixin, db.Model):
    """A member of staff who can sign in."""

    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.SENDIASS.value)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    set_password_token_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    set_password_expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_sign_in_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return bool(self.active)

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def can(self, role: Role | str) -> bool:
        """True when this user's role includes `role`."""
        return self.is_active and self.role_enum.includes(role)

    # Passwords -----------------------------------------------------------------
    def set_password(self, password: str) -> None:
        """Hash and store a new password; the set-password link stops working."""
        self.password_hash = generate_password_hash(password, method="scrypt")
        self.set_password_token_hash = None
        self.set_password_expires_at = None
        self.failed_attempts = 0
        self.locked_until = None

    def check_password(self, password: str) -> bool:
        if not self.password_hash:
            check_password_hash(_DUMMY_HASH, password)
            return False
        return check_password_hash(self.password_hash, password)

    def issue_set_password_token(self, now: dt.datetime | None = None) -> str:
        """A new one-time set-password token; only its digest is stored."""
        token = secrets.token_urlsafe(32)
        self.set_password_token_hash = digest(token)
        self.set_password_expires_at = (now or utcnow()) + SET_PASSWORD_TOKEN_LIFETIME
        return token

    @classmethod
    def from_set_password_token(cls, token: str, now: dt.datetime | None = None) -> User | None:
        """The active user a set-password token belongs to, if it is valid and unexpired."""
        if not token or len(token) > 100:
            return None
        user = db.session.scalar(select(cls).where(cls.set_password_token_hash.in_(digests(token))))
        if user is None or not user.active or user.set_password_expires_at is None:
            return None
        if user.set_password_expires_at < (now or utcnow()):
            return None
        return user

    # Lockout -------------------------------------------------------------------
    def is_locked(self, now: dt.datetime | None = None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or utcnow())

    def record_failure(self, now: dt.datetime | None = None) -> bool:
        """Count a failed sign-in; returns True when this failure locks the account."""
        now = now or utcnow()
        if self.locked_until is not None and self.locked_until <= now:
            self.locked_until = None
        self.failed_attempts = (self.failed_attempts or 0) + 1
        if self.failed_attempts >= MAX_FAILED_ATTEMPTS:
            self.locked_until = now + LOCKOUT
            self.failed_attempts = 0
            return True
        return False

    def record_success(self, now: dt.datetime | None = None) -> None:
        self.failed_attempts = 0
        self.locked_until = None
        self.last_sign_in_at = now or utcnow()

    @classmethod
    def by_email(cls, email: str) -> User | None:
        return db.session.scalar(select(cls).where(func.lower(cls.email) == normalise_email(email)))


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


class AuditEvent(db.Model):
    """One thing a member of staff did (or tried to do): who, what, when.

    `detail` holds a few non-personal facts such as a new role or a moderation
    decision. Free-text answers, comments and passwords never go here.
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"), index=True)
    user_email: Mapped[str | None] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(50), index=True)
    target_type: Mapped[str | None] = mapped_column(String(50))
    target_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    def __repr__(self) -> str:
        return f"<AuditEvent {self.action} {self.target_type}:{self.target_id}>"


#: Keys allowed in AuditEvent.detail, with values kept short: a guard against
#: personal data or free text drifting into the log.
AUDIT_DETAIL_KEYS = frozenset(
    {"role", "old_role", "new_role", "state", "publish_at", "decision", "reason", "format", "rows", "count", "survey"}
)
_MAX_DETAIL_VALUE = 64


def _short(value: object) -> object:
    if value is None or isinstance(value, int | bool):
        return value
    return str(value)[:_MAX_DETAIL_VALUE]


def record_event(
    action: str,
    *,
    user: User | None = None,
    target_type: str | None = None,
    target_id: object = None,
    **detail: object,
) -> AuditEvent:
    """Add an audit event to the session (the caller commits with its own change).

    `detail` keys must be in AUDIT_DETAIL_KEYS and values are cut to 64 characters,
    so nothing long or free-form can be logged by mistake.
    """
    unknown = set(detail) - AUDIT_DETAIL_KEYS
    if unknown:
        raise ValueError(f"audit detail keys not allowed: {sorted(unknown)}")
    clean = {key: _short(value) for key, value in detail.items()}
    event = AuditEvent(
        action=action,
        user_id=user.id if user is not None else None,
        user_email=user.email if user is not None else None,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        detail=clean,
        occurred_at=utcnow(),
    )
    db.session.add(event)
    return event
