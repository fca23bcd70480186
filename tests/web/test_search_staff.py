"""What families search for: counted without personal data, shown to officers with small
numbers suppressed, and the synonyms and spellings staff add, used at once by every process."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models.search import SearchCount, SearchWord
from app.search.families import LiveWords, add_word, record_search, search_report
from app.services import search_index, services

from ..factories import create_user
from ..helpers import act_as, audit_actions, post_form, signed_in_as


@pytest.fixture()
def app(search_app: Flask) -> Flask:
    return search_app


def test_a_search_is_counted_by_day_and_language_with_personal_details_removed(app, client):
    client.get("/search?q=autism+help+call+07700+900123+or+mum@example.com&lang=pl")
    client.get("/search?q=autism+help+call+07700+900123+or+mum@example.com&lang=pl")
    with app.app_context():
        rows = db.session.scalars(select(SearchCount).where(SearchCount.query.contains("autism help"))).all()
        assert len(rows) == 1
        row = rows[0]
        assert row.searches == 2 and row.lang == "pl" and row.found
        assert "07700" not in row.query and "mum@example.com" not in row.query and "autism" in row.query
        assert {column.name for column in SearchCount.__table__.columns} == {
            "id",
            "day",
            "lang",
            "query",
            "found",
            "searches",
        }  # no address, session or time of day


def test_searches_are_written_together_once_the_interval_has_passed(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SEARCH_COUNT_SECONDS", 3600)
    for _ in range(3):
        assert client.get("/search?q=tally+check").status_code == 200

    def stored() -> list[int]:
        with app.app_context():
            return db.session.scalars(select(SearchCount.searches).where(SearchCount.query == "tally check")).all()

    assert stored() == [], "nothing is written before the interval"
    monkeypatch.setitem(app.config, "SEARCH_COUNT_SECONDS", 0)
    client.get("/search?q=tally+check")
    assert stored() == [4], "the next search after the interval writes every count waiting"


def test_a_second_page_or_a_filter_only_browse_is_not_counted_again(app, client):
    client.get("/search?q=speech")
    client.get("/search?q=speech&page=2")
    client.get("/search?kind=services")
    with app.app_context():
        assert db.session.scalars(select(SearchCount.searches).where(SearchCount.query == "speech")).all() == [1]


def test_officers_see_common_and_unanswered_searches_only_when_made_five_times(app, client, get_page):
    with app.test_request_context():
        for _ in range(5):
            record_search("zzqx nothing here", "ur", found=False)
            record_search("short breaks", "en", found=True)
        for _ in range(3):
            record_search("my son Ahmed at 12 Elm Street", "en", found=True)
            record_search("logopeda", "pl", found=True)
        db.session.commit()
        officer = create_user("officer")
    act_as(client, officer)
    page = get_page("/staff/searches/")
    assert page.h1 == "What families search for"
    tables = {
        table.caption.get_text(strip=True): table.get_text(" ", strip=True) for table in page.soup.select("main table")
    }
    assert "zzqx nothing here" in tables["Searches that found nothing"]
    assert "short breaks" not in tables["Searches that found nothing"]
    assert "short breaks" in tables["Most common searches"]
    whole = page.soup.get_text(" ", strip=True).lower()
    assert "elm street" not in whole and "ahmed" not in whole  # searched only 3 times: never listed
    assert "not shown" in tables["Searches per week and language"]  # Polish: 3 searches this week


def test_weekly_counts_of_one_to_four_are_not_shown(app):
    with app.test_request_context():
        for _ in range(3):
            record_search("respite", "ro", found=True)
        report = search_report()
        week = report.weeks[-1]
        assert report.per_week[(week, "ro")].suppressed
        assert report.common == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"lang": "pl", "kind": "synonym", "phrase": "", "means": "autism"}, "Enter what families type"),
        (
            {"lang": "pl", "kind": "spelling", "phrase": "two words", "means": "autism"},
            "For a spelling, enter one word",
        ),
        ({"lang": "xx", "kind": "synonym", "phrase": "autyzm", "means": "autism"}, "Not a valid choice"),
        ({"lang": "pl", "kind": "synonym", "phrase": "autyzm", "means": ""}, "Enter what it should find"),
    ],
)
def test_bad_words_get_a_clear_error_and_nothing_is_saved(app, client, data, message):
    signed_in_as(app, client, "officer")
    response = post_form(client, "/staff/searches/words", data, token_from="/staff/searches/")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert 'class="govuk-error-summary' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(SearchWord)) is None


def test_an_officer_adds_a_synonym_that_search_uses_at_once_and_it_is_audited(app, client, monkeypatch):
    monkeypatch.setattr(services(app).words.watch, "poll_seconds", 0)  # as if the poll interval had passed
    with app.app_context():
        before = search_index(app).search("kangurek", lang="pl")
        assert not before.total
        officer = create_user("officer")
    act_as(client, officer)
    response = post_form(
        client,
        "/staff/searches/words",
        {"lang": "pl", "kind": "synonym", "phrase": "Kangurek", "means": "short breaks"},
        token_from="/staff/searches/",
    )
    assert response.status_code == 302
    page = client.get("/search?q=kangurek&lang=pl").get_data(as_text=True)
    assert "/services/short-breaks-team" in page
    with app.app_context():
        event = audit_actions("search_word_added")[-1]
        assert event.user_id == officer.id and event.detail == {"state": "synonym"}


def test_a_spelling_staff_add_is_searched_for_and_suggested(app):
    with app.test_request_context():
        add_word("en", "spelling", "awtism", "autism")
        db.session.commit()
        words = LiveWords(poll_seconds=0).current()
        results = search_index(app).search("awtism", staff=words)
        assert results.suggestion == "autism"
        assert "/services/lowmoor-autism-parents-circle" in [hit.url for hit in results.hits[:3]]


def test_every_process_sees_a_new_word_once_the_stamp_moves(app):
    with app.test_request_context():
        other_process = LiveWords(poll_seconds=0)
        assert other_process.current().synonyms == {}
        add_word("ur", "synonym", "ghar ki madad", "short breaks")
        db.session.commit()
        assert other_process.current().synonyms["ur"] == {("ghar", "ki", "madad"): "short breaks"}
