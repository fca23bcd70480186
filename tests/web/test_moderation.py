"""Moderation: officers decide which free-text comments may be quoted."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from app.demo import OWN_CASE
from app.extensions import db
from app.models.moderation import Comment, OwnCaseError

from ..factories import create_comment, create_user
from ..helpers import audit_actions, post_form, signed_in_as
from ..pages import check_page_structure

TEXT = "The short breaks page did not say how to apply. My son Sam at Riverside needs help."


@pytest.fixture()
def officer(app, client):
    return signed_in_as(app, client, "officer", email="officer@kelderbridge.example")


def add_comments(app, count: int = 2) -> list[int]:
    with app.app_context():
        return [create_comment(f"{TEXT} {n}", source_ref=f"resp-{n}", question_id="q7").id for n in range(count)]


def test_officer_works_through_the_queue(app, client, officer, get_page):
    first, second = add_comments(app)
    queue = get_page("/staff/moderation")
    assert "Waiting for a decision (2)" in queue.text()
    assert f"/staff/moderation/{first}" in queue.links()
    page = get_page(f"/staff/moderation/{first}")
    assert TEXT in page.text()
    response = post_form(client, f"/staff/moderation/{first}", {"decision": "individual_case"})
    assert response.headers["Location"] == f"/staff/moderation/{second}"  # on to the next one
    response = post_form(client, f"/staff/moderation/{second}", {"decision": "approved"})
    assert response.headers["Location"] == "/staff/moderation"
    assert "There are no comments here." in get_page("/staff/moderation").text()
    assert "Approved for quoting (1)" in get_page("/staff/moderation?status=approved").text()
    with app.app_context():
        decided = {c.id: c for c in db.session.query(Comment)}
        assert decided[first].status == "individual_case" and not decided[first].quotable
        assert decided[second].quotable and decided[second].decided_by_id == officer.id
        assert decided[second].decided_at is not None
        events = audit_actions("comment_moderated")
        assert [(e.target_id, e.detail["decision"]) for e in events] == [
            (str(first), "individual_case"),
            (str(second), "approved"),
        ]
        assert all(TEXT[:20] not in repr(e.detail) and e.user_id == officer.id for e in events)


@pytest.mark.parametrize("decision", ["", "publish", "pending"])
def test_a_decision_must_be_chosen(app, client, officer, decision):
    (comment_id,) = add_comments(app, 1)
    response = post_form(client, f"/staff/moderation/{comment_id}", {"decision": decision})
    page = check_page_structure(response)
    assert page.title.startswith("Error: ")
    summary = page.select(".govuk-error-summary")[0].get_text()
    assert "Select what should happen to this comment" in summary or "Not a valid choice" in summary
    with app.app_context():
        assert db.session.get(Comment, comment_id).status == "pending"
        assert audit_actions("comment_moderated") == []


def test_unknown_comment_is_a_404(client, officer, get_page):
    get_page("/staff/moderation/999999", status=404)


def test_decide_rejects_unknown_decisions_in_code(app):
    with app.app_context():
        comment = Comment(source="paper", text="x")
        with pytest.raises(ValueError):
            comment.decide("pending", user=None)  # type: ignore[arg-type]


def test_a_comment_about_one_person_s_own_case_can_never_be_approved(app):
    (comment_id,) = add_comments(app, 1)
    with app.app_context():
        officer = create_user("officer", email="second@kelderbridge.example")
        comment = db.session.get(Comment, comment_id)
        comment.decide("individual_case", officer)
        comment.decide("vexatious", officer)  # marked otherwise later: still about one person's case
        with pytest.raises(OwnCaseError):
            comment.decide("approved", officer)
        with pytest.raises(OwnCaseError):
            comment.status = "approved"
        with pytest.raises(OwnCaseError):
            comment.own_case = False
        db.session.commit()
        assert comment.own_case and not comment.quotable


def test_the_database_refuses_an_approved_own_case_comment(app):
    (comment_id,) = add_comments(app, 1)
    with app.app_context():
        with pytest.raises(IntegrityError):
            db.session.execute(update(Comment).where(Comment.id == comment_id).values(own_case=True, status="approved"))
            db.session.commit()
        db.session.rollback()


def test_approving_an_own_case_comment_is_explained_not_saved(app, client, officer):
    (comment_id,) = add_comments(app, 1)
    post_form(client, f"/staff/moderation/{comment_id}", {"decision": "individual_case"})
    response = post_form(client, f"/staff/moderation/{comment_id}", {"decision": "approved"})
    page = check_page_structure(response)
    assert page.title.startswith("Error: ")
    assert "about one person’s own case" in page.text() or "about one person's own case" in page.text()
    with app.app_context():
        assert db.session.get(Comment, comment_id).status == "individual_case"


def test_demo_comments_about_one_family_s_case_are_never_approved(app, runner):
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    with app.app_context():
        own = db.session.scalars(db.select(Comment).where(Comment.text.in_(OWN_CASE))).all()
        assert own and all(c.status == "individual_case" and c.own_case for c in own)
        assert not db.session.scalar(
            db.select(db.func.count()).select_from(Comment).where(Comment.own_case, Comment.status == "approved")
        )
