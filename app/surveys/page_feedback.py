"""'Was this page helpful?': a yes or no, and optionally what the person was looking for."""

from __future__ import annotations

import datetime as dt

from ..extensions import db
from ..feedback.redaction import scrub
from ..models.moderation import Comment
from ..models.surveys import PageFeedback

#: The longest "what were you looking for?" answer kept.
MAX_TEXT = 500
MAX_PATH = 300


def record_page_feedback(path: str, locale: str, helpful: bool, text: str | None, today: dt.date) -> PageFeedback:
    """Add one piece of page feedback (page, locale, answer, scrubbed text) and queue the text
    for moderation; the caller commits."""
    cleaned = scrub((text or "").strip())[:MAX_TEXT] or None
    feedback = PageFeedback(path=path[:MAX_PATH], locale=locale[:8], helpful=helpful, text=cleaned, submitted_on=today)
    db.session.add(feedback)
    if cleaned:
        db.session.flush()
        db.session.add(
            Comment(source="page_feedback", source_ref=path[:64], question_id=None, text=cleaned, locale=locale[:8])
        )
    db.session.flush()
    return feedback
