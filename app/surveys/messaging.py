"""Survey invitations sent by the portal: by email, text message or printed letter, with reminders.

Officers choose per invitation (a `send_by` column in the upload, or the default chosen on the
upload page). Emails and texts go through the notifications outbox (`app/notifications`); the
invitation is marked sent once its message has actually gone. Letters are printed by officers.

Reminders (`remind_due`): at most two, `SURVEY_REMINDER_DAYS` after the invitation went out,
only to invitations sent by email or text that are neither completed nor expired and whose
family has not asked for none. Each is claimed with one conditional UPDATE of
`reminders_sent`, so however often `flask surveys remind` runs, and however many run at once,
a reminder is queued once.

A reminder carries the same link as the invitation: the link of an emailed or texted invitation
is derived from a random seed and the server's key (`tokens.derived_token`), so the database
holds the seed and the link's digest, never the link. The seed is deleted once the invitation
is completed, expires or its reminders are stopped. Nothing here touches survey responses:
messaging status lives on the invitation and in the outbox only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select, update

from ..clock import reporting_day, utcnow
from ..extensions import db
from ..models.surveys import InvitationStatus, SurveyInvitation
from ..notifications import (
    Channel,
    OutboxMessage,
    can_send,
    cancel_pending,
    queue_message,
    register_resender,
    register_sent_listener,
)
from ..services import survey_definitions
from ..tokens import derived_token, digest
from .invitations import (
    IssuedInvitation,
    RowProblem,
    find_by_digest,
    finished_before,
    format_code,
    mark_sent,
    normalise_plan_reference,
)

#: How an invitation can go.
EMAIL, SMS, LETTER = "email", "sms", "letter"
SEND_BY = (EMAIL, SMS, LETTER)
#: What people may write in the upload's send_by column.
_SEND_BY_WORDS = {
    "email": EMAIL,
    "e-mail": EMAIL,
    "sms": SMS,
    "text": SMS,
    "text message": SMS,
    "letter": LETTER,
    "post": LETTER,
    "printed letter": LETTER,
}
#: The outbox's owner type for invitation messages.
OWNER = "survey_invitation"
INVITATION_MESSAGE = "surveys/invitation"
REMINDER_MESSAGE = "surveys/reminder"
MAX_REMINDERS = 2
_LINK, _STOP = "survey-link", "survey-stop-reminders"
#: A UK mobile number, once spaces, dashes and brackets are taken out.
_UK_MOBILE = re.compile(r"^(?:\+44|0044|44|0)(7\d{9})$")


@dataclass(frozen=True)
class Contact:
    """How one row's invitation goes, and the mobile number for a text message."""

    send_by: str
    phone: str | None = None


def normalise_mobile(text: str) -> str | None:
    """A UK mobile number as 07xxxxxxxxx, or None if `text` is not one."""
    match = _UK_MOBILE.match(re.sub(r"[\s\-().]", "", text or ""))
    return f"0{match.group(1)}" if match else None


def reminder_days() -> tuple[int, ...]:
    """Days after an invitation went out on which reminders are due (at most two), from
    `SURVEY_REMINDER_DAYS` ("7,14"; empty for no reminders)."""
    text = str(current_app.config.get("SURVEY_REMINDER_DAYS", ""))
    days = sorted({int(part) for part in text.replace(" ", "").split(",") if part})
    if any(day < 1 for day in days) or len(days) > MAX_REMINDERS:
        raise ValueError("SURVEY_REMINDER_DAYS must be at most two whole numbers of days, like 7,14")
    return tuple(days)


def read_contacts(
    text: str, rows: Iterable, default: str, sms_ready: bool
) -> tuple[dict[str, Contact], list[RowProblem]]:
    """How each good row's invitation goes (by plan reference), and rows that cannot be sent.

    The optional `send_by` column says email, text or letter; blank takes `default`, falling back
    (text, then email, then letter) when the row has no mobile number or email address. An
    explicit choice the row cannot be sent by is a problem on that row.
    """
    by_line = {row.line: row for row in rows}
    reader = csv.reader(io.StringIO(text))
    names = [h.strip().lower().replace(" ", "_") for h in next(reader, [])]
    contacts: dict[str, Contact] = {}
    problems: list[RowProblem] = []
    for record in reader:
        row = by_line.get(reader.line_num)
        if row is None:
            continue
        values = {name: (record[i].strip() if i < len(record) else "") for i, name in enumerate(names)}
        contact, problem = _contact(reader.line_num, values, row.email, default, sms_ready)
        if problem:
            problems.append(problem)
        else:
            contacts[normalise_plan_reference(row.plan_reference)] = contact
    return contacts, problems


def usable(rows: list, contacts: dict[str, Contact]) -> list:
    """The rows whose invitation can be sent as asked."""
    return [row for row in rows if normalise_plan_reference(row.plan_reference) in contacts]


