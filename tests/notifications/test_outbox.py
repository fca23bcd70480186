"""The outbox: messages reach a real SMTP server and a server that answers like GOV.UK Notify;
when the mail server is down nothing is lost, attempts back off, and staff see what was given up."""

from __future__ import annotations

import datetime as dt

import pytest

from app.extensions import db
from app.notifications import (
    MessageStatus,
    OutboxMessage,
    backoff,
    can_send,
    deliver_due,
    queue_message,
)
from app.notifications.outbox import _claim

from ..helpers import audit_actions, post_form, signed_in_as
from ..local_servers import free_port

NOW = dt.datetime(2026, 6, 1, 9, 0)


def _queue(app, recipient="parent@example.com", language="en", channel="email") -> int:
    with app.app_context():
        message = queue_message(channel, recipient, "test", language=language, now=NOW)
        db.session.commit()
        return message.id


def _message(app, message_id: int) -> OutboxMessage:
    with app.app_context():
        found = db.session.get(OutboxMessage, message_id)
        db.session.expunge(found)
        return found


def _deliver(app, now: dt.datetime = NOW):
    with app.app_context():
        return deliver_due(now)


def test_an_email_reaches_the_mail_server_in_its_language_and_the_address_is_then_deleted(app, smtp_server):
    message_id = _queue(app, "rodzic@example.com", language="pl")
    report = _deliver(app)
    assert report.sent == 1
    [received] = smtp_server.messages
    assert received["To"] == "rodzic@example.com"
    assert received["From"] == "Kelderbridge Local Offer <localoffer@kelderbridge.example>"
    assert received["Content-Language"] == "pl"
    assert received["Subject"].startswith("Wiadomość testowa")
    assert "Kelderbridge" in received.get_content()
    assert smtp_server.mailbox.logins == [("portal", "relay-password")]  # the relay's user and password
    sent = _message(app, message_id)
    assert sent.status == MessageStatus.SENT and sent.attempts == 1
    assert sent.recipient is None and sent.personalisation is None  # nothing personal is kept
    assert sent.provider_reference == received["Message-ID"]
    assert _deliver(app, NOW + dt.timedelta(hours=1)).sent == 0  # never sent twice
    assert len(smtp_server.messages) == 1


def test_an_email_in_english_when_the_portal_does_not_offer_the_language(app, smtp_server):
    _queue(app, language="xx")
    _deliver(app)
    assert smtp_server.messages[0]["Subject"].startswith("Test message from")


def test_when_the_mail_server_is_down_nothing_is_lost_and_it_is_sent_once_it_is_back(app, smtp_server, monkeypatch):
    running_port = smtp_server.port
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())  # nothing listens there
    message_id = _queue(app)
    report = _deliver(app)
    assert (report.sent, report.failed) == (0, 1)
    failed = _message(app, message_id)
    assert failed.status == MessageStatus.FAILED and failed.attempts == 1
    assert failed.last_error == "smtp_unreachable: ConnectionRefusedError"
    assert failed.recipient == "parent@example.com"  # kept until it has gone
    assert failed.next_attempt_at == NOW + dt.timedelta(seconds=60)
    assert _deliver(app, NOW + dt.timedelta(seconds=30)).failed == 0  # not due yet: the server is left alone
    monkeypatch.setitem(app.config, "SMTP_PORT", running_port)  # the server is back
    assert _deliver(app, NOW + dt.timedelta(seconds=61)).sent == 1
    assert [m["To"] for m in smtp_server.messages] == ["parent@example.com"]
    assert _message(app, message_id).status == MessageStatus.SENT


def test_attempts_back_off_and_are_given_up_after_the_limit(app, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())
    monkeypatch.setitem(app.config, "NOTIFICATIONS_MAX_ATTEMPTS", 4)
    message_id = _queue(app)
    moment, waits = NOW, []
    for _attempt in range(4):
        _deliver(app, moment)
        found = _message(app, message_id)
        if found.status == MessageStatus.GIVEN_UP:
            break
        waits.append(found.next_attempt_at - moment)
        moment = found.next_attempt_at
    assert waits == [dt.timedelta(minutes=1), dt.timedelta(minutes=2), dt.timedelta(minutes=4)]
    given_up = _message(app, message_id)
    assert given_up.status == MessageStatus.GIVEN_UP and given_up.attempts == 4
    assert given_up.recipient is None and given_up.last_error.startswith("smtp_unreachable")
    assert _deliver(app, moment + dt.timedelta(days=1)).failed == 0  # never tried again by itself
    assert backoff(20, dt.timedelta(minutes=1)) == dt.timedelta(hours=6)  # the wait stops growing


def test_an_address_the_server_refuses_is_given_up_at_once(app, smtp_server):
    message_id = _queue(app, "nobody@refused.example")
    assert _deliver(app).given_up == 1
    refused = _message(app, message_id)
    assert refused.status == MessageStatus.GIVEN_UP and refused.attempts == 1
    assert refused.last_error == "smtp_recipient_refused: 550"
    assert "refused.example" not in refused.last_error and refused.recipient is None


