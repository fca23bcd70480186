"""Queueing and delivering messages through the outbox table.

`queue_message()` adds a message and flushes: it goes out with the caller's commit, or not
at all. `deliver_due()` sends what is due, one message at a time, each in three short
transactions: claim it (a conditional UPDATE, so two processes never send the same message),
send it, record the result. A message whose sender crashed mid-send is claimed again once its
claim has lapsed, so nothing is lost (at worst it is sent twice).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app, g, has_app_context
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from jinja2 import TemplateNotFound
from sqlalchemy import or_, select, update

from ..clock import utcnow
from ..extensions import db
from ..models.notifications import PENDING, Channel, MessageStatus, OutboxMessage
from ..services import content_store
from .transports import DeliveryFailure, PermanentFailure, Rendered, TemporaryFailure, Transport, transports_from

log = logging.getLogger(__name__)

#: How long a claimed message is left to its sender before another process may try it.
CLAIM_MINUTES = 10
#: The longest wait between two attempts.
MAX_DELAY = dt.timedelta(hours=6)
#: Where each message's text lives: templates/notifications/<template>.<part>.txt.
TEMPLATE_DIR = "notifications"

#: owner type -> a function giving a given-up message its recipient and personalisation again
#: (from its owner, if the owner still has them), or None.
Resender = Callable[[OutboxMessage], tuple[str, dict[str, Any]] | None]
_RESENDERS: dict[str, Resender] = {}

#: What staff read for each reason a message failed (the code's part before the colon).
ERROR_EXPLANATIONS = {
    "smtp_unreachable": _l("The mail server could not be reached."),
    "smtp_login_refused": _l("The mail server refused the portal's user name or password."),
    "smtp_recipient_refused": _l("The mail server refused the email address."),
    "smtp_refused": _l("The mail server refused the message."),
    "sms_needs_notify": _l("Text messages can only be sent through GOV.UK Notify."),
    "notify_no_template": _l("No GOV.UK Notify template is set up for this kind of message."),
    "notify_400": _l("GOV.UK Notify refused the message: the email address or phone number may not be real."),
    "notify_403": _l("GOV.UK Notify refused the portal's API key."),
    "notify_429": _l("GOV.UK Notify's sending limit was reached."),
    "template_error": _l("The message's text could not be written."),
    "error": _l("Something went wrong while sending."),
}


def explain_error(code: str | None) -> str:
    """The reason a message failed, in staff's words (with the technical code beside it)."""
    if not code:
        return ""
    key = code.partition(":")[0]
    if key.startswith("notify_5") or key == "notify_503":
        return str(_l("GOV.UK Notify was not available."))
    explanation = ERROR_EXPLANATIONS.get(key, ERROR_EXPLANATIONS["error"])
    return f"{explanation} ({code})"


@dataclass
class DeliveryReport:
    """What one run of `deliver_due` did."""

    sent: int = 0
    failed: int = 0
    given_up: int = 0
    #: Due messages left waiting because no transport is configured for their channel.
    waiting: int = 0

    def __str__(self) -> str:
        return (
            f"{self.sent} sent, {self.failed} failed (will retry), {self.given_up} given up, "
            f"{self.waiting} waiting for a transport"
        )


def register_resender(owner_type: str, resender: Resender) -> None:
    """Let staff send again a given-up message of `owner_type`, rebuilt from its owner."""
    _RESENDERS[owner_type] = resender


def _template_name(template: str, part: str) -> str:
    return f"{TEMPLATE_DIR}/{template}.{part}.txt"


def _parts(channel: str) -> tuple[str, ...]:
    return ("subject", "email") if channel == Channel.EMAIL else ("sms",)


def queue_message(
    channel: str | Channel,
    recipient: str,
    template: str,
    *,
    language: str = "en",
    personalisation: Mapping[str, Any] | None = None,
    owner: tuple[str, int] | None = None,
    now: dt.datetime | None = None,
) -> OutboxMessage:
    """Add a message to the outbox and flush; it is sent after the caller commits.

    Raises ValueError for an unknown channel, an empty recipient or a template without text
    for the channel (mistakes in the code, not in what people typed).
    """
    channel = Channel(channel)
    if not recipient:
        raise ValueError("a message needs a recipient")
    for part in _parts(channel):
        try:
            current_app.jinja_env.get_template(_template_name(template, part))
        except TemplateNotFound:
            raise ValueError(f"no {part} text for message {template!r}") from None
    now = now or utcnow()
    message = OutboxMessage(
        channel=channel.value,
        recipient=recipient,
        template=template,
        language=language or "en",
        personalisation=dict(personalisation or {}),
        status=MessageStatus.QUEUED.value,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        owner_type=owner[0] if owner else None,
        owner_id=owner[1] if owner else None,
    )
    db.session.add(message)
    db.session.flush()
    if has_app_context():
        g.setdefault("queued_messages", []).append(message.id)
    return message


def queued_in_this_context() -> list[int]:
    """Ids of the messages queued during this request or command (for sending straight after it)."""
    return list(g.get("queued_messages", [])) if has_app_context() else []


def render(message: OutboxMessage) -> Rendered:
    """The message's text in its language (English when the portal does not offer it)."""
    language = message.language if message.language in current_app.config["LANGUAGES"] else "en"
    values = {"service_name": content_store().council.text("service_name", language), **(message.personalisation or {})}
    env = current_app.jinja_env
    with force_locale(language):
        texts = {
            part: env.get_template(_template_name(message.template, part)).render(**values).strip()
            for part in _parts(message.channel)
        }
    if message.channel == Channel.EMAIL:
        return Rendered(" ".join(texts["subject"].split()), texts["email"] + "\n")
    return Rendered("", texts["sms"])