def by_letter(issued: Iterable[IssuedInvitation]) -> list[IssuedInvitation]:
    """The invitations officers print and post (not emailed or texted)."""
    return [item for item in issued if item.invitation.send_by in (None, LETTER)]


def letter_ids(issued: Iterable[IssuedInvitation]) -> str:
    """The ids of the invitations to print, as the "I have sent these" form carries them ("3,4")."""
    return ",".join(str(item.invitation.id) for item in by_letter(issued))


def _contact(
    line: int, values: dict[str, str], email: str | None, default: str, sms_ready: bool
) -> tuple[Contact, RowProblem | None]:
    raw_phone = values.get("phone", "")
    phone = normalise_mobile(raw_phone) if raw_phone else None
    if raw_phone and phone is None:
        return Contact(LETTER), RowProblem(line, _("The phone number must be a UK mobile number, like 07700 900123."))
    raw = values.get("send_by", "").strip().lower()
    chosen = _SEND_BY_WORDS.get(raw)
    if raw and chosen is None:
        return Contact(LETTER), RowProblem(
            line, _("How to send must be email, text or letter (or left blank for the choice on the upload page).")
        )
    if chosen == SMS and not sms_ready:
        return Contact(LETTER), RowProblem(
            line, _("Text messages cannot be sent because GOV.UK Notify is not set up. Choose email or letter.")
        )
    if chosen == SMS and not phone:
        return Contact(LETTER), RowProblem(line, _("There is no mobile number to send the text message to."))
    if chosen == EMAIL and not email:
        return Contact(LETTER), RowProblem(line, _("There is no email address to send the invitation to."))
    if chosen:
        return Contact(chosen, phone if chosen == SMS else None), None
    for option in {SMS: (SMS, EMAIL), EMAIL: (EMAIL,), LETTER: ()}.get(default, ()):
        if option == SMS and sms_ready and phone:
            return Contact(SMS, phone), None
        if option == EMAIL and email:
            return Contact(EMAIL), None
    return Contact(LETTER), None  # a mobile number is kept only to send a text message


def _link(token: str) -> str:
    return url_for("surveys.invitation_link", token=token, _external=True)


def _stop_link(token: str) -> str:
    return url_for("survey_reminders.stop", token=token, _external=True)


def _personalisation(invitation: SurveyInvitation, code: str | None = None) -> dict[str, object]:
    """What an invitation's message is written with: the link (rebuilt from the seed), the code
    (first message only), the stop link, the expiry and the survey, in the family's language."""
    assert invitation.link_seed is not None
    survey = survey_definitions().get(invitation.survey_id)
    language = invitation.language
    return {
        "link": _link(derived_token(_LINK, invitation.link_seed)),
        "code": format_code(code) if code else None,
        "code_url": url_for("surveys.enter_code", _external=True),
        "stop_link": _stop_link(derived_token(_STOP, invitation.link_seed)),
        "expires": reporting_day(invitation.expires_at).isoformat(),
        "survey_title": survey.text(survey.title, language) if survey else "",
        "minutes": survey.minutes if survey else 10,
    }


def _recipient(invitation: SurveyInvitation, channel: str) -> str | None:
    return invitation.phone if channel == SMS else invitation.email


def send_invitations(
    issued: Iterable[IssuedInvitation], contacts: dict[str, Contact], now: dt.datetime | None = None
) -> dict[str, int]:
    """Record how each new invitation goes and queue the emails and texts; flush. Returns how many
    go each way. An emailed or texted invitation's link is made rebuildable for its reminders
    (the `IssuedInvitation` gets the new link, so the mail-merge file and letters agree)."""
    counts = dict.fromkeys(SEND_BY, 0)
    for item in issued:
        invitation = item.invitation
        contact = contacts.get(normalise_plan_reference(invitation.plan_reference), Contact(LETTER))
        invitation.send_by = contact.send_by
        invitation.phone = contact.phone
        counts[contact.send_by] += 1
        if contact.send_by == LETTER:
            continue
        keep_link(item)
        recipient = _recipient(invitation, contact.send_by)
        assert recipient
        queue_message(
            contact.send_by,
            recipient,
            INVITATION_MESSAGE,
            language=invitation.language,
            personalisation=_personalisation(invitation, item.code),
            owner=(OWNER, invitation.id),
            now=now,
        )
    db.session.flush()
    return counts


def keep_link(item: IssuedInvitation) -> None:
    """Give the invitation a link its reminders can carry again: derived from a new random seed
    and the server's key (after an upload, or a reissue of an emailed or texted invitation). Flushes."""
    seed = secrets.token_hex(16)
    invitation = item.invitation
    invitation.link_seed = seed
    item.token = derived_token(_LINK, seed)
    invitation.token_hash = digest(item.token)
    invitation.stop_hash = digest(derived_token(_STOP, seed))
    db.session.flush()


