"""Keeping listings current: review requests and reminders, links, problem reports and data quality."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.clock import utcnow
from app.content import editing, quality, reports, reviews
from app.extensions import db
from app.models.upkeep import ListingReview, ReviewOutcome
from app.services import content_store

from ..surveys.test_concurrency import run_together

PAGE = "services/all-wheels-adapted-cycling"
SLUG = "all-wheels-adapted-cycling"


def _remind(today: dt.date, now: dt.datetime | None = None) -> reviews.RemindResult:
    return reviews.request_reviews(
        content_store(), today, notice_days=30, reminder_days=14, link_days=60, now=now or utcnow()
    )


def _due(today: dt.date) -> set[str]:
    horizon = today + dt.timedelta(days=30)
    return {
        f"services/{doc.slug}"
        for doc in content_store().services.values()
        if doc.meta.review_due <= horizon and doc.meta.maintainer is not None
    }


def _day_before_due(days: int) -> dt.date:
    return content_store().services[SLUG].meta.review_due - dt.timedelta(days=days)


def test_a_listing_due_within_the_notice_period_is_asked_once_then_reminded_once(app):
    with app.app_context():
        today = _day_before_due(20)
        first = _remind(today)
        pages = {r.review.page for r in first.requests}
        assert PAGE in pages and pages == _due(today)
        assert not any(r.reminder for r in first.requests)
        assert _remind(today).requests == [], "a second run the same day asks nobody"

        def about_first(day: dt.date) -> list[reviews.ReviewRequest]:
            return [r for r in _remind(day).requests if r.review.page in pages]

        assert about_first(today + dt.timedelta(days=13)) == []
        later = about_first(today + dt.timedelta(days=14))
        assert {r.review.page for r in later} == pages and all(r.reminder for r in later)
        assert about_first(today + dt.timedelta(days=15)) == [], "one reminder only"


def test_overdue_listings_and_listings_nobody_can_be_asked_about_are_listed(app):
    with app.app_context():
        today = content_store().services[SLUG].meta.review_due + dt.timedelta(days=1)
        result = _remind(today)
        assert SLUG in {doc.slug for doc in result.overdue}
        assert all(doc.meta.review_due < today for doc in result.overdue)
        assert result.no_maintainer == []  # every demo listing has a maintainer


def test_the_first_link_and_the_reminders_link_both_work_until_one_is_used(app):
    with app.app_context():
        today = _day_before_due(20)
        first = next(r for r in _remind(today).requests if r.review.page == PAGE)
        second = next(r for r in _remind(today + dt.timedelta(days=14)).requests if r.review.page == PAGE)
        assert second.token != first.token
        assert reviews.find_by_token(first.token).id == reviews.find_by_token(second.token).id == first.review.id
        review = reviews.find_by_token(first.token)
        assert reviews.link_problem(review, content_store()) is None
        assert reviews.claim_answer(review, ReviewOutcome.CONFIRMED)
        assert not reviews.claim_answer(review, ReviewOutcome.CHANGES), "a link is answered once"
        assert reviews.link_problem(reviews.find_by_token(second.token), content_store()) is reviews.LinkProblem.USED
        assert PAGE in reviews.checked_pages()


def test_expired_unknown_and_tampered_links_are_refused(app):
    with app.app_context():
        today = _day_before_due(20)
        request = next(r for r in _remind(today).requests if r.review.page == PAGE)
        later = utcnow() + dt.timedelta(days=61)
        assert reviews.link_problem(request.review, content_store(), later) is reviews.LinkProblem.EXPIRED
        assert reviews.find_by_token(request.token[:-1] + "x") is None
        assert reviews.find_by_token("x" * 500) is None
        assert reviews.link_problem(None, content_store()) is reviews.LinkProblem.NOT_FOUND


def test_only_the_digest_of_a_link_is_stored(app):
    with app.app_context():
        request = next(r for r in _remind(_day_before_due(20)).requests if r.review.page == PAGE)
        row = db.session.get(ListingReview, request.review.id)
        assert request.token not in (row.token_hash, row.earlier_token_hash)
        assert len(row.token_hash) == 64


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2027, 12, 4), 12, dt.date(2028, 12, 4)),
        (dt.date(2028, 2, 29), 12, dt.date(2029, 2, 28)),
        (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)),
    ],
)
def test_the_next_review_moves_on_by_whole_months(day, months, expected):
    assert reviews.add_months(day, months) == expected


def test_confirming_publishes_todays_date_and_the_next_review(app):
    with app.app_context():
        doc = content_store().services[SLUG]
        dates = reviews.confirmed_dates(dt.date(2026, 12, 4), 12)
        revision = reviews.publish_confirmation(doc, dates)
        assert revision.status == "published" and revision.source == "provider"
        text = editing.current_text(PAGE)
        assert "last_reviewed: 2026-12-04" in text and "review_due: 2027-12-04" in text


def test_a_providers_corrections_wait_for_approval_and_rejections_go_back_to_the_maintainer(app):
    with app.app_context():
        doc = content_store().services[SLUG]
        changes = {
            **reviews.editable_fields(doc),
            "opening_times": "Sundays, 10am to 1pm",
            "languages": "English, Polish",
        }
        proposal = reviews.propose_listing_changes(doc, changes, "We open an hour longer now.")
        assert proposal.status == "proposed" and proposal.source == "provider"
        assert proposal.reply_to == doc.meta.maintainer.email
        assert set(proposal.changed_fields) == {"opening_times", "languages"}
        assert "opening_times: Sundays, 10am to 1pm" in proposal.text
        assert "last_reviewed" not in proposal.changed_fields


def test_corrections_the_schema_refuses_are_named_by_field(app):
    with app.test_request_context():
        doc = content_store().services[SLUG]
        changes = {**reviews.editable_fields(doc), "summary": "", "phone": "", "email": "", "website": ""}
        problems = reviews.proposal_problems(doc, changes, tuple(content_store().council.areas))
        assert set(problems) == {"summary", "phone"}
        assert problems["phone"] == "Give at least one of a phone number, an email address or a website"


def test_problem_reports_are_redacted_before_they_are_stored_and_counted_per_page(app):
    with app.app_context():
        first = reports.record_report(
            PAGE, "contact", "Ring Sarah on 07700 900123 or sarah.jones@example.org, my son Tom goes", "en"
        )
        reports.record_report(PAGE, "closed", None, "pl")
        reports.record_report("guidance/does-my-child-have-sen", "other", "Link broken", "en")
        assert "07700" not in first.details and "example.org" not in first.details and "Sarah" not in first.details
        assert reports.open_report_counts() == {PAGE: 2, "guidance/does-my-child-have-sen": 1}
        assert reports.close_report(first, None)
        assert not reports.close_report(first, None), "a report is closed once"
        assert reports.open_report_counts()[PAGE] == 1


def test_only_existing_service_and_guidance_pages_can_be_reported(app):
    with app.app_context():
        store = content_store()
        assert reports.reportable_page(store, PAGE).slug == SLUG
        assert reports.reportable_page(store, "guidance/does-my-child-have-sen") is not None
        for page in ("services/nope", "pages/privacy", "../etc/passwd", "", None, "services/" + "a" * 300):
            assert reports.reportable_page(store, page) is None


def test_data_quality_finds_what_is_missing_late_or_reported(app):
    with app.app_context():
        store = content_store()
        doc = store.services[SLUG]
        today = doc.meta.review_due + dt.timedelta(days=1)
        rows = quality.listing_quality(store, today, {PAGE: 2}, set())
        row = next(r for r in rows if r.doc.slug == SLUG)
        assert row.overdue and not row.due_soon and row.never_checked and row.open_reports == 2
        assert row.needs_attention
        everyone = quality.total(rows, "All")
        assert everyone.listings == len(store.services) and everyone.with_reports == 1
        areas = store.council.area_labels()
        by_area = {g.key: g for g in quality.by_area(rows, areas)}
        whole = sum(1 for d in store.services.values() if "borough-wide" in d.meta.area_served)
        assert by_area["borough-wide"].listings == whole
        assert all(g.listings >= whole for g in by_area.values())
        assert sum(g.listings for g in quality.by_category(rows)) == len(store.services)


def test_missing_recommended_fields_are_named(app):
    with app.app_context():
        doc = content_store().services[SLUG]
        bare = doc.meta.model_copy(
            update={
                "opening_times": None,
                "languages": (),
                "cost": doc.meta.cost.model_copy(update={"detail": None}),
                "contact": doc.meta.contact.model_copy(update={"phone": None, "email": None}),
            }
        )
        assert quality.missing_fields(bare) == ["opening_times", "cost_detail", "languages", "contact"]
        assert quality.missing_fields(doc.meta) == []


@pytest.mark.commits
def test_two_runs_at_once_ask_each_provider_once(shared_app):
    with shared_app.app_context():
        today = _day_before_due(20)
        expected = _due(today)

    def run():
        with shared_app.app_context():
            result = _remind(today)
            db.session.commit()
            return [r.review.page for r in result.requests]

    results = run_together([run, run])
    sent = [page for pages in results for page in pages]
    assert sorted(sent) == sorted(expected), "each listing is asked exactly once between the two runs"
    with shared_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ListingReview)) == len(expected)
