"""The two ways a message leaves the portal: a council mail relay (SMTP) and GOV.UK Notify.

A transport sends one rendered message and returns the provider's reference, or raises
`TemporaryFailure` (try again later) or `PermanentFailure` (trying again will not help). The
failure's `code` says why in words staff can act on, and never holds personal data: an
exception's message can quote the address, so only its type and status code are kept.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr
from typing import TYPE_CHECKING, Any, Protocol

from ..models.notifications import Channel

if TYPE_CHECKING:
    from notifications_python_client.errors import APIError

#: The Notify client logs a failed request with Notify's own words; ours are enough.
logging.getLogger("notifications_python_client").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Rendered:
    """A message's text in its language: the subject (emails only) and the body."""

    subject: str
    body: str


class DeliveryFailure(Exception):
    """A message could not be sent. `code` is stored as the reason (no personal data)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code[:200]


class TemporaryFailure(DeliveryFailure):
    """Worth trying again later: a server down, busy or misconfigured."""


class PermanentFailure(DeliveryFailure):
    """Trying again will not help: the recipient or the message was refused."""


class Transport(Protocol):
    """Sends one message; returns the provider's reference."""

    def send(self, channel: str, recipient: str, rendered: Rendered, *, template: str, language: str) -> str | None:
        """Send, or raise TemporaryFailure / PermanentFailure."""
        ...


class SmtpTransport:
    """Email through an SMTP relay, one connection per message, STARTTLS and login as configured."""

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        *,
        starttls: bool = True,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 20,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.starttls, self.username, self.password, self.timeout = starttls, username, password, timeout

    def message(self, recipient: str, rendered: Rendered, language: str) -> EmailMessage:
        """The email as it is sent: plain text, UTF-8, its language in Content-Language."""
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = recipient
        email["Subject"] = rendered.subject
        domain = parseaddr(self.sender)[1].rpartition("@")[2] or None
        email["Message-ID"] = make_msgid(domain=domain)
        email.set_content(rendered.body)
        email["Content-Language"] = language  # after the content: set_content() clears Content-* headers
        return email

    def send(self, channel: str, recipient: str, rendered: Rendered, *, template: str, language: str) -> str | None:
        if channel != Channel.EMAIL:
            raise PermanentFailure("sms_needs_notify")
        email = self.message(recipient, rendered, language)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            codes = sorted({code for code, _text in error.recipients.values()})
            failure = PermanentFailure if all(code >= 500 for code in codes) else TemporaryFailure
            raise failure(f"smtp_recipient_refused: {','.join(map(str, codes))}") from None
        except smtplib.SMTPAuthenticationError as error:
            raise TemporaryFailure(f"smtp_login_refused: {error.smtp_code}") from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
            failure = PermanentFailure if error.smtp_code >= 500 else TemporaryFailure
            raise failure(f"smtp_refused: {error.smtp_code}") from None
        except (smtplib.SMTPException, OSError) as error:
            raise TemporaryFailure(f"smtp_unreachable: {type(error).__name__}") from None
        return str(email["Message-ID"])


def parse_template_ids(text: str) -> dict[str, str]:
    """ "email=ID,sms=ID,surveys/invitation.email=ID" as a mapping (blank entries ignored)."""
    found: dict[str, str] = {}
    for item in text.split(","):
        key, _sep, value = item.partition("=")
        if key.strip() and value.strip():
            found[key.strip()] = value.strip()
    return found


class NotifyTransport:
    """GOV.UK Notify, through its official client. Each template's subject is ((subject)) and its
    body ((body)); the text itself is written by the portal in the message's language."""

    def __init__(self, api_key: str, base_url: str, template_ids: Mapping[str, str], timeout: float = 20) -> None:
        # Imported here: the client and what it needs (requests, JWT) take a tenth of a second
        # to import, in every process, though only processes that send use them.
        from notifications_python_client.notifications import NotificationsAPIClient

        self.client = NotificationsAPIClient(api_key, base_url=base_url, timeout=timeout)
        self.template_ids = dict(template_ids)

    def template_id(self, template: str, channel: str) -> str:
        found = self.template_ids.get(f"{template}.{channel}") or self.template_ids.get(channel)
        if not found:
            raise PermanentFailure(f"notify_no_template: {channel}")
        return found

    def send(self, channel: str, recipient: str, rendered: Rendered, *, template: str, language: str) -> str | None:
        from notifications_python_client.errors import APIError

        template_id = self.template_id(template, channel)
        personalisation = {"subject": rendered.subject, "body": rendered.body}
        try:
            if channel == Channel.SMS:
                answer: Any = self.client.send_sms_notification(
                    phone_number=recipient, template_id=template_id, personalisation=personalisation
                )
            else:
                answer = self.client.send_email_notification(
                    email_address=recipient, template_id=template_id, personalisation=personalisation
                )
        except APIError as error:
            status = error.status_code
            kind = _notify_error_kind(error)
            failure = PermanentFailure if status == 400 else TemporaryFailure
            raise failure(f"notify_{status}: {kind}") from None
        return str(answer.get("id")) if isinstance(answer, dict) else None


def _notify_error_kind(error: APIError) -> str:
    """Notify's error class (e.g. "BadRequestError"), never its message, which may quote a value."""
    try:
        errors = error.response.json().get("errors") or []  # type: ignore[union-attr]
        return str(errors[0].get("error", ""))[:40] or type(error).__name__
    except (AttributeError, ValueError, IndexError, TypeError):
        return type(error).__name__


def transports_from(config: Mapping[str, Any]) -> dict[str, Transport]:
    """The transport for each channel the configuration can send (email, sms), from the settings."""
    notify: NotifyTransport | None = None
    if config.get("NOTIFY_API_KEY"):
        notify = NotifyTransport(
            config["NOTIFY_API_KEY"],
            config["NOTIFY_BASE_URL"],
            parse_template_ids(config.get("NOTIFY_TEMPLATE_IDS", "")),
            timeout=config.get("SMTP_TIMEOUT", 20),
        )
    smtp: SmtpTransport | None = None
    if config.get("SMTP_HOST") and config.get("MAIL_FROM"):
        smtp = SmtpTransport(
            config["SMTP_HOST"],
            config["SMTP_PORT"],
            config["MAIL_FROM"],
            starttls=config.get("SMTP_STARTTLS", True),
            username=config.get("SMTP_USERNAME"),
            password=config.get("SMTP_PASSWORD"),
            timeout=config.get("SMTP_TIMEOUT", 20),
        )
    choice = config.get("NOTIFICATIONS_EMAIL_TRANSPORT") or ("notify" if notify else "smtp")
    found: dict[str, Transport] = {}
    email = notify if choice == "notify" else smtp if choice == "smtp" else None
    if email is not None:
        found[Channel.EMAIL.value] = email
    if notify is not None:
        found[Channel.SMS.value] = notify
    return found
