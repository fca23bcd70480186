"""Nobody reading the database can link a stored response to the invitation it came from.

Each test sends the parents' survey from many invitations, one after another on different
days, with answers that say which invitation they came from (the ground truth), then tries
the attacks a database reader would: by transaction id (PostgreSQL's `xmin`), by id order,
by time and by insertion (physical row) order. With the responses stored in one shuffled
batch, each attack must do no better than guessing.

Runs on the test database: SQLite, and PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from app.extensions import db
from app.models.moderation import Comment
from app.models.surveys import InvitationStatus, SurveyAnswer, SurveyDraft, SurveyInvitation, SurveyResponse
from app.services import survey_definitions
from app.surveys import responses
from app.surveys.definitions import Survey

from ..factories import create_invitation as invite
from ..helpers import EHCP_ANSWERS

FAMILIES = 30
#: A random order of 30 has on average one response in its own place; 6 or more happens by
#: chance about once in 1,600 runs. Before responses were unlinkable every attack matched all 30.
CHANCE_LIMIT = 5

pytestmark = pytest.mark.commits


@pytest.fixture()
def batch_of(app: Flask) -> Iterator[callable]:
    """Set the batch size for one test."""
    before = app.config["SURVEY_RESPONSE_BATCH"]

    def set_size(size: int) -> None:
        app.config["SURVEY_RESPONSE_BATCH"] = size

    yield set_size
    app.config["SURVEY_RESPONSE_BATCH"] = before


def _answers(number: int) -> list[tuple[str, dict]]:
    """The parents' survey, with a free-text answer that says which family sent it."""
    return [
        (page, {**data, "went_well": f"Family number {number} says thank you"} if page == "went_well" else data)
        for page, data in EHCP_ANSWERS
    ]


def _answered(survey: Survey, answers: list[tuple[str, dict]] = EHCP_ANSWERS) -> str:
    """A new draft with every page of `answers` saved and committed; returns its key."""
    key = responses.new_draft_key()
    for page_id, data in answers:
        responses.save_page(key, survey, page_id, data)
    db.session.commit()
    return key


def _send_all(app: Flask, count: int) -> dict[int, int]:
    """Send the survey from `count` invitations, each on its own day; returns invitation id -> family number."""
    survey = survey_definitions(app)["ehcp-finalisation"]
    start = dt.datetime(2026, 3, 1, 9, 0)
    families = {}
    for number in range(count):
        with app.test_request_context():
            invitation_id, _token, _code = invite(f"KB-2026-7{number:04d}", now=start - dt.timedelta(days=1))
            key = _answered(survey, _answers(number))
            when = start + dt.timedelta(days=number % 28, minutes=number)
            result = responses.submit(survey, key, "en", invitation_id, now=when)
            assert result.outcome in (responses.Outcome.STORED, responses.Outcome.ALREADY_STORED)
            families[invitation_id] = number
    return families


def _truth() -> dict:
    """Response id -> family number, from the marked answers (what an attacker is trying to learn)."""
    rows = db.session.execute(
        select(SurveyAnswer.response_id, SurveyAnswer.value).where(SurveyAnswer.question_id == "went_well")
    )
    return {response_id: int(value.split()[2]) for response_id, value in rows}


def _rank_match(responses_in_order: list, invitations_in_order: list[int], truth: dict, families: dict) -> int:
    """Pair the n-th response with the n-th invitation; how many pairs are right."""
    return sum(
        truth[response_id] == families[invitation_id]
        for response_id, invitation_id in zip(responses_in_order, invitations_in_order, strict=False)
    )


def _invitations_by_completion() -> list[int]:
    """Invitations in the order they were completed, as far as a reader can tell (day, then id)."""
    return list(
        db.session.scalars(
            select(SurveyInvitation.id)
            .where(SurveyInvitation.status == InvitationStatus.COMPLETED.value)
            .order_by(SurveyInvitation.completed_on, SurveyInvitation.id)
        )
    )


def test_every_linking_attack_does_no_better_than_chance(app, batch_of):
    batch_of(FAMILIES)
    families = _send_all(app, FAMILIES)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == FAMILIES
        assert db.session.scalar(select(func.count()).select_from(SurveyDraft)) == 0
        truth = _truth()
        assert sorted(truth.values()) == list(range(FAMILIES))
        completed = _invitations_by_completion()
        dialect = db.engine.dialect.name
        found = {}

        # Id order: the n-th smallest id against the n-th completion.
        by_id = list(db.session.scalars(select(SurveyResponse.id).order_by(SurveyResponse.id)))
        found["id order"] = _rank_match(by_id, completed, truth, families)

        # Time: the day sent against the day completed (ties broken by id, as well as a reader can).
        by_time = list(
            db.session.scalars(select(SurveyResponse.id).order_by(SurveyResponse.submitted_on, SurveyResponse.id))
        )
        found["time"] = _rank_match(by_time, completed, truth, families)
        assert {day.day for day in db.session.scalars(select(SurveyResponse.submitted_on))} == {1}, "the month only"

        # Comments' times and ids, for the free-text answers that went to moderation.
        by_comment = [
            response_id
            for (response_id,) in db.session.execute(
                select(SurveyResponse.id)
                .join(Comment, Comment.source_ref == SurveyResponse.reference)
                .order_by(Comment.created_at, Comment.id)
            )
        ]
        found["comment time"] = _rank_match(by_comment, completed, truth, families)

        # Insertion order: the order rows sit in the table (PostgreSQL's ctid, SQLite's rowid).
        physical = "ctid" if dialect == "postgresql" else "rowid"
        by_row = [row[0] for row in db.session.execute(text(f"SELECT id FROM survey_response ORDER BY {physical}"))]
        by_row = [uuid.UUID(str(r)) for r in by_row]
        found["insertion order"] = _rank_match(by_row, completed, truth, families)

        if dialect == "postgresql":
            # Transaction id: the invitation completed in the same transaction, or the nearest one before.
            invitation_xids = dict(
                db.session.execute(text("SELECT id, xmin::text::bigint FROM survey_invitation")).all()
            )
            response_xids = db.session.execute(text("SELECT id, xmin::text::bigint FROM survey_response")).all()
            right = 0
            for response_id, xid in response_xids:
                before = [(x, i) for i, x in invitation_xids.items() if x <= xid]
                guess = max(before)[1] if before else None
                right += guess is not None and truth[response_id] == families[guess]
            found["transaction id"] = right
            assert len({xid for _id, xid in response_xids}) == 1, "the whole batch is one transaction"
            assert not set(invitation_xids.values()) & {xid for _id, xid in response_xids}

        assert all(count <= CHANCE_LIMIT for count in found.values()), found