def backoff(attempts: int, first: dt.timedelta) -> dt.timedelta:
    """The wait after the `attempts`-th failed attempt: doubling each time, at most MAX_DELAY."""
    return min(first * (2 ** max(attempts - 1, 0)), MAX_DELAY)


def _wipe(message: OutboxMessage) -> None:
    """Forget who it was for and what it said: only the status and the reason stay."""
    message.recipient = None
    message.personalisation = None


def _claim(message_id: int, now: dt.datetime) -> bool:
    """Take a due message for this process (one conditional UPDATE); True if it is ours."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status.in_(PENDING),
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.recipient.is_not(None),
        )
        .values(
            status=MessageStatus.SENDING.value,
            attempts=OutboxMessage.attempts + 1,
            next_attempt_at=now + dt.timedelta(minutes=CLAIM_MINUTES),
        )
        .execution_options(synchronize_session=False)
    )
    return (result.rowcount or 0) == 1


def _record_failure(message: OutboxMessage, failure: DeliveryFailure, now: dt.datetime, report: DeliveryReport) -> None:
    config = current_app.config
    message.last_error = failure.code
    if isinstance(failure, PermanentFailure) or message.attempts >= config["NOTIFICATIONS_MAX_ATTEMPTS"]:
        message.status = MessageStatus.GIVEN_UP.value
        _wipe(message)
        report.given_up += 1
    else:
        message.status = MessageStatus.FAILED.value
        first = dt.timedelta(seconds=config["NOTIFICATIONS_RETRY_SECONDS"])
        message.next_attempt_at = now + backoff(message.attempts, first)
        report.failed += 1
    log.warning("Message %s not sent (attempt %s): %s", message.id, message.attempts, failure.code)


def _send_one(message: OutboxMessage, transport: Transport, now: dt.datetime, report: DeliveryReport) -> None:
    try:
        try:
            rendered = render(message)
        except Exception as error:  # a broken template: no retry will mend it
            raise PermanentFailure(f"template_error: {type(error).__name__}") from None
        assert message.recipient is not None
        reference = transport.send(
            message.channel, message.recipient, rendered, template=message.template, language=message.language
        )
    except DeliveryFailure as failure:
        _record_failure(message, failure, now, report)
    except Exception as error:  # anything else a transport raises: try again later
        _record_failure(message, TemporaryFailure(f"error: {type(error).__name__}"), now, report)
    else:
        message.status = MessageStatus.SENT.value
        message.sent_at = utcnow()
        message.provider_reference = (reference or "")[:200] or None
        message.last_error = None
        _wipe(message)
        report.sent += 1


def deliver_due(
    now: dt.datetime | None = None,
    *,
    ids: Iterable[int] | None = None,
    limit: int = 500,
    transports: Mapping[str, Transport] | None = None,
) -> DeliveryReport:
    """Send every message that is due (only `ids`, when given) and record each result.

    Commits after claiming and after recording each message (see `app/transaction.py`): a
    message is never sent twice by two processes, and a result is never lost to a later
    failure. Messages for a channel with no transport configured wait, unclaimed.
    """
    now = now or utcnow()
    transports = transports_from(current_app.config) if transports is None else transports
    query = (
        select(OutboxMessage.id, OutboxMessage.channel)
        .where(
            OutboxMessage.status.in_(PENDING),
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.recipient.is_not(None),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(list(ids)))
    report = DeliveryReport()
    for message_id, channel in db.session.execute(query).all():
        transport = transports.get(channel)
        if transport is None:
            report.waiting += 1
            continue
        claimed = _claim(message_id, now)
        db.session.commit()
        if not claimed:
            continue
        message = db.session.get(OutboxMessage, message_id, populate_existing=True)
        if message is None:
            continue
        _send_one(message, transport, now, report)
        db.session.commit()
    return report


def can_send(channel: str | Channel) -> bool:
    """Whether the configuration has a way to send `channel` (text messages need GOV.UK Notify)."""
    return Channel(channel).value in transports_from(current_app.config)


def retry(message: OutboxMessage, now: dt.datetime | None = None) -> bool:
    """Try a failed message again now, or a given-up one again from its owner; flush. False if
    it cannot be sent again (it was sent, or its owner no longer has the contact details)."""
    now = now or utcnow()
    if message.status == MessageStatus.FAILED and message.recipient:
        message.next_attempt_at = now
    elif message.status == MessageStatus.GIVEN_UP:
        resender = _RESENDERS.get(message.owner_type or "")
        rebuilt = resender(message) if resender else None
        if rebuilt is None:
            return False
        message.recipient, message.personalisation = rebuilt
        message.status = MessageStatus.QUEUED.value
        message.attempts = 0
        message.next_attempt_at = now
    else:
        return False
    db.session.flush()
    if has_app_context():
        g.setdefault("queued_messages", []).append(message.id)
    return True


def can_retry(message: OutboxMessage) -> bool:
    """Whether staff are offered "Try again" for this message."""
    if message.status == MessageStatus.FAILED:
        return bool(message.recipient)
    return message.status == MessageStatus.GIVEN_UP and (message.owner_type or "") in _RESENDERS


def messages_for(owner_type: str, owner_id: int) -> list[OutboxMessage]:
    """Every message of one owner, oldest first."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.owner_type == owner_type, OutboxMessage.owner_id == owner_id)
            .order_by(OutboxMessage.created_at, OutboxMessage.id)
        )
    )


def problem_messages():
    """A query for the messages staff need to look at: failed (still retrying) or given up, newest first."""
    return (
        select(OutboxMessage)
        .where(
            or_(
                OutboxMessage.status == MessageStatus.FAILED.value,
                OutboxMessage.status == MessageStatus.GIVEN_UP.value,
            )
        )
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    )
