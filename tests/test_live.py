"""Live change stamps: a change committed by one connection is seen by every process's watch."""

from __future__ import annotations

import pytest

from app import live
from app.extensions import db


def test_a_stamp_starts_at_zero_and_counts_each_change(app):
    with app.app_context():
        assert live.version("synonyms") == 0
        live.bump("synonyms")
        live.bump("synonyms")
        assert live.version("synonyms") == 2


def test_a_watch_reports_a_change_once_and_then_waits_for_the_next(app):
    with app.app_context():
        watch = live.Watch("content", poll_seconds=0)
        watch.mark_seen(live.version("content"))
        assert watch.changed() is None
        live.bump("content")
        moved = watch.changed()
        assert moved == 1
        watch.mark_seen(moved)
        assert watch.changed() is None


def test_a_watch_reads_the_database_at_most_once_per_interval(app):
    with app.app_context():
        watch = live.Watch("content", poll_seconds=3600)
        watch.mark_seen(0)
        live.bump("content")
        assert watch.changed() is None  # looked moments ago: the next look is due in an hour


@pytest.mark.commits
def test_a_change_committed_elsewhere_is_seen(app):
    with app.app_context():
        watch = live.Watch("glossary", poll_seconds=0)
        watch.mark_seen(live.version("glossary"))
        with db.engine.begin() as other:  # another process's connection
            other.exec_driver_sql(
                "INSERT INTO live_stamp (name, version, changed_at) VALUES ('glossary', 7, CURRENT_TIMESTAMP)"
            )
        db.session.rollback()
        assert watch.changed() == 7
