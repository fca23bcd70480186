"""The "please don't remind me" link in survey invitations and reminders: no sign-in, single use.

Opening the link shows a button (so a mail scanner fetching the link stops nothing); pressing it
stops the reminders and uses the link up.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from ..extensions import db, limiter
from ..surveys import messaging
from .forms.kit import ConfirmForm

bp = Blueprint("survey_reminders", __name__)


def _rate_limit() -> str:
    return current_app.config["SURVEY_RATE_LIMIT"]


@bp.route("/no-reminders/<token>", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"])
def stop(token: str):
    """Stop the reminders about one survey invitation."""
    invitation = messaging.find_by_stop_token(token)
    if invitation is None:
        return render_template("surveys/no_reminders.html", state="unknown", form=None), 404
    form = ConfirmForm()
    if form.validate_on_submit():
        messaging.stop_reminders(invitation)
        db.session.commit()
        return render_template("surveys/no_reminders.html", state="stopped", form=None)
    return render_template("surveys/no_reminders.html", state="ask", form=form)
