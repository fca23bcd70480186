"""`flask notifications ...`: send what is due (every minute, from cron or a systemd timer) and a test message."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..extensions import db
from ..models.notifications import Channel
from .outbox import can_send, deliver_due, queue_message

notifications_group = AppGroup("notifications", help="Email and text messages (the outbox).")


@notifications_group.command("send")
@click.option("--limit", type=click.IntRange(1, 10000), default=500, show_default=True, help="At most this many.")
def send_command(limit: int) -> None:
    """Send every message that is due; run it every minute."""
    report = deliver_due(limit=limit)
    click.echo(str(report))


@notifications_group.command("test")
@click.option("--to", "recipient", required=True, help="An email address or (with --sms) a mobile number.")
@click.option("--sms", is_flag=True, help="Send a text message (needs GOV.UK Notify).")
@click.option("--language", default="en", show_default=True, help="The message's language.")
def test_command(recipient: str, sms: bool, language: str) -> None:
    """Queue a short test message and send it now, to check the mail settings."""
    channel = Channel.SMS if sms else Channel.EMAIL
    if not can_send(channel):
        raise click.ClickException(f"No way to send {channel.value} is configured (see README, 'Messages').")
    message = queue_message(channel, recipient, "test", language=language)
    db.session.commit()
    report = deliver_due(ids=[message.id])
    click.echo(str(report))
    if not report.sent:
        raise SystemExit(1)
