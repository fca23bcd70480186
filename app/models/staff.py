"""Staff accounts and the audit log.

Accounts are created by an administrator (or `flask users create`); the new member of
staff chooses a password from a one-time link. Passwords are hashed with scrypt; the
set-password token is stored only as a keyed digest. The audit log records who did
what and when, with a small non-personal detail: never answers, comments or passwords.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import hmac
import secrets
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, case, delete, func, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..clock import utcnow
from ..extensions import db
from ..tokens import digest, digests

#: Failed sign-ins in a row that lock an account.
MAX_FAILED_ATTEMPTS = 5
#: How long a locked account stays locked the first time (for browsers it has not signed in on before).
LOCKOUT = dt.timedelta(minutes=15)
#: Each further lock without a successful sign-in in between lasts twice as long, up to 2**4 times LOCKOUT.
MAX_DOUBLINGS = 4
#: How long a browser is remembered as one the account signed in on (its own failure count).
DEVICE_LIFETIME = dt.timedelta(days=90)
#: How long a set-password link works.
SET_PASSWORD_TOKEN_LIFETIME = dt.timedelta(hours=72)


@functools.cache
def dummy_hash() -> str:
    """A scrypt hash of a random string, checked when the email is unknown so that a wrong
    email takes as long to reject as a wrong password (made on first use, not at start-up)."""
    return generate_password_hash(secrets.token_hex(16), method="scrypt")


def dummy_password_check(password: str) -> bool:
    """Check a password against a hash no account has: the same work as a real check, always False."""
    check_password_hash(dummy_hash(), password)
    return False


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
    #: Locks in a row without a successful sign-in: each lasts twice as long as the one before.
    lockouts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    set_password_token_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    set_password_expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_sign_in_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: Part of every session's id: adding one ends every session of this user, on every host.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"

    def get_id(self) -> str:
        """The id kept in the session: the user's id and their session generation."""
        return f"{self.id}.{self.session_generation or 0}"

    def end_sessions(self) -> None:
        """End every session of this user (counted in the database, so concurrent ends all count)."""
        self.session_generation = User.session_generation + 1

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
        """Hash and store a new password; the set-password link stops working and every
        session of this user ends."""
        self.password_hash = generate_password_hash(password, method="scrypt")
        if self.id is not None:
            self.end_sessions()
        self.set_password_token_hash = None
        self.set_password_expires_at = None
        self.failed_attempts = 0
        self.locked_until = None

    def check_password(self, password: str) -> bool:
        if not self.password_hash:
            return dummy_password_check(password)
        return check_password_hash(self.password_hash, password)

    def issue_set_password_token(self, now: dt.datetime | None = None) -> str:
        """A new one-time set-password token; only its digest is stored."""
        token = secrets.token_urlsafe(32)
        self.set_password_token_hash = digest(token)
        self.set_password_expires_at = (now or utcnow()) + SET_PASSWORD_TOKEN_LIFETIME
        return token

    def _set_password_link_works(self, now: dt.datetime | None = None) -> bool:
        """True while this active user's set-password link is unused and unexpired."""
        if not self.active or self.set_password_token_hash is None or self.set_password_expires_at is None:
            return False
        return self.set_password_expires_at >= (now or utcnow())

    @classmethod
    def from_set_password_token(cls, token: str, now: dt.datetime | None = None) -> User | None:
        """The active user a set-password token belongs to, if it is valid and unexpired."""
        if not token or len(token) > 100:
            return None
        user = db.session.scalar(select(cls).where(cls.set_password_token_hash.in_(digests(token))))
        return user if user is not None and user._set_password_link_works(now) else None

    def set_password_link_check(self) -> str:
        """What a session holds, with the user's id, once the set-password link is exchanged for it.

        Neither the token nor its stored digest (a browser can read its session cookie): a keyed
        digest of the stored one, so a newer link, or the password being set, makes it stop matching.
        """
        return digest(f"set-password-session:{self.set_password_token_hash}")

    @classmethod
    def from_set_password_check(cls, user_id: object, check: object, now: dt.datetime | None = None) -> User | None:
        """The user whose set-password link a session was given, while that link still works."""
        if not isinstance(user_id, int) or isinstance(user_id, bool) or not isinstance(check, str):
            return None
        user = db.session.get(cls, user_id)
        if user is None or not user._set_password_link_works(now):
            return None
        return user if hmac.compare_digest(user.set_password_link_check(), check) else None

    # Lockout -------------------------------------------------------------------
    def is_locked(self, now: dt.datetime | None = None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or utcnow())

    def unlock(self) -> None:
        """Clear the account's lock and failure counts, and those of every browser it signed in on."""
        self.failed_attempts = 0
        self.locked_until = None
        self.lockouts = 0
        db.session.execute(
            update(SignInDevice)
            .where(SignInDevice.user_id == self.id)
            .values(failed_attempts=0, locked_until=None, lockouts=0)
        )

    def record_success(self, now: dt.datetime | None = None) -> None:
        self.failed_attempts = 0
        self.locked_until = None
        self.lockouts = 0
        self.last_sign_in_at = now or utcnow()

    @classmethod
    def by_email(cls, email: str) -> User | None:
        return db.session.scalar(select(cls).where(func.lower(cls.email) == normalise_email(email)))