def test_answers_wait_for_a_full_batch_then_are_stored_together(app, batch_of):
    batch_of(5)
    _send_all(app, 4)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 0
        waiting = list(db.session.scalars(select(SurveyDraft).where(SurveyDraft.reference.is_not(None))))
        assert len(waiting) == 4
    with app.test_request_context():  # the fifth completes the batch
        survey = survey_definitions(app)["ehcp-finalisation"]
        invitation_id, _token, _code = invite("KB-2026-70099")
        key = _answered(survey, _answers(99))
        assert responses.submit(survey, key, "en", invitation_id).outcome is responses.Outcome.STORED
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 5
        assert db.session.scalar(select(func.count()).select_from(SurveyDraft)) == 0


def test_a_smaller_batch_is_stored_once_its_oldest_answers_have_waited_too_long(app, batch_of):
    batch_of(10)
    _send_all(app, 3)
    with app.app_context():
        assert responses.store_waiting(now=dt.datetime(2026, 3, 5)) == 0, "not waited long enough"
        assert responses.store_waiting(now=dt.datetime(2026, 4, 1)) == 3
        assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 3


def test_a_second_click_while_waiting_shows_the_same_reference(app, batch_of):
    batch_of(10)
    survey = survey_definitions(app)["ehcp-finalisation"]
    with app.test_request_context():
        invitation_id, _token, _code = invite("KB-2026-70001")
        key = _answered(survey)
        first = responses.submit(survey, key, "en", invitation_id)
        second = responses.submit(survey, key, "en", invitation_id)
        assert first.outcome is responses.Outcome.STORED
        assert second == responses.SubmitResult(responses.Outcome.ALREADY_STORED, first.reference)
        responses.store_batch()
        third = responses.submit(survey, key, "en", invitation_id)
        assert third == responses.SubmitResult(responses.Outcome.ALREADY_STORED, first.reference)
        assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 1


def test_a_send_that_failed_after_the_claim_is_finished_by_sending_again(app, monkeypatch):
    """The invitation was completed, then the database went away: Send again stores it, once;
    another browser with the same link still cannot use it."""
    survey = survey_definitions(app)["ehcp-finalisation"]
    with app.test_request_context():
        invitation_id, _token, _code = invite("KB-2026-70002")
        key, other = _answered(survey), _answered(survey)

        def fail(*args, **kwargs):
            raise ConnectionError("the database went away")

        monkeypatch.setattr(responses, "new_reference", fail)
        with pytest.raises(ConnectionError):
            responses.submit(survey, key, "en", invitation_id)
        monkeypatch.undo()
        db.session.rollback()
        assert db.session.get(SurveyInvitation, invitation_id).status == InvitationStatus.COMPLETED
        assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 0

        assert responses.submit(survey, other, "en", invitation_id).outcome is responses.Outcome.INVITATION_USED
        again = responses.submit(survey, key, "en", invitation_id)
        assert again.outcome is responses.Outcome.STORED
        assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 1


def test_the_daily_command_stores_answers_that_waited_a_week(app, batch_of, runner):
    batch_of(10)
    _send_all(app, 2)  # sent in March 2026, long before today
    result = runner.invoke(args=["surveys", "daily"])
    assert result.exit_code == 0, result.output
    assert "2 response(s) stored" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 2
        assert db.session.scalar(select(func.count()).select_from(SurveyDraft)) == 0


def test_a_batch_that_fails_leaves_the_sent_answers_for_the_next_one(app, monkeypatch):
    survey = survey_definitions(app)["ehcp-finalisation"]

    def fail(*args, **kwargs):
        raise ConnectionError("the database went away")

    with app.test_request_context():
        invitation_id, _token, _code = invite("KB-2026-70003")
        key = _answered(survey)
        monkeypatch.setattr(responses, "store_batch", fail)
        sent = responses.submit(survey, key, "en", invitation_id)
        monkeypatch.undo()
        assert sent.outcome is responses.Outcome.STORED, "the family is shown their reference"
        assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 0
        assert responses.store_batch() == 1
        assert db.session.scalar(select(SurveyResponse.reference)) == sent.reference
