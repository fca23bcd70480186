"""Officers' view of the outbox: messages that failed or were given up, why, and "Try again".

Also sends, straight after a request has been answered, the messages that request queued
(`register_send_soon`), so families get them within seconds; `flask notifications send`
catches anything this misses.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..logs import log_error
from ..models.staff import Role, record_event
from ..notifications import (
    MessageStatus,
    OutboxMessage,
    can_retry,
    can_send,
    deliver_due,
    explain_error,
    problem_messages,
    queued_in_this_context,
    retry,
)
from .auth import current_staff, role_required
from .forms.kit import ConfirmForm
from .pagination import govuk_pagination, paginate
from .staff import add_tool

bp = Blueprint("messages_staff", __name__, url_prefix="/staff/messages")
log = logging.getLogger(__name__)

add_tool(
    "messages_staff.problems",
    _l("Messages that were not sent"),
    _l("Emails and text messages that failed or were given up, and why."),
    Role.OFFICER,
)

#: What each kind of message is called on staff pages (other areas add theirs).
TEMPLATE_LABELS: dict[str, object] = {"test": _l("Test message")}
#: Where staff see what a message belongs to: owner type -> (endpoint, its id argument).
OWNER_PAGES: dict[str, tuple[str, str]] = {}


def template_label(template: str) -> str:
    return str(TEMPLATE_LABELS.get(template, template))


def owner_link(message: OutboxMessage) -> str | None:
    found = OWNER_PAGES.get(message.owner_type or "")
    if not found or message.owner_id is None:
        return None
    endpoint, argument = found
    return url_for(endpoint, **{argument: message.owner_id})


@bp.route("/")
@role_required(Role.OFFICER)
def problems():
    """Failed and given-up messages, newest first, with why and a way to try again."""
    page = paginate(problem_messages(), per_page=50)
    counts = dict(db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    return render_template(
        "staff/messages.html",
        messages=page.items,
        pagination=govuk_pagination(page, "messages_staff.problems"),
        counts=counts,
        email_ready=can_send("email"),
        sms_ready=can_send("sms"),
        explain_error=explain_error,
        template_label=template_label,
        owner_link=owner_link,
        can_retry=can_retry,
        form=ConfirmForm(),
    )


@bp.route("/<int:message_id>/retry", methods=["POST"])
@role_required(Role.OFFICER)
def retry_message(message_id: int):
    """Try a failed message again now, or send a given-up one again from its owner's details."""
    message = db.session.get(OutboxMessage, message_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if retry(message):
        record_event("message_retried", user=current_staff(), target_type="outbox_message", target_id=message.id)
        db.session.commit()
        flash(_("The message will be sent again in the next minute."), "success")
    elif message.status == MessageStatus.SENT:
        flash(_("This message has already been sent."), "important")
    else:
        flash(_("This message cannot be sent again: the contact details have been deleted."), "important")
    return redirect(url_for(".problems"))


def register_send_soon(app: Flask) -> None:
    """After a response has gone, send the messages its request queued (best effort)."""

    @app.after_request
    def _send_soon(response: Response) -> Response:
        queued = queued_in_this_context()
        if queued:
            application = current_app._get_current_object()  # type: ignore[attr-defined]
            response.call_on_close(lambda: _deliver(application, queued))
        return response


def _deliver(app: Flask, ids: list[int]) -> None:
    with app.app_context():
        try:
            deliver_due(ids=ids)
        except Exception as error:  # the minute job sends them instead
            db.session.rollback()
            log_error(log, "Sending straight after the request failed", error)
        finally:
            db.session.remove()