class SignInDevice(db.Model):
    """A browser an account has signed in on, known by a random cookie (stored as a digest).

    Its failed sign-ins are counted apart from the account's, so a stranger's wrong
    guesses, which lock the account everywhere else, do not lock its owner out here.
    """

    __tablename__ = "staff_sign_in_device"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    lockouts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    @classmethod
    def find(cls, user: User, token: str | None, now: dt.datetime | None = None) -> SignInDevice | None:
        """The user's remembered browser for this cookie value, if it is theirs and recent."""
        if not token or len(token) > 100:
            return None
        device = db.session.scalar(select(cls).where(cls.token_hash == digest(token), cls.user_id == user.id))
        if device is None or device.last_used_at < (now or utcnow()) - DEVICE_LIFETIME:
            return None
        return device

    @classmethod
    def remember(cls, user: User, token: str | None, now: dt.datetime | None = None) -> str:
        """After a successful sign-in: the browser's cookie value (new, or the one it has)."""
        now = now or utcnow()
        db.session.execute(delete(cls).where(cls.user_id == user.id, cls.last_used_at < now - DEVICE_LIFETIME))
        device = cls.find(user, token, now)
        if device is None:
            token = secrets.token_urlsafe(32)
            device = cls(user_id=user.id, token_hash=digest(token), created_at=now)
            db.session.add(device)
        device.failed_attempts = 0
        device.locked_until = None
        device.lockouts = 0
        device.last_used_at = now
        assert token is not None
        return token


def lock_period(earlier_locks: int) -> dt.timedelta:
    """How long a lock lasts after `earlier_locks` locks in a row: 15, 30, 60, 120, then 240 minutes."""
    return LOCKOUT * 2 ** min(earlier_locks, MAX_DOUBLINGS)


def reserve_attempt(counter: User | SignInDevice, now: dt.datetime | None = None) -> int | None:
    """Count a sign-in attempt before its password is checked, in one atomic statement.

    Returns the attempt's number in the current period (1 to MAX_FAILED_ATTEMPTS), or None
    when the account (or browser) is locked and the password must not be checked. The
    MAX_FAILED_ATTEMPTS-th attempt locks for LOCKOUT, or twice as long as the lock before
    it when there has been no successful sign-in since (see lock_period); a correct
    password then clears the lock. However many attempts run at once, each gets its own number, so at
    most MAX_FAILED_ATTEMPTS passwords are checked per lock period. The caller commits at
    once, before the slow hash check, so parallel requests see the count (and wait for the
    row lock only that long).
    """
    now = now or utcnow()
    table = type(counter).__table__
    column = table.c
    # The WHERE clause admits a row only when any lock on it has expired: a new period starts.
    attempt = case((column.locked_until.is_not(None), 1), else_=column.failed_attempts + 1)
    lock_ends = case(
        *[(column.lockouts == earlier, now + lock_period(earlier)) for earlier in range(MAX_DOUBLINGS)],
        else_=now + lock_period(MAX_DOUBLINGS),
    )
    statement = (
        update(table)
        .where(column.id == counter.id, or_(column.locked_until.is_(None), column.locked_until <= now))
        .values(
            failed_attempts=attempt,
            locked_until=case((attempt >= MAX_FAILED_ATTEMPTS, lock_ends), else_=None),
            lockouts=case((attempt >= MAX_FAILED_ATTEMPTS, column.lockouts + 1), else_=column.lockouts),
        )
        .returning(column.failed_attempts)
    )
    return db.session.execute(statement).scalar()


