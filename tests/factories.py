"""One factory per model, used by every test instead of building rows by hand.

Each factory saves its row for real (committed; the per-test transaction still rolls it back)
and returns it detached, so its columns can be read after the app context ends. Call them
inside an app context. Anything not given gets a plain, valid default.
"""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
from typing import Any, NamedTuple

from app.extensions import db
from app.models.feedback import KpiTarget
from app.models.moderation import Comment
from app.models.staff import User
from app.models.surveys import SurveyAnswer, SurveyResponse
from app.models.upkeep import ListingReview, ProblemReport
from app.models.yswd import Entry, NewsPost
from app.surveys import invitations
from app.tokens import digest

PASSWORD = "kelder-river-lantern-47"
SURVEY = "ehcp-finalisation"
#: The parents' survey's questions that feed a KPI, and the KPI each feeds.
KPI_QUESTIONS = {"listened": "listened", "seen_plan": "seen_plan", "satisfied": "satisfied"}

_numbers = itertools.count(1)


def _saved(row: Any) -> Any:
    db.session.add(row)
    db.session.commit()
    db.session.refresh(row)
    db.session.expunge(row)  # usable (read-only) after the app context ends
    return row


def create_user(role: str = "sendiass", email: str | None = None, password: str | None = PASSWORD, active: bool = True):
    """A staff account (with PASSWORD unless `password` is None: no password set yet)."""
    user = User(email=email or f"{role}.{next(_numbers)}@kelderbridge.example", role=role, active=active)
    if password:
        user.set_password(password)
    return _saved(user)


class Invited(NamedTuple):
    """An invitation's id, and the raw token and code given to the family (stored hashed)."""

    id: int
    token: str
    code: str


def create_invitation(
    reference: str | None = None,
    survey_id: str = SURVEY,
    days: int = 90,
    now: dt.datetime | None = None,
    finalised_on: dt.date = dt.date(2026, 3, 2),
    language: str = "en",
    email: str | None = None,
    **fields: Any,
) -> Invited:
    """An invitation issued as the upload issues it; `fields` then set columns such as `status`."""
    reference = reference or f"KB-2026-{next(_numbers):05d}"
    row = invitations.InvitationRow(2, reference, finalised_on, language, email)
    result = invitations.create_invitations(survey_id, [row], now=now, days=days)
    issued = result.created[0]
    for name, value in fields.items():
        setattr(issued.invitation, name, value)
    db.session.commit()
    return Invited(issued.invitation.id, issued.token, issued.code)


def create_response(
    answers: dict[str, str] | None = None,
    submitted_on: dt.date = dt.date(2026, 1, 5),
    reference: str | None = None,
    survey_id: str = SURVEY,
    locale: str = "en",
    channel: str = "invitation",
    **fields: Any,
) -> SurveyResponse:
    """A stored survey response with its answers (KPI questions marked with their KPI)."""
    number = next(_numbers)
    response = SurveyResponse(
        reference=reference or f"T{number:07d}",
        submission_key=f"key-{number}",
        survey_id=survey_id,
        survey_version="2026.1",
        locale=locale,
        channel=channel,
        submitted_on=submitted_on,
        **fields,
    )
    for question, value in (answers or {}).items():
        response.answers.append(SurveyAnswer(question_id=question, value=value, kpi=KPI_QUESTIONS.get(question)))
    return _saved(response)


def create_answer(response: SurveyResponse, question_id: str, value: str, **fields: Any) -> SurveyAnswer:
    """One more answer in a stored response (`kind` marks a free-text question's kind)."""
    return _saved(SurveyAnswer(response_id=response.id, question_id=question_id, value=value, **fields))


def create_comment(text: str = "The caseworker replied quickly.", source: str = "survey", **fields: Any) -> Comment:
    """A free-text comment, pending moderation unless `status` says otherwise."""
    return _saved(Comment(text=text, source=source, **fields))


def create_entry(
    title: str = "Named caseworkers",
    theme: str = "communication",
    you_said: str = "You had to chase us.",
    we_did: str = "Every family has a named caseworker.",
    **fields: Any,
) -> Entry:
    """A "you said, we did" entry (a draft unless `state` and `publish_at` say otherwise)."""
    return _saved(Entry(title=title, theme=theme, you_said=you_said, we_did=we_did, **fields))


def create_post(title: str = "New short breaks guide", body: str = "Read the new guide.", **fields: Any) -> NewsPost:
    """A news post (a draft unless `state` and `publish_at` say otherwise)."""
    return _saved(NewsPost(title=title, body=body, **fields))


def create_kpi_target(kpi: str = "listened", percent: int = 80) -> KpiTarget:
    """A KPI's target percentage."""
    return _saved(KpiTarget(kpi=kpi, percent=percent))


def load_demo_gazetteer() -> int:
    """The demo content's gazetteer (content/gazetteer.csv), loaded for Kelderbridge and its neighbour."""
    from pathlib import Path

    from flask import current_app

    from app.places.gazetteer import GAZETTEER_FILE, import_gazetteer
    from app.services import content_store

    path = Path(current_app.config["CONTENT_DIR"]) / GAZETTEER_FILE
    result = import_gazetteer(path, content_store().council.gazetteer_authorities)
    db.session.commit()
    return result.kept


def create_problem_report(
    page: str = "services/all-wheels-adapted-cycling", kind: str = "cost", details: str | None = "The price went up."
) -> ProblemReport:
    """An open report of a problem with a page (details as if already redacted)."""
    return _saved(ProblemReport(page=page, kind=kind, details=details, locale="en"))


def create_listing_review(
    page: str = "services/all-wheels-adapted-cycling", review_due: dt.date | None = None, days: int = 60
) -> tuple[int, str]:
    """An unanswered "please check your listing" request; returns its id and the raw link token."""
    token = secrets.token_urlsafe(24)
    review = _saved(
        ListingReview(
            page=page,
            review_due=review_due or dt.date(2030, 1, 1) + dt.timedelta(days=next(_numbers)),
            token_hash=digest(token),
            requested_on=dt.date.today(),
            expires_at=dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=days),
        )
    )
    return review.id, token
