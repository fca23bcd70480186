"""The "please don't remind me" link in survey invitations and reminders: no sign-in, single use.

The link (`/no-reminders/<token>`) is swapped for the session at once and redirects to
`/no-reminders`, whose address holds no token. That page shows a button (so a mail scanner
fetching the link stops nothing); pressing it stops the reminders and uses the link up.
"""

from __future__ import annotations

import hmac

from flask import Blueprint, current_app, redirect, render_template, session, url_for

from ..extensions import db, limiter
from ..models.surveys import SurveyInvitation
from ..surveys import messaging
from ..tokens import digest
from .forms.kit import ConfirmForm

bp = Blueprint("survey_reminders", __name__)

#: The session key holding the invitation whose "please don't remind me" link this browser opened.
STOP_SESSION = "no_reminders"


def _rate_limit() -> str:
    return current_app.config["SURVEY_RATE_LIMIT"]


def _link_check(invitation: SurveyInvitation) -> str:
    """What the session holds besides the invitation's id: a keyed digest of the link's stored
    digest (never the token), which stops matching once the link is used."""
    return digest(f"no-reminders-session:{invitation.stop_hash}")


@bp.route("/no-reminders/<token>")
def stop(token: str):
    """The link itself: swapped for the session, then on to the page without the token."""
    invitation = messaging.find_by_stop_token(token)
    if invitation is None:
        session.pop(STOP_SESSION, None)
    else:
        session[STOP_SESSION] = {"inv": invitation.id, "check": _link_check(invitation)}
    return redirect(url_for(".no_reminders"))


def _held_invitation() -> SurveyInvitation | None:
    """The invitation whose link this browser opened, while that link is unused."""
    held = session.get(STOP_SESSION)
    if not isinstance(held, dict) or not isinstance(held.get("inv"), int) or not isinstance(held.get("check"), str):
        return None
    invitation = db.session.get(SurveyInvitation, held["inv"])
    if invitation is None or invitation.stop_hash is None:
        return None
    return invitation if hmac.compare_digest(_link_check(invitation), held["check"]) else None


@bp.route("/no-reminders", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"])
def no_reminders():
    """Stop the reminders about one survey invitation."""
    held = session.get(STOP_SESSION)
    if isinstance(held, dict) and held.get("stopped"):
        return render_template("surveys/no_reminders.html", state="stopped", form=None)
    invitation = _held_invitation()
    if invitation is None:
        return render_template("surveys/no_reminders.html", state="unknown", form=None), 404
    form = ConfirmForm()
    if form.validate_on_submit():
        messaging.stop_reminders(invitation)
        db.session.commit()
        session[STOP_SESSION] = {"stopped": True}
        return redirect(url_for(".no_reminders"))
    return render_template("surveys/no_reminders.html", state="ask", form=form)