def clear_attempts(counter: User | SignInDevice) -> None:
    """After a correct password: the count starts again and any lock is lifted."""
    table = type(counter).__table__
    db.session.execute(
        update(table).where(table.c.id == counter.id).values(failed_attempts=0, locked_until=None, lockouts=0)
    )


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

    @property
    def label(self) -> str:
        """The event's name for people ("Invitations uploaded"), or its code when it has none."""
        found = AUDIT_ACTION_LABELS.get(self.action)
        return str(found) if found is not None else self.action


#: Every audit event's code, beside its name for people: the one vocabulary of the audit log.
AUDIT_ACTION_LABELS: dict[str, object] = {
    # Search
    "search_word_added": _l("Added a search synonym or spelling"),
    # Signing in and accounts
    "sign_in": _l("Signed in"),
    "sign_in_failed": _l("Sign-in failed"),
    "sign_in_refused_locked": _l("Sign-in refused: account locked"),
    "sign_out": _l("Signed out"),
    "session_expired": _l("Session ended"),
    "account_locked": _l("Account locked"),
    "password_set": _l("Password set"),
    "password_link_issued": _l("Set-password link made"),
    "user_created": _l("Staff account created"),
    "gazetteer_imported": _l("Postcode list loaded"),
    "user_role_changed": _l("Role changed"),
    "user_deactivated": _l("Staff account deactivated"),
    "user_reactivated": _l("Staff account reactivated"),
    "user_unlocked": _l("Staff account unlocked"),
    # Surveys and feedback
    "survey_invitations_uploaded": _l("Survey invitations uploaded"),
    "survey_invitations_sent": _l("Survey invitations marked as sent"),
    "survey_invitation_reissued": _l("Survey invitation reissued"),
    "survey_reminders_queued": _l("Survey reminders queued"),
    "comment_moderated": _l("Comment moderated"),
    "comment_labels_corrected": _l("Comment's sentiment or themes corrected"),
    "feedback_exported": _l("Feedback exported"),
    "kpi_targets_updated": _l("KPI targets changed"),
    # "You said, we did" entries and news
    "entry_created": _l("“You said, we did” entry created"),
    "entry_edited": _l("“You said, we did” entry edited"),
    "entry_published": _l("“You said, we did” entry published"),
    "entry_scheduled": _l("“You said, we did” entry scheduled"),
    "entry_archived": _l("“You said, we did” entry archived"),
    "entry_withdrawn": _l("“You said, we did” entry moved back to draft"),
    "entry_update_added": _l("Progress update added to an entry"),
    "news_created": _l("News created"),
    "news_edited": _l("News edited"),
    "news_published": _l("News published"),
    "news_scheduled": _l("News scheduled"),
    "news_archived": _l("News archived"),
    "news_withdrawn": _l("News moved back to draft"),
    # The Local Offer
    "content_saved": _l("Local Offer page saved as a draft"),
    "content_proposed": _l("Local Offer change proposed"),
    "content_published": _l("Local Offer page published"),
    "content_approved": _l("Local Offer change approved"),
    "content_rejected": _l("Local Offer change rejected"),
    "content_restored": _l("Earlier version of a Local Offer page restored"),
    "content_retired": _l("Local Offer page closed"),
    "content_imported": _l("Local Offer pages imported"),
    "listing_review_requested": _l("Provider asked to check their listing"),
    "listing_review_reminded": _l("Provider reminded to check their listing"),
    "listing_confirmed": _l("Provider confirmed their listing is correct"),
    "listing_change_proposed": _l("Provider proposed a change to their listing"),
    "problem_reported": _l("Problem with a page reported"),
    "problem_report_closed": _l("Problem report closed"),
    "data_quality_exported": _l("Data quality list downloaded"),
    # Messages
    "message_retried": _l("Message sent again"),
}


#: Keys allowed in AuditEvent.detail, with values kept short: a guard against
#: personal data or free text drifting into the log.
AUDIT_DETAIL_KEYS = frozenset(
    {
        "role",
        "old_role",
        "new_role",
        "state",
        "publish_at",
        "decision",
        "reason",
        "format",
        "rows",
        "count",
        "survey",
        "page",
        "reminder",
    }
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
