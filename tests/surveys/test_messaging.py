"""Invitations sent by the portal: email, text message or letter, reminders (due, not due,
completed, expired, opted out, sent once however often the job runs) and the stop link."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from sqlalchemy import func, select

from app.access_log import redact
from app.clock import utcnow
from app.extensions import db
from app.models.surveys import InvitationStatus, SurveyInvitation
from app.notifications import MessageStatus, OutboxMessage, deliver_due, queue_message
from app.surveys import invitations, messaging

from ..factories import create_user
from ..helpers import act_as, audit_actions, csrf_from, invitation_row, open_link
from ..pages import check_page_structure
from .test_concurrency import run_together

NOW = dt.datetime(2026, 6, 1, 9, 0)
DAY = dt.timedelta(days=1)
LINK = re.compile(r"http://localhost/s/([\w-]+)")
STOP = re.compile(r"http://localhost/no-reminders/([\w-]+)")


@pytest.fixture(autouse=True)
def _context(app):
    with app.app_context():
        yield


@pytest.fixture()
def officer_client(app, client):
    act_as(client, create_user("officer"))
    return client


def upload(client, text: str, send_by: str | None = "email"):
    token = csrf_from(client.get("/staff/surveys/upload").get_data(as_text=True))
    data = {"csrf_token": token, "survey": "ehcp-finalisation", "file": (io.BytesIO(text.encode()), "plans.csv")}
    if send_by:
        data["send_by"] = send_by
    response = client.post("/staff/surveys/upload", data=data, content_type="multipart/form-data")
    response.close()  # as the web server does once the page has gone: the emails are sent then
    if response.status_code == 303:  # the result is reached by a redirect
        response = client.get(response.headers["Location"])
    return response


def emailed(app, reference: str, email: str = "parent@example.com", language: str = "en", sent: dt.datetime = NOW):
    """An invitation emailed (through the outbox) and delivered at `sent`: returns its id."""
    with app.test_request_context():
        row = invitations.InvitationRow(2, reference, dt.date(2026, 5, 20), language, email)
        result = invitations.create_invitations("ehcp-finalisation", [row], now=sent - DAY)
        messaging.send_invitations(result.created, {reference: messaging.Contact(messaging.EMAIL)}, now=sent - DAY)
        db.session.commit()
        deliver_due(sent)
        return result.created[0].invitation.id


def reminders_of(invitation_id: int) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.owner_id == invitation_id, OutboxMessage.template == messaging.REMINDER_MESSAGE
            )
        )
    )


def remind(app, now: dt.datetime) -> int:
    with app.test_request_context():
        queued = messaging.remind_due(now)
        db.session.commit()
        deliver_due(now)
        return queued


def test_an_emailed_invitation_arrives_straight_after_the_upload_with_a_link_that_opens_the_survey(
    app, officer_client, smtp_server
):
    response = upload(
        officer_client,
        "plan_reference,finalised_date,language,email\n"
        "KB-2026-01001,2026-03-02,pl,rodzic@example.com\n"
        "KB-2026-01002,2026-03-02,en,\n",
    )
    page = check_page_structure(response)
    summary = page.text()
    assert "Being sent by email 1" in summary and "Letters to print and post 1" in summary
    assert len(page.select(".council-letter")) == 1  # only the family without an email gets a letter
    [email] = smtp_server.messages  # sent as soon as the upload was answered, no job needed
    assert email["To"] == "rodzic@example.com" and email["Content-Language"] == "pl"
    body = email.get_content()
    assert body.startswith("Drogi Rodzicu lub Opiekunie,")  # written in the family's language
    token = LINK.search(body).group(1)
    assert STOP.search(body)
    mail_merge = page.soup.select_one("a[download]")["href"]
    assert token in mail_merge  # the file and the email carry the same link
    invitation = invitations.find_by_token(token)
    assert invitation.plan_reference == "KB-2026-01001"
    assert invitation.status == InvitationStatus.SENT and invitation.sent_at is not None  # sent once it has gone
    assert invitation.send_by == "email" and invitation.link_seed
    assert token not in {invitation.token_hash, invitation.link_seed}  # the link itself is never stored
    letter = invitation_row(invitation.id + 1)
    assert letter.send_by == "letter" and letter.status == InvitationStatus.CREATED and letter.link_seed is None
    opened = officer_client.get(f"/s/{token}")
    assert opened.status_code == 302 and opened.headers["Location"].startswith("/survey/ehcp-finalisation")


def test_letters_carry_a_qr_code_of_the_link_beside_a_large_code(app, officer_client):
    page = check_page_structure(
        upload(officer_client, "plan_reference,finalised_date\nKB-2026-01011,2026-03-02\n", send_by="letter")
    )
    letter = page.soup.select_one(".council-letter")
    code = letter.select_one(".council-code--large").get_text(strip=True)
    assert re.fullmatch(r"[ACDEFGHJKMNPQRTUVWXY34679]{5}-[ACDEFGHJKMNPQRTUVWXY34679]{5}", code)
    svg = letter.select_one(".council-qr svg")
    assert svg is not None and svg.find("title").get_text() == "QR code for the survey link"
    assert svg.find("path")  # the modules are drawn


def test_each_row_can_say_how_it_goes_and_impossible_choices_are_problems(app, officer_client):
    page = check_page_structure(
        upload(
            officer_client,
            "plan_reference,finalised_date,email,phone,send_by\n"
            "KB-2026-01021,2026-03-02,a@example.com,,letter\n"
            "KB-2026-01022,2026-03-02,,,email\n"
            "KB-2026-01023,2026-03-02,,07700 900123,text\n"
            "KB-2026-01024,2026-03-02,,0113 496 0000,\n"
            "KB-2026-01025,2026-03-02,,,pigeon\n",
        )
    )
    problems = [li.get_text(" ", strip=True) for li in page.select(".council-row-problems li")]
    assert problems == [
        "Line 3: There is no email address to send the invitation to.",
        "Line 4: Text messages cannot be sent because GOV.UK Notify is not set up. Choose email or letter.",
        "Line 5: The phone number must be a UK mobile number, like 07700 900123.",
        "Line 6: How to send must be email, text or letter (or left blank for the choice on the upload page).",
    ]
    assert len(page.select(".council-letter")) == 1  # the one row that asked for a letter


def test_text_messages_are_offered_and_sent_only_where_notify_is_set_up(app, officer_client, notify_server):
    form = check_page_structure(officer_client.get("/staff/surveys/upload"))
    assert [i["value"] for i in form.select("input[name=send_by]")] == ["email", "sms", "letter"]
    page = check_page_structure(
        upload(
            officer_client,
            "plan_reference,finalised_date,language,email,phone\n"
            "KB-2026-01031,2026-03-02,ro,p@example.com,+44 7700 900456\n",
            send_by="sms",
        )
    )
    assert "Being sent by text message 1" in page.text()
    [(kind, body)] = notify_server.received
    assert kind == "sms" and body["phone_number"] == "07700900456"
    text = body["personalisation"]["body"]
    assert LINK.search(text) and STOP.search(text)
    assert "anonim" in text  # Romanian


def test_text_messages_are_not_offered_without_notify(app, officer_client):
    form = check_page_structure(officer_client.get("/staff/surveys/upload"))
    assert [i["value"] for i in form.select("input[name=send_by]")] == ["email", "letter"]


def test_reminders_are_due_at_the_configured_days_and_at_most_two(app, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_REMINDER_DAYS", "7,14")
    invitation_id = emailed(app, "KB-2026-01041")
    assert remind(app, NOW + 6 * DAY) == 0  # not due yet
    assert remind(app, NOW + 7 * DAY) == 1
    assert remind(app, NOW + 7 * DAY + dt.timedelta(hours=12)) == 0  # run twice a day: nothing twice
    assert remind(app, NOW + 13 * DAY) == 0
    assert remind(app, NOW + 14 * DAY) == 1
    assert remind(app, NOW + 40 * DAY) == 0  # never a third
    assert len(reminders_of(invitation_id)) == 2
    row = invitation_row(invitation_id)
    assert row.reminders_sent == 2 and row.last_reminded_at == NOW + 14 * DAY
    subjects = [m["Subject"] for m in smtp_server.messages]
    assert subjects[0].endswith("please tell us how it went") and subjects[1].startswith("Reminder: ")
    reminder_link = LINK.search(smtp_server.messages[1].get_content()).group(1)
    assert invitations.find_by_token(reminder_link).id == invitation_id  # the same link as the invitation


def test_reminders_skip_completed_expired_opted_out_and_letter_invitations(app, smtp_server):
    completed = emailed(app, "KB-2026-01051")
    expired = emailed(app, "KB-2026-01052")
    stopped = emailed(app, "KB-2026-01053")
    opened = emailed(app, "KB-2026-01054")
    with app.test_request_context():
        db.session.get(SurveyInvitation, completed).status = InvitationStatus.COMPLETED.value
        db.session.get(SurveyInvitation, expired).expires_at = NOW + 5 * DAY
        messaging.stop_reminders(db.session.get(SurveyInvitation, stopped))
        invitations.mark_opened(db.session.get(SurveyInvitation, opened), NOW.date())
        letter_row = invitations.InvitationRow(2, "KB-2026-01055", dt.date(2026, 5, 20), "en", None)
        letter = invitations.create_invitations("ehcp-finalisation", [letter_row], now=NOW).created[0].invitation
        messaging.send_invitations([invitations.IssuedInvitation(letter, "x", "y")], {})
        invitations.mark_sent([letter.id], NOW)
        db.session.commit()
    assert remind(app, NOW + 8 * DAY) == 1
    assert [len(reminders_of(i)) for i in (completed, expired, stopped, opened, letter.id)] == [0, 0, 0, 1, 0]


def test_the_stop_link_works_once_without_signing_in_and_stops_the_reminders(app, client, smtp_server):
    invitation_id = emailed(app, "KB-2026-01061")
    stop_path = "/no-reminders/" + STOP.search(smtp_server.messages[0].get_content()).group(1)
    asked = open_link(client, stop_path)
    page = check_page_structure(asked)
    assert page.h1 == "Stop reminders about the survey"
    assert asked.headers["Cache-Control"] == "no-store"
    assert not invitation_row(invitation_id).no_reminders  # opening the link (or a mail scanner) stops nothing
    assert check_page_structure(client.get("/no-reminders")).h1 == page.h1, "the page can be looked at again"
    assert not invitation_row(invitation_id).no_reminders
    done = client.post("/no-reminders", data={"csrf_token": csrf_from(asked.get_data(as_text=True))})
    assert done.status_code == 302 and done.headers["Location"] == "/no-reminders"
    assert check_page_structure(client.get("/no-reminders")).h1 == "You will not get any more reminders"
    row = invitation_row(invitation_id)
    assert row.no_reminders and row.link_seed is None and row.stop_hash is None
    assert remind(app, NOW + 30 * DAY) == 0
    again = check_page_structure(open_link(client, stop_path, status=404))
    assert again.h1 == "This link has already been used or has run out"
    assert "If you are still getting reminders, call us on" in again.text()
    unknown = check_page_structure(open_link(app.test_client(), "/no-reminders/not-a-real-token", status=404))
    assert unknown.h1 == again.h1


def test_staff_see_how_an_invitation_went_and_can_send_a_given_up_one_again(
    app, officer_client, smtp_server, monkeypatch
):
    invitation_id = emailed(app, "KB-2026-01071", email="nobody@refused.example", sent=utcnow())
    [message] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.owner_id == invitation_id))
    assert message.status == MessageStatus.GIVEN_UP
    page = check_page_structure(officer_client.get(f"/staff/surveys/invitations/{invitation_id}"))
    text = page.text()
    assert "Survey invitation, Email" in text and "The mail server refused the email address." in text
    assert "Sent by Email" in text and "Reminded Not yet" in text
    messages_page = check_page_structure(officer_client.get("/staff/messages/"))
    assert f"/staff/surveys/invitations/{invitation_id}" in messages_page.links()
    # The family gives a right address: the officer tries the given-up message again.
    db.session.get(SurveyInvitation, invitation_id).email = "parent@example.com"
    db.session.commit()
    token = csrf_from(messages_page.response.get_data(as_text=True))
    retried = officer_client.post(f"/staff/messages/{message.id}/retry", data={"csrf_token": token})
    retried.close()
    assert retried.status_code == 302
    assert [m["To"] for m in smtp_server.messages] == ["parent@example.com"]  # sent straight after the request
    assert LINK.search(smtp_server.messages[0].get_content())
    assert audit_actions("message_retried")


def test_reissuing_an_emailed_invitation_keeps_its_reminders_on_the_new_link(app, officer_client, smtp_server):
    invitation_id = emailed(app, "KB-2026-01081", sent=utcnow() - 8 * DAY)
    page = officer_client.get(f"/staff/surveys/invitations/{invitation_id}").get_data(as_text=True)
    officer_client.post(f"/staff/surveys/invitations/{invitation_id}/reissue", data={"csrf_token": csrf_from(page)})
    assert remind(app, utcnow()) == 1
    token = LINK.search(smtp_server.messages[-1].get_content()).group(1)
    assert invitations.find_by_token(token).id == invitation_id


def test_contact_details_and_link_seeds_are_deleted_after_completion_or_expiry(app, smtp_server):
    done = emailed(app, "KB-2026-01091")
    with app.test_request_context():
        row = db.session.get(SurveyInvitation, done)
        row.status, row.completed_on, row.phone = InvitationStatus.COMPLETED.value, NOW.date(), "07700900123"
        waiting = queue_message("email", "parent@example.com", "test", owner=(messaging.OWNER, done), now=NOW + DAY)
        db.session.commit()
        messaging.forget_contact(30, NOW + DAY)
        db.session.commit()
        assert invitation_row(done).link_seed is None and invitation_row(done).phone == "07700900123"
        cancelled = db.session.get(OutboxMessage, waiting.id, populate_existing=True)
        assert cancelled.status == MessageStatus.CANCELLED and cancelled.recipient is None  # never sent now
        assert deliver_due(NOW + 2 * DAY).sent == 0
        messaging.forget_contact(30, NOW + 31 * DAY)
        db.session.commit()
    assert invitation_row(done).phone is None


def test_the_remind_command_runs_daily_and_records_what_it_did(app, runner, smtp_server):
    emailed(app, "KB-2026-01101", sent=utcnow() - 8 * DAY)
    first = runner.invoke(args=["surveys", "remind"])
    assert first.exit_code == 0, first.output
    assert "1 reminder(s) queued (1 sent" in first.output
    second = runner.invoke(args=["surveys", "remind"])
    assert "0 reminder(s) queued" in second.output
    assert [e.detail["count"] for e in audit_actions("survey_reminders_queued")] == [1]
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2


@pytest.mark.commits
def test_two_reminder_runs_at_the_same_moment_queue_each_reminder_once(shared_app):
    references = [f"KB-2026-0120{i}" for i in range(6)]
    with shared_app.test_request_context():
        rows = [
            invitations.InvitationRow(2, ref, dt.date(2026, 5, 20), "en", f"{ref}@example.com") for ref in references
        ]
        result = invitations.create_invitations("ehcp-finalisation", rows, now=NOW)
        contacts = {ref: messaging.Contact(messaging.EMAIL) for ref in references}
        messaging.send_invitations(result.created, contacts, now=NOW)
        ids = sorted(item.invitation.id for item in result.created)
        invitations.mark_sent(ids, NOW)
        db.session.commit()

    def run() -> int:
        with shared_app.test_request_context():
            queued = messaging.remind_due(NOW + 8 * DAY)
            db.session.commit()
            return queued

    counts = run_together([run, run, run])
    assert sum(counts) == 6 and max(counts) <= 6
    assert run() == 0  # and again later the same day: nothing
    with shared_app.app_context():
        reminders = db.session.scalars(
            select(OutboxMessage.owner_id).where(OutboxMessage.template == messaging.REMINDER_MESSAGE)
        ).all()
        assert sorted(reminders) == ids


def test_the_access_log_never_records_a_stop_link():
    assert redact('"POST /no-reminders/PcJDVmCJZN_xMEgTzzdcLVae HTTP/1.1"') == '"POST /no-reminders/[token] HTTP/1.1"'