def _remindable(now: dt.datetime):
    """The conditions an invitation must meet to be reminded at all."""
    return and_(
        SurveyInvitation.send_by.in_([EMAIL, SMS]),
        SurveyInvitation.status.in_([InvitationStatus.SENT.value, InvitationStatus.OPENED.value]),
        SurveyInvitation.expires_at > now,
        SurveyInvitation.no_reminders.is_(False),
        SurveyInvitation.link_seed.is_not(None),
        SurveyInvitation.sent_at.is_not(None),
    )


def remind_due(now: dt.datetime | None = None) -> int:
    """Queue every reminder that is due and flush; returns how many. The caller commits.

    A reminder is claimed by moving `reminders_sent` from n to n + 1 in one conditional UPDATE:
    a second run (or one running at the same moment) finds nothing left to claim.
    """
    now = now or utcnow()
    days = reminder_days()
    if not days:
        return 0
    candidates = db.session.execute(
        select(SurveyInvitation.id, SurveyInvitation.reminders_sent, SurveyInvitation.sent_at).where(
            _remindable(now), SurveyInvitation.reminders_sent < len(days)
        )
    ).all()
    queued = 0
    for invitation_id, done, sent_at in candidates:
        if sent_at + dt.timedelta(days=days[done]) > now:
            continue
        claimed = db.session.execute(
            update(SurveyInvitation)
            .where(SurveyInvitation.id == invitation_id, SurveyInvitation.reminders_sent == done, _remindable(now))
            .values(reminders_sent=done + 1, last_reminded_at=now)
            .execution_options(synchronize_session=False)
        )
        if (claimed.rowcount or 0) != 1:
            continue
        invitation = db.session.get(SurveyInvitation, invitation_id, populate_existing=True)
        assert invitation is not None and invitation.send_by is not None
        recipient = _recipient(invitation, invitation.send_by)
        if not recipient:
            continue
        queue_message(
            invitation.send_by,
            recipient,
            REMINDER_MESSAGE,
            language=invitation.language,
            personalisation={**_personalisation(invitation), "reminder": done + 1},
            owner=(OWNER, invitation.id),
            now=now,
        )
        queued += 1
    db.session.flush()
    return queued


def find_by_stop_token(token: str) -> SurveyInvitation | None:
    """The invitation whose "please don't remind me" link this is (unused), or None."""
    return find_by_digest(SurveyInvitation.stop_hash, token)


def stop_reminders(invitation: SurveyInvitation) -> None:
    """No more reminders for this invitation; the stop link and the link's seed are deleted. Flushes."""
    invitation.no_reminders = True
    invitation.stop_hash = None
    invitation.link_seed = None
    cancel_pending(OWNER, [invitation.id])
    db.session.flush()


def forget_contact(days: int, now: dt.datetime | None = None) -> int:
    """Delete what messaging keeps once it is no longer needed; the caller commits.

    Mobile numbers go with the email addresses (`days` after completion or expiry); the link's
    seed, the stop link and any message still waiting to go as soon as the invitation is
    completed or expired. Returns how many invitations changed.
    """
    now = now or utcnow()
    cutoff = now - dt.timedelta(days=days)
    over = or_(
        SurveyInvitation.status == InvitationStatus.COMPLETED.value,
        SurveyInvitation.expires_at <= now,
    )
    cancel_pending(OWNER, select(SurveyInvitation.id).where(over))
    seeds = db.session.execute(
        update(SurveyInvitation)
        .where(or_(SurveyInvitation.link_seed.is_not(None), SurveyInvitation.stop_hash.is_not(None)), over)
        .values(link_seed=None, stop_hash=None)
        .execution_options(synchronize_session=False)
    )
    phones = db.session.execute(
        update(SurveyInvitation)
        .where(SurveyInvitation.phone.is_not(None), finished_before(cutoff))
        .values(phone=None)
        .execution_options(synchronize_session=False)
    )
    return (seeds.rowcount or 0) + (phones.rowcount or 0)


def _mark_sent_on_delivery(message: OutboxMessage, now: dt.datetime) -> None:
    """An invitation counts as sent once its first message has actually gone."""
    if message.template == INVITATION_MESSAGE and message.owner_id is not None:
        mark_sent([message.owner_id], now)


def _resend(message: OutboxMessage) -> tuple[str, dict[str, object]] | None:
    """A given-up invitation message, rebuilt from the invitation while it can still be answered
    (without the code, which is not kept)."""
    invitation = db.session.get(SurveyInvitation, message.owner_id) if message.owner_id else None
    if (
        invitation is None
        or invitation.link_seed is None
        or invitation.effective_status()
        in (
            InvitationStatus.COMPLETED,
            InvitationStatus.EXPIRED,
        )
    ):
        return None
    recipient = _recipient(invitation, message.channel)
    return (recipient, _personalisation(invitation)) if recipient else None


def sms_available() -> bool:
    """Whether officers may choose text messages (GOV.UK Notify is set up)."""
    return can_send(Channel.SMS)


register_sent_listener(OWNER, _mark_sent_on_delivery)
register_resender(OWNER, _resend)
