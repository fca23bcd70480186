"""Tokens and codes are stored as keyed digests; personal data is kept no longer than needed."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import func, select, update

from app.extensions import db
from app.models.staff import User
from app.models.surveys import InvitationStatus, SurveyDraft, SurveyInvitation
from app.services import survey_definitions
from app.surveys import invitations, responses
from app.tokens import ALPHABET, digest

from .factories import create_invitation as invite
from .factories import create_user as make_user
from .helpers import EHCP_ANSWERS

pytestmark = pytest.mark.commits


def sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def test_links_and_codes_are_stored_as_keyed_digests_not_plain_sha256(app):
    with app.test_request_context():
        invitation_id, token, code = invite("KB-2026-40001")
        row = db.session.get(SurveyInvitation, invitation_id)
        assert row.token_hash != sha256(token) and row.code_hash != sha256(code)
        assert row.token_hash == digest(token) and row.code_hash == digest(code)
        assert invitations.find_by_token(token).id == invitation_id
        assert invitations.find_by_code(code).id == invitation_id


def test_the_digest_depends_on_the_server_secret(app):
    with app.test_request_context():
        _id, token, _code = invite("KB-2026-40002")
        before = app.config.get("TOKEN_HASH_KEY")
        app.config["TOKEN_HASH_KEY"] = "a-different-secret"
        try:
            assert invitations.find_by_token(token) is None, "without the key a digest cannot be matched"
        finally:
            app.config["TOKEN_HASH_KEY"] = before
        assert invitations.find_by_token(token) is not None


def test_links_and_codes_stored_before_digests_were_keyed_still_work(app):
    with app.test_request_context():
        invitation_id, _token, _code = invite("KB-2026-40003")
        old_token, old_code = "an-old-link-token-from-last-year", "ACDEFGHJKM"
        db.session.execute(
            update(SurveyInvitation)
            .where(SurveyInvitation.id == invitation_id)
            .values(token_hash=sha256(old_token), code_hash=sha256(old_code))
        )
        db.session.commit()
        assert invitations.find_by_token(old_token).id == invitation_id
        assert invitations.find_by_code("acdef-ghjkm").id == invitation_id


def test_set_password_tokens_are_keyed_and_old_ones_still_work(app):
    with app.app_context():
        user = db.session.get(User, make_user("officer").id)
        token = user.issue_set_password_token()
        db.session.commit()
        assert user.set_password_token_hash == digest(token) != sha256(token)
        assert User.from_set_password_token(token).id == user.id
        user.set_password_token_hash = sha256("an-old-token")
        db.session.commit()
        assert User.from_set_password_token("an-old-token").id == user.id


def test_codes_and_references_share_one_alphabet_without_look_alikes():
    assert invitations.CODE_ALPHABET == responses.REFERENCE_ALPHABET == ALPHABET
    assert not set("0O1IL2Z5S8B") & set(ALPHABET)
    assert set(invitations.new_code()) <= set(ALPHABET)
    assert set(responses.new_reference()) <= set(ALPHABET)


def _invitation(reference: str, email: str, **values) -> int:
    with_email = invitations.InvitationRow(2, reference, dt.date(2026, 1, 5), "en", email)
    created = invitations.create_invitations("ehcp-finalisation", [with_email], now=dt.datetime(2026, 1, 10))
    db.session.commit()
    invitation_id = created.created[0].invitation.id
    if values:
        db.session.execute(update(SurveyInvitation).where(SurveyInvitation.id == invitation_id).values(**values))
        db.session.commit()
    return invitation_id


def test_invitees_email_addresses_are_deleted_after_the_retention_period(app, runner):
    now = dt.datetime(2026, 6, 1, 12)
    with app.test_request_context():
        completed_long_ago = _invitation(
            "KB-2026-40010", "a@example.com", status=InvitationStatus.COMPLETED.value, completed_on=dt.date(2026, 4, 1)
        )
        completed_lately = _invitation(
            "KB-2026-40011", "b@example.com", status=InvitationStatus.COMPLETED.value, completed_on=dt.date(2026, 5, 20)
        )
        expired_long_ago = _invitation("KB-2026-40012", "c@example.com", expires_at=dt.datetime(2026, 4, 1))
        still_open = _invitation("KB-2026-40013", "d@example.com", expires_at=dt.datetime(2026, 7, 1))
        assert invitations.forget_emails(30, now=now) == 2
        emails = {i.id: i.email for i in db.session.scalars(select(SurveyInvitation))}
        assert emails[completed_long_ago] is None and emails[expired_long_ago] is None
        assert emails[completed_lately] == "b@example.com" and emails[still_open] == "d@example.com"
        assert invitations.forget_emails(30, now=now) == 0


def test_the_daily_command_deletes_old_emails_and_abandoned_drafts(app, runner):
    survey = survey_definitions(app)["ehcp-finalisation"]
    with app.test_request_context():
        _invitation("KB-2026-40020", "e@example.com", expires_at=dt.datetime(2025, 1, 1))
        key = responses.new_draft_key()
        responses.save_page(key, survey, *EHCP_ANSWERS[0])
        db.session.commit()
        db.session.execute(update(SurveyDraft).values(updated_at=dt.datetime(2025, 1, 1)))
        db.session.commit()
        fresh = responses.new_draft_key()
        responses.save_page(fresh, survey, *EHCP_ANSWERS[0])
        db.session.commit()
    result = runner.invoke(args=["surveys", "daily"])
    assert result.exit_code == 0, result.output
    assert "1 draft(s) deleted, 0 upload result(s) deleted, 1 email address(es) deleted" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SurveyDraft)) == 1
        assert db.session.scalar(select(SurveyInvitation.email)) is None
