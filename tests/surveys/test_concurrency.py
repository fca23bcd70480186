"""Simultaneous submissions of one invitation store exactly one response.

Runs against a file-based SQLite database (so threads really use separate connections)
and, when TEST_DATABASE_URL is set, against that database too (PostgreSQL in CI).
"""

from __future__ import annotations

import re
import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.surveys import InvitationStatus, SurveyDraft, SurveyInvitation, SurveyResponse
from app.services import survey_definitions
from app.surveys import responses

from ..factories import create_invitation
from ..helpers import EHCP_ANSWERS, answer_all, csrf_from

ROUNDS = 4

#: Threads write through their own connections: commit for real, and delete every row afterwards.
pytestmark = pytest.mark.commits


def run_together(targets: list) -> list:
    """Start every target at the same instant (a barrier) and collect what each returns."""
    barrier = threading.Barrier(len(targets))
    results: list = [None] * len(targets)
    errors: list[BaseException] = []

    def work(index: int, target) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = target()
        except BaseException as error:  # reported below, never swallowed
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def _reference(page) -> str | None:
    """The reference on a "thank you" page."""
    found = re.search(r'class="council-reference">([A-Z0-9]+)<', page.get_data(as_text=True))
    return found.group(1) if found else None


def test_two_browsers_sending_one_invitation_store_one_response(shared_app):
    for round_number in range(ROUNDS):
        with shared_app.app_context():
            invitation_id, token, _code = create_invitation(f"KB-2026-9{round_number:04d}")
        browsers = [shared_app.test_client() for _ in range(2)]
        tokens = []
        for browser in browsers:
            assert browser.get(f"/s/{token}").status_code == 302
            answer_all(browser, "ehcp-finalisation", EHCP_ANSWERS)
            tokens.append(csrf_from(browser.get("/survey/ehcp-finalisation/check").get_data(as_text=True)))

        def send(browser, csrf):
            return lambda: browser.post("/survey/ehcp-finalisation/check", data={"csrf_token": csrf})

        results = run_together([send(b, t) for b, t in zip(browsers, tokens, strict=True)])
        # Both devices carry on the invitation's one set of answers: both are shown the one reference.
        assert [r.status_code for r in results] == [302, 302]
        references = {_reference(browser.get("/survey/ehcp-finalisation/done")) for browser in browsers}
        assert len(references) == 1 and None not in references
        with shared_app.app_context():
            assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == round_number + 1
            assert db.session.get(SurveyInvitation, invitation_id).status == InvitationStatus.COMPLETED


def test_one_draft_sent_many_times_at_once_is_stored_once(shared_app):
    survey = survey_definitions(shared_app)["ehcp-finalisation"]
    for round_number in range(ROUNDS):
        with shared_app.test_request_context():
            invitation_id, _token, _code = create_invitation(f"KB-2026-8{round_number:04d}")
            key = responses.new_draft_key()
            for page_id, data in EHCP_ANSWERS:
                responses.save_page(key, survey, page_id, data)
            db.session.commit()

        def submit(key=key, invitation_id=invitation_id):
            with shared_app.app_context():
                result = responses.submit(survey, key, "en", invitation_id)
                db.session.remove()
                return result

        results = run_together([submit for _ in range(4)])
        outcomes = Counter(r.outcome for r in results)
        assert outcomes[responses.Outcome.STORED] == 1, outcomes
        assert set(outcomes) <= {responses.Outcome.STORED, responses.Outcome.ALREADY_STORED}
        assert len({r.reference for r in results}) == 1, "every click is shown the same reference"
        with shared_app.app_context():
            assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == round_number + 1
            assert db.session.scalar(select(func.count()).select_from(SurveyDraft)) == 0
