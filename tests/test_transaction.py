"""Where transactions end: domain functions flush, the caller commits (with a retry on a clash)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.staff import AuditEvent, record_event
from app.models.surveys import SurveyInvitation
from app.surveys import invitations
from app.transaction import commit_with_retry

ROW = invitations.InvitationRow(2, "KB-2026-07000", dt.date(2026, 3, 2), "en", None)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_creating_invitations_leaves_the_commit_to_the_caller(app):
    with app.app_context():
        result = invitations.create_invitations("ehcp-finalisation", [ROW])
        assert len(result.created) == 1 and _count(SurveyInvitation) == 1
        db.session.rollback()
        assert _count(SurveyInvitation) == 0, "nothing is kept until the caller commits"


def test_a_clash_with_a_simultaneous_upload_is_retried_and_nothing_half_written_is_kept(app):
    """The first attempt fails on the unique plan reference: all of it is rolled back (its
    audit event included) and the whole upload runs again, once."""
    attempts = []

    def upload() -> invitations.UploadResult:
        attempts.append(1)
        result = invitations.create_invitations("ehcp-finalisation", [ROW])
        record_event("survey_invitations_uploaded", target_type="survey", count=len(result.created))
        if len(attempts) == 1:
            # The other upload's row for the same plan arrives before this one is flushed.
            db.session.add(
                SurveyInvitation(
                    survey_id="ehcp-finalisation",
                    plan_reference=ROW.plan_reference,
                    finalised_on=ROW.finalised_on,
                    token_hash="t" * 64,
                    code_hash="c" * 64,
                    expires_at=dt.datetime(2026, 6, 1),
                )
            )
        return result

    with app.app_context():
        result = commit_with_retry(upload)
        assert len(attempts) == 2
        assert len(result.created) == 1 and result.already_invited == []
        assert _count(SurveyInvitation) == 1 and _count(AuditEvent) == 1


def test_work_that_keeps_clashing_is_given_up_after_three_attempts(app):
    def clash() -> None:
        for token in ("a", "b"):
            db.session.add(
                SurveyInvitation(
                    survey_id="young-person",
                    plan_reference="KB-2026-07001",
                    finalised_on=ROW.finalised_on,
                    token_hash=token * 64,
                    code_hash=token * 64,
                    expires_at=dt.datetime(2026, 6, 1),
                )
            )
        db.session.flush()

    with app.app_context():
        with pytest.raises(RuntimeError, match="3 attempts"):
            commit_with_retry(clash)
        assert _count(SurveyInvitation) == 0