def test_a_message_another_process_is_sending_is_left_to_it(app, smtp_server):
    message_id = _queue(app)
    with app.app_context():
        assert _claim(message_id, NOW)  # another process has taken it
        assert not _claim(message_id, NOW)  # and nobody else can
        db.session.commit()
    assert _deliver(app, NOW + dt.timedelta(minutes=5)).sent == 0
    assert smtp_server.messages == []
    # That process died mid-send: once its claim lapses the message is sent, not lost.
    assert _deliver(app, NOW + dt.timedelta(minutes=11)).sent == 1
    assert len(smtp_server.messages) == 1


def test_without_a_transport_messages_wait_in_the_outbox(app):
    message_id = _queue(app)
    with app.app_context():
        assert not can_send("email") and not can_send("sms")
    assert _deliver(app).waiting == 1
    assert _message(app, message_id).status == MessageStatus.QUEUED


def test_a_message_without_text_for_its_channel_is_refused_when_queued(app):
    with app.app_context(), pytest.raises(ValueError, match="no subject text"):
        queue_message("email", "parent@example.com", "no-such-message")


def test_email_and_text_messages_go_through_gov_uk_notify(app, notify_server):
    email_id = _queue(app, "carer@example.org", language="ur")
    sms_id = _queue(app, "07700900123", channel="sms", language="ro")
    with app.app_context():
        assert can_send("sms")
    assert _deliver(app).sent == 2
    (email_kind, email_body), (sms_kind, sms_body) = notify_server.received
    assert email_kind == "email" and email_body["email_address"] == "carer@example.org"
    assert email_body["template_id"] == "0b7c0f3c-email-template"
    assert "Kelderbridge" in email_body["personalisation"]["subject"]
    assert not email_body["personalisation"]["subject"].startswith("Test message")  # written in Urdu
    assert sms_kind == "sms" and sms_body["phone_number"] == "07700900123"
    assert sms_body["template_id"] == "5f1e2d3c-sms-template"
    assert "mesaj" in sms_body["personalisation"]["body"]  # Romanian
    for message_id in (email_id, sms_id):
        sent = _message(app, message_id)
        assert sent.status == MessageStatus.SENT and sent.recipient is None and sent.provider_reference


@pytest.mark.parametrize(("status", "outcome"), [(400, MessageStatus.GIVEN_UP), (500, MessageStatus.FAILED)])
def test_notify_refusing_or_failing(app, notify_server, status, outcome):
    notify_server.fail_with = status
    message_id = _queue(app, "07700900123", channel="sms")
    _deliver(app)
    found = _message(app, message_id)
    assert found.status == outcome
    assert found.last_error.startswith(f"notify_{status}")
    assert "07700900123" not in found.last_error


def test_a_wrong_notify_key_is_retried_not_lost(app, notify_server, monkeypatch):
    monkeypatch.setitem(app.config, "NOTIFY_API_KEY", "wrong-" + "a" * 36 + "-" + "b" * 36)
    message_id = _queue(app)
    _deliver(app)
    found = _message(app, message_id)
    assert found.status == MessageStatus.FAILED and found.last_error.startswith("notify_403")


def test_the_send_command_sends_what_is_due(app, runner, smtp_server):
    _queue(app)
    result = runner.invoke(args=["notifications", "send"])
    assert result.exit_code == 0, result.output
    assert "1 sent" in result.output
    assert len(smtp_server.messages) == 1


def test_the_test_command_checks_the_mail_settings(app, runner, smtp_server):
    result = runner.invoke(args=["notifications", "test", "--to", "officer@kelderbridge.example"])
    assert result.exit_code == 0, result.output
    assert smtp_server.messages[0]["To"] == "officer@kelderbridge.example"
    refused = runner.invoke(args=["notifications", "test", "--to", "07700900123", "--sms"])
    assert refused.exit_code != 0 and "No way to send sms" in refused.output


def test_staff_see_what_was_given_up_and_why_and_can_try_a_failed_one_again(
    app, client, get_page, smtp_server, monkeypatch
):
    given_up = _queue(app, "nobody@refused.example")
    _deliver(app)
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())  # then the server goes down
    failing = _queue(app)
    _deliver(app)
    signed_in_as(app, client, "officer")
    page = get_page("/staff/messages/")
    rows = page.select("tbody tr")
    assert len(rows) == 2
    text = page.text()
    assert "The mail server could not be reached." in text
    assert "The mail server refused the email address." in text
    assert "refused.example" not in text and "parent@example.com" not in text
    buttons = page.select("form[action$='/retry'] button")
    assert len(buttons) == 1  # the given-up one has no address left to try again with
    response = post_form(client, f"/staff/messages/{failing}/retry", token_from="/staff/messages/")
    assert response.status_code == 302
    with app.app_context():
        assert _message(app, failing).next_attempt_at <= dt.datetime.now(dt.UTC).replace(tzinfo=None)
        assert [event.target_id for event in audit_actions("message_retried")] == [str(failing)]
    refused = post_form(client, f"/staff/messages/{given_up}/retry", token_from="/staff/messages/")
    assert refused.status_code == 302
    assert "cannot be sent again" in client.get("/staff/messages/").get_data(as_text=True)
