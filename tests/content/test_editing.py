"""Editing the Local Offer: revisions checked like `flask content check`, proposals, approval, locking."""

from __future__ import annotations

import datetime as dt

import pytest

from app import live
from app.content import editing
from app.content.editing import ContentInvalid, StaleRevision

from ..factories import create_user

PAGE = "services/all-wheels-adapted-cycling"


def test_publishing_a_change_keeps_every_other_line_as_written(app):
    with app.app_context():
        officer = create_user("officer")
        before = editing.current_text(PAGE)
        published = editing.publish_change(
            PAGE, {"opening_times": "Sundays, 10am to 1pm"}, None, note="New hours", author_id=officer.id
        )
        assert published.status == "published"
        assert published.content_version == live.version("content")
        after = editing.current_text(PAGE)
        changed = [line for line in after.splitlines() if line not in before.splitlines()]
        assert changed == ["opening_times: Sundays, 10am to 1pm"]
        assert editing.published_revision(PAGE).id == published.id


def test_a_proposal_with_a_bad_field_is_refused_with_the_content_checks_message(app):
    with app.app_context():
        with pytest.raises(ContentInvalid) as refused:
            editing.propose_change(PAGE, {"category": "sweets"}, None, source="provider", note="x")
        assert any("category: unknown category 'sweets'" in p.message for p in refused.value.problems)
        assert editing.pending_proposals() == []


def test_a_proposal_waits_for_approval_and_then_is_published(app):
    with app.app_context():
        officer = create_user("officer")
        proposal = editing.propose_change(
            PAGE,
            {"last_reviewed": dt.date(2026, 12, 1)},
            None,
            source="provider",
            note="Checked",
            reply_to="a@b.example",
        )
        assert [p.id for p in editing.pending_proposals()] == [proposal.id]
        assert editing.published_revision(PAGE) is None
        changes = editing.proposal_diff(proposal).fields
        assert [(c.name, c.before, c.after) for c in changes] == [("last_reviewed", "2026-05-12", "2026-12-01")]
        published = editing.approve(proposal.id, actor_id=officer.id)
        assert published.id == proposal.id and published.status == "published"
        assert editing.pending_proposals() == []


def test_edit_then_approve_and_reject_with_a_reason(app):
    with app.app_context():
        officer = create_user("officer")
        first = editing.propose_change(PAGE, {"opening_times": "Mondays"}, None, source="family", note="x")
        published = editing.approve(first.id, actor_id=officer.id, fields={"opening_times": "Mondays, 9am to 5pm"})
        assert first.status == "approved" and published.proposal_id == first.id
        assert "opening_times: Mondays, 9am to 5pm" in editing.current_text(PAGE)
        second = editing.propose_change(PAGE, {"opening_times": "Never"}, None, source="provider", note="y")
        rejected = editing.reject(second.id, actor_id=officer.id, reason="We called and they are open.")
        assert rejected.status == "rejected" and rejected.reason == "We called and they are open."


def test_a_second_save_on_an_old_version_is_refused_with_the_difference(app):
    with app.app_context():
        text = editing.current_text(PAGE)
        first = editing.save(
            PAGE,
            text.replace("Riverside Park", "Riverside Gardens"),
            status="published",
            note="a",
            base_revision_id=None,
        )
        with pytest.raises(StaleRevision) as stale:
            editing.save(
                PAGE, text.replace("Sundays", "Saturdays"), status="published", note="b", base_revision_id=None
            )
        assert stale.value.current.id == first.id
        assert editing.history(PAGE) == [first]
