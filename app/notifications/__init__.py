"""Email and text messages, sent through an outbox: nothing is lost when the mail server is down.

API (stable; other areas build on it):

- `queue_message(channel, recipient, template, *, language="en", personalisation=None,
  owner=None, now=None) -> OutboxMessage`: add a message and flush. `channel` is "email" or
  "sms"; `template` names its text, Jinja templates in `app/templates/notifications/`:
  `<template>.subject.txt` and `<template>.email.txt` for email, `<template>.sms.txt` for a
  text message, rendered with `personalisation` in the message's `language` (translated with
  flask-babel; English when the portal does not offer it). `owner` is an optional
  `(type, id)` such as `("survey_invitation", 12)`. The caller commits; the message then goes
  out on the next `deliver_due()`, and straight after the web request that queued it.
- `deliver_due(now=None, *, ids=None, limit=500, transports=None) -> DeliveryReport`: send what
  is due and record each result (this commits, message by message). A failure is retried with
  exponential back-off (`NOTIFICATIONS_RETRY_SECONDS`, doubling, at most 6 hours) and given
  up after `NOTIFICATIONS_MAX_ATTEMPTS`, or at once when retrying cannot help (an address
  refused). Run by `flask notifications send` every minute.
- `can_send(channel) -> bool`: whether a transport is configured for the channel (text
  messages need GOV.UK Notify).
- `retry(message, now=None) -> bool`, `can_retry(message)`: try a failed message now, or send
  a given-up one again, rebuilt by its owner's resender (`register_resender(owner_type, fn)`,
  `fn(message) -> (recipient, personalisation) | None`).
- `messages_for(owner_type, owner_id)`, `problem_messages()` (a query), `explain_error(code)`.

Transports (`transports.py`), chosen by configuration: SMTP (`SMTP_HOST`, `SMTP_PORT`,
`SMTP_STARTTLS`, `SMTP_USERNAME`, `SMTP_PASSWORD`, `MAIL_FROM`) and GOV.UK Notify
(`NOTIFY_API_KEY`, `NOTIFY_BASE_URL`, `NOTIFY_TEMPLATE_IDS`); `NOTIFICATIONS_EMAIL_TRANSPORT`
picks one for email when both are set.

Privacy: a message's recipient and personalisation are deleted once it is sent or given up;
the reason it failed is an error code and an exception's type, never its message (which can
quote an address); logs name a message by its id only.
"""

from __future__ import annotations

from ..models.notifications import (
    CHANNEL_LABELS,
    MESSAGE_STATUS_LABELS,
    MESSAGE_STATUS_TAGS,
    Channel,
    MessageStatus,
    OutboxMessage,
)
from .outbox import (
    DeliveryReport,
    backoff,
    can_retry,
    can_send,
    deliver_due,
    explain_error,
    messages_for,
    problem_messages,
    queue_message,
    queued_in_this_context,
    register_resender,
    render,
    retry,
)
from .transports import (
    NotifyTransport,
    PermanentFailure,
    Rendered,
    SmtpTransport,
    TemporaryFailure,
    Transport,
    transports_from,
)

__all__ = [
    "CHANNEL_LABELS",
    "MESSAGE_STATUS_LABELS",
    "MESSAGE_STATUS_TAGS",
    "Channel",
    "DeliveryReport",
    "MessageStatus",
    "NotifyTransport",
    "OutboxMessage",
    "PermanentFailure",
    "Rendered",
    "SmtpTransport",
    "TemporaryFailure",
    "Transport",
    "backoff",
    "can_retry",
    "can_send",
    "deliver_due",
    "explain_error",
    "messages_for",
    "problem_messages",
    "queue_message",
    "queued_in_this_context",
    "register_resender",
    "render",
    "retry",
    "transports_from",
]
