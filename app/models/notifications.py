"""The outbox: every email and text message the portal sends, until it has gone (or been given up).

A message keeps its recipient and personalisation only while it may still be sent: both are
deleted once it is sent or given up. What staff need stays: its status, attempts, why it
failed (never with personal data) and what it belongs to (`owner_type`, `owner_id`).
"""

from __future__ import annotations

import datetime as dt
import enum

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db


class Channel(enum.StrEnum):
    """How a message goes."""

    EMAIL = "email"
    SMS = "sms"


class MessageStatus(enum.StrEnum):
    """Where a message has got to. `sending` is held only while one process sends it."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    GIVEN_UP = "given-up"


#: Statuses whose message may still be sent.
PENDING = (MessageStatus.QUEUED.value, MessageStatus.SENDING.value, MessageStatus.FAILED.value)

MESSAGE_STATUS_LABELS = {
    MessageStatus.QUEUED: _l("Waiting to be sent"),
    MessageStatus.SENDING: _l("Being sent"),
    MessageStatus.SENT: _l("Sent"),
    MessageStatus.FAILED: _l("Failed, will try again"),
    MessageStatus.GIVEN_UP: _l("Given up"),
}
MESSAGE_STATUS_TAGS = {
    MessageStatus.QUEUED: "govuk-tag--grey",
    MessageStatus.SENDING: "govuk-tag--blue",
    MessageStatus.SENT: "govuk-tag--green",
    MessageStatus.FAILED: "govuk-tag--yellow",
    MessageStatus.GIVEN_UP: "govuk-tag--red",
}
CHANNEL_LABELS = {Channel.EMAIL: _l("Email"), Channel.SMS: _l("Text message")}


class OutboxMessage(db.Model):
    """One email or text message, from queued to sent or given up."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_message_due", "status", "next_attempt_at"),
        Index("ix_outbox_message_owner", "owner_type", "owner_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))
    #: The email address or phone number: deleted once sent or given up.
    recipient: Mapped[str | None] = mapped_column(String(254))
    #: Which message it is: its text is in templates/notifications/<template>.*.txt.
    template: Mapped[str] = mapped_column(String(60))
    language: Mapped[str] = mapped_column(String(8), default="en")
    #: Values the text is written with (a link, a date): deleted once sent or given up.
    personalisation: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), default=MessageStatus.QUEUED.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    #: Why the last attempt failed: an error code and the error's type, never its message.
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    #: The mail server's Message-ID or GOV.UK Notify's notification id.
    provider_reference: Mapped[str | None] = mapped_column(String(200))
    #: What the message belongs to (e.g. "survey_invitation" and its id), for staff and resending.
    owner_type: Mapped[str | None] = mapped_column(String(40))
    owner_id: Mapped[int | None] = mapped_column(Integer)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.channel} {self.template} {self.status}>"
