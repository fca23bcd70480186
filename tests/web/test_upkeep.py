"""Keeping the Local Offer current, through the browser: families report problems, providers
check their listing from a link, officers see data quality and close reports."""

from __future__ import annotations

import datetime as dt

import pytest

from app.clock import utcnow
from app.content import editing, oruk, reviews
from app.extensions import db
from app.models.upkeep import ListingReview, ProblemReport
from app.services import content_store

from ..factories import create_user
from ..helpers import act_as, audit_actions, csrf_from, error_messages, open_link, post_form, signed_in_as
from ..pages import check_page_structure

SLUG = "all-wheels-adapted-cycling"
PAGE = f"services/{SLUG}"
REPORT = f"/report-a-problem/{PAGE}"


def _request_link(app) -> str:
    """A fresh review request for the demo listing; returns its raw token."""
    with app.app_context():
        today = content_store(app).services[SLUG].meta.review_due - dt.timedelta(days=10)
        result = reviews.request_reviews(content_store(app), today, notice_days=30, reminder_days=14, link_days=60)
        db.session.commit()
        return next(r.token for r in result.requests if r.review.page == PAGE)


# Report a problem ----------------------------------------------------------------------


@pytest.mark.parametrize("path", [f"/services/{SLUG}", "/guidance/does-my-child-have-sen"])
def test_service_and_guidance_pages_offer_report_a_problem(get_page, path):
    page = get_page(path)
    kind, slug = path.strip("/").split("/")
    assert f"/report-a-problem/{kind}/{slug}" in page.links()


def test_a_family_reports_a_problem_without_giving_personal_details(app, client, get_page):
    form = get_page(REPORT)
    assert form.h1 == "Report a problem with this page"
    labels = [label.get_text(strip=True) for label in form.select("main label")]
    assert not any(word in " ".join(labels).lower() for word in ("your name", "your email", "your phone"))
    response = post_form(
        client, REPORT, {"page": PAGE, "kind": "opening-times", "details": "Now 9 to 5. Ring Jo on 07700 900123"}
    )
    assert response.status_code == 302
    thanks = get_page(response.headers["Location"])
    assert thanks.h1 == "Thank you for telling us" and f"/services/{SLUG}" in thanks.links()
    with app.app_context():
        (report,) = db.session.query(ProblemReport).all()
        assert report.kind == "opening-times" and "07700" not in report.details and "Now 9 to 5." in report.details
        (event,) = audit_actions("problem_reported")
        assert event.detail == {"page": PAGE} and event.user_id is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Select what is wrong with the page"),
        ({"kind": "sweets"}, "Select what is wrong with the page"),
        ({"kind": "other", "details": "x" * 1001}, "Enter 1000 characters or fewer"),
    ],
)
def test_a_report_with_a_problem_says_what_to_fix(app, client, data, message):
    response = post_form(client, REPORT, {"page": PAGE, **data})
    assert response.status_code == 200
    assert error_messages(response) == [message]
    assert check_page_structure(response).title.startswith("Error: Report a problem with this page")
    with app.app_context():
        assert db.session.query(ProblemReport).count() == 0


def test_reports_are_only_for_pages_that_exist(client):
    assert client.get("/report-a-problem/services/no-such-service").status_code == 404
    assert client.get("/report-a-problem/pages/privacy").status_code == 404
    assert client.get("/report-a-problem").status_code == 404
    response = post_form(client, "/report-a-problem/services/nope", {"kind": "cost"}, token_from=REPORT)
    assert response.status_code == 404


def test_a_filled_in_honeypot_is_thanked_but_not_stored(app, client):
    response = post_form(client, REPORT, {"page": PAGE, "kind": "cost", "website": "http://spam.example"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.query(ProblemReport).count() == 0


def test_the_report_form_is_never_cached(client):
    assert client.get(REPORT).headers["Cache-Control"] == "no-store"


# Please check your listing -----------------------------------------------------------------


def test_a_provider_confirms_their_listing_is_still_correct(app, client, get_page):
    token = _request_link(app)
    response = client.get(f"/review/{token}")
    assert response.status_code == 302 and response.headers["Location"] == "/check-your-listing"
    assert response.headers["Cache-Control"] == "no-store" and response.headers["Referrer-Policy"] == "no-referrer"
    page = get_page("/check-your-listing")
    assert page.h1 == "Check your listing" and "07700 900840" in page.text()
    assert client.get("/check-your-listing").headers["Cache-Control"] == "no-store"
    response = post_form(client, "/check-your-listing", {"correct": "yes"})
    assert response.headers["Location"] == "/check-your-listing/done"
    done = get_page("/check-your-listing/done")
    assert done.h1 == "Thank you for checking your listing"
    with app.app_context():
        today = dt.date.fromisoformat(editing.current_text(PAGE).split("last_reviewed: ")[1][:10])
        assert f"review_due: {reviews.add_months(today, 12).isoformat()}" in editing.current_text(PAGE)
        assert editing.published_revision(PAGE).source == "provider"
        (event,) = audit_actions("listing_confirmed")
        assert event.detail == {"page": PAGE}
    used = check_page_structure(open_link(client, f"/review/{token}"))
    assert used.h1 == "This listing has already been checked"
    assert "we already have an answer for this one" in used.text() and "Contact the Local Offer team" in used.text()


def test_a_provider_who_says_no_corrects_fields_and_explains(app, client, get_page):
    client.get(f"/review/{_request_link(app)}")
    response = post_form(client, "/check-your-listing", {"correct": "no"})
    assert response.headers["Location"] == "/check-your-listing/changes"
    form = get_page("/check-your-listing/changes")
    assert form.h1 == "What needs to change?"
    fields = {name: value for name, value in reviews.editable_fields(content_store(app).services[SLUG]).items()}
    refused = post_form(client, "/check-your-listing/changes", {**fields, "note": ""})
    assert error_messages(refused) == ["Tell us what has changed"]
    bad_site = post_form(client, "/check-your-listing/changes", {**fields, "website": "allwheels", "note": "New site"})
    assert error_messages(bad_site) == ["Enter a web address starting with https://"]
    bad_email = post_form(client, "/check-your-listing/changes", {**fields, "email": "ride@", "note": "New email"})
    assert error_messages(bad_email) == ["Enter an email address in the correct format, like name@example.org"]
    response = post_form(
        client,
        "/check-your-listing/changes",
        {**fields, "opening_times": "Sundays, 10am to 1pm", "note": "We open an hour longer."},
    )
    assert response.headers["Location"] == "/check-your-listing/done"
    assert get_page("/check-your-listing/done").h1 == "Thank you for sending your changes"
    with app.app_context():
        (proposal,) = editing.pending_proposals()
        assert proposal.page == PAGE and proposal.source == "provider" and proposal.changed_fields == ["opening_times"]
        assert proposal.reply_to == content_store(app).services[SLUG].meta.maintainer.email
        assert [e.detail for e in audit_actions("listing_change_proposed")] == [{"page": PAGE}]


def test_bad_and_expired_links_get_a_kind_page(app, client):
    unknown = check_page_structure(open_link(client, "/review/not-a-real-token", status=404))
    assert unknown.h1 == "We could not find this link" and "Contact the Local Offer team" in unknown.text()
    token = _request_link(app)
    with app.app_context():
        db.session.query(ListingReview).update({"expires_at": utcnow() - dt.timedelta(minutes=1)})
        db.session.commit()
    expired = check_page_structure(open_link(client, f"/review/{token}", status=410))
    assert expired.h1 == "This link has expired" and "this one has run out" in expired.text()
    assert check_page_structure(open_link(client, "/review/not-a-real-token", status=404)).h1 == unknown.h1
    without_link = app.test_client().get("/check-your-listing")
    assert without_link.status_code == 404 and check_page_structure(without_link).h1 == unknown.h1


def test_the_maintainer_is_never_shown_to_the_public(app, client):
    doc = content_store(app).services[SLUG]
    maintainer = doc.meta.maintainer
    pages = [f"/services/{SLUG}", f"/categories/{doc.meta.category}", "/sitemap.xml"]
    with client.without_page_checks():
        bodies = [client.get(path).get_data(as_text=True) for path in pages]
        bodies.append(client.get(f"/openreferral/v3/services/{oruk.service_id(doc)}").get_data(as_text=True))
        bodies.append(
            client.get(f"/openreferral/v3/services?search={maintainer.name.split()[1]}").get_data(as_text=True)
        )
    for body in bodies:
        assert maintainer.email not in body and maintainer.name not in body
    assert doc.title not in bodies[-1]


def test_search_does_not_find_a_listing_by_its_maintainer(search_app):
    maintainer = content_store(search_app).services[SLUG].meta.maintainer
    body = search_app.test_client().get(f"/search?q={maintainer.email}").get_data(as_text=True)
    assert f"/services/{SLUG}" not in body and maintainer.name not in body


# Officers -------------------------------------------------------------------------------------


def test_officers_see_data_quality_by_category_and_area(app, client, get_page):
    signed_in_as(app, client, "officer")
    page = get_page("/staff/content/quality")
    assert page.h1 == "Data quality"
    captions = [c.get_text(strip=True) for c in page.select("caption")]
    assert {"All listings", "By category", "By area"} <= set(captions)
    assert "/staff/content/quality.csv" in page.links()


def test_the_data_quality_csv_opens_in_excel_and_holds_no_maintainer_details(app, client):
    signed_in_as(app, client, "officer")
    response = client.get("/staff/content/quality.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffListing,Address on the site,Category")
    assert len(text.strip().splitlines()) == len(content_store(app).services) + 1
    for doc in content_store(app).services.values():
        assert doc.meta.maintainer.email not in text
    with app.app_context():
        (event,) = audit_actions("data_quality_exported")
        assert event.detail == {"format": "csv", "rows": len(content_store(app).services)}


def test_officers_see_redacted_reports_per_page_and_close_them(app, client, get_page):
    with app.app_context():
        officer = create_user("officer")
    for details in ("Email me at parent@example.org", "Closed on Sundays now"):
        post_form(client, REPORT, {"page": PAGE, "kind": "other", "details": details})
    act_as(client, officer)
    page = get_page("/staff/content/problem-reports")
    assert "2 open reports" in page.text() and "parent@example.org" not in page.text()
    assert "Closed on Sundays now" in page.text()
    quality_page = get_page("/staff/content/quality")
    assert "2 open problem reports" in quality_page.text()
    with app.app_context():
        report_id = db.session.query(ProblemReport.id).order_by(ProblemReport.id).first()[0]
    csrf = csrf_from(client.get("/staff/content/problem-reports").get_data(as_text=True))
    response = client.post(f"/staff/content/problem-reports/{report_id}/close", data={"csrf_token": csrf})
    assert response.status_code == 302
    assert "1 open report" in get_page("/staff/content/problem-reports").text()
    with app.app_context():
        (event,) = audit_actions("problem_report_closed")
        assert event.user_id == officer.id and event.detail == {"page": PAGE}


def test_sendiass_staff_cannot_see_reports_or_data_quality(app, client):
    signed_in_as(app, client, "sendiass")
    assert client.get("/staff/content/quality").status_code == 403
    assert client.get("/staff/content/problem-reports").status_code == 403


# flask content remind ---------------------------------------------------------------------------


def test_remind_emails_each_maintainer_once_then_one_reminder_and_lists_overdue_listings(app, runner, smtp_server):
    doc = content_store(app).services[SLUG]
    day = doc.meta.review_due - dt.timedelta(days=10)
    args = ["content", "remind", "--base-url", "https://lo.example", "--today"]
    first = runner.invoke(args=[*args, day.isoformat()])
    assert first.exit_code == 0, first.output
    assert "overdue for review" in first.output
    mine = [m for m in smtp_server.messages if m["To"] == doc.meta.maintainer.email]
    assert len(mine) == 1
    assert mine[0]["Subject"] == "Please check your listing on the Kelderbridge SEND Local Offer"
    body = mine[0].get_content()
    assert f"Dear {doc.meta.maintainer.name}," in body and "https://lo.example/review/" in body
    assert doc.title in body
    sent = len(smtp_server.messages)
    with app.app_context():
        requested = audit_actions("listing_review_requested")
        assert len(requested) == sent and PAGE in {e.detail["page"] for e in requested}

    again = runner.invoke(args=[*args, day.isoformat()])
    assert again.exit_code == 0 and "0 review request(s) and 0 reminder(s)" in again.output
    assert len(smtp_server.messages) == sent, "running it twice on one day sends nothing twice"

    runner.invoke(args=[*args, (day + dt.timedelta(days=14)).isoformat()])
    reminders = [m for m in smtp_server.messages[sent:] if m["To"] == doc.meta.maintainer.email]
    assert [m["Subject"].strip() for m in reminders] == [
        "Reminder: please check your listing on the Kelderbridge SEND Local Offer"
    ]
    with app.app_context():
        assert PAGE in {e.detail["page"] for e in audit_actions("listing_review_reminded")}


def test_access_logs_never_keep_a_review_links_token():
    from app.access_log import redact

    assert redact('GET /review/Zk3-abc_99 HTTP/1.1" 302') == 'GET /review/[token] HTTP/1.1" 302'
    assert redact("GET /check-your-listing/changes HTTP/1.1") == "GET /check-your-listing/changes HTTP/1.1"


def test_problem_reports_appear_in_the_approval_queue_with_counts_and_can_be_closed_there(app, client, get_page):
    with app.app_context():
        officer = create_user("officer")
    post_form(client, REPORT, {"page": PAGE, "kind": "closed", "details": "It shut in the summer"})
    act_as(client, officer)
    queue = get_page("/staff/local-offer/approvals")
    assert "Problem reports from families" in queue.text() and "1 open report" in queue.text()
    assert "It shut in the summer" in queue.text()
    with app.app_context():
        report_id = db.session.query(ProblemReport.id).scalar()
    csrf = csrf_from(client.get("/staff/local-offer/approvals").get_data(as_text=True))
    response = client.post(
        f"/staff/content/problem-reports/{report_id}/close", data={"csrf_token": csrf, "back": "queue"}
    )
    assert response.headers["Location"] == "/staff/local-offer/approvals#problem-reports"
    assert "There are no open problem reports." in get_page("/staff/local-offer/approvals").text()


def test_officers_change_who_looks_after_a_listing_in_the_editor_and_it_stays_private(app, client, get_page):
    from .test_content_editing import _form

    signed_in_as(app, client, "officer")
    edit = f"/staff/local-offer/services/{SLUG}/edit"
    data = _form(client, edit)
    assert data["maintainer_email"] == content_store(app).services[SLUG].meta.maintainer.email
    data.update(maintainer_email="not an email", note="New contact", publish="Publish")
    refused = client.post(edit, data=data)
    assert any("maintainer email" in message for message in error_messages(refused))
    data.update(maintainer_name="Ola Brennan", maintainer_email="ola.brennan@allwheels.example")
    assert client.post(edit, data=data).status_code == 302
    with app.app_context():
        assert "  email: ola.brennan@allwheels.example" in editing.current_text(PAGE)
    page = get_page(f"/services/{SLUG}")
    assert "Ola Brennan" not in page.text() and "ola.brennan" not in page.text()


def test_reports_and_review_links_are_rate_limited(survey_limited_client):
    client = survey_limited_client
    sent = [client.post(REPORT, data={"kind": "cost"}) for _ in range(3)]
    assert [r.status_code for r in sent] == [302, 302, 429]
    assert client.get(REPORT).status_code == 200, "reading the form is not limited"
    guesses = [client.get(f"/review/guess-{n}").status_code for n in range(3)]
    assert guesses == [302, 302, 429], "guessing links is limited"
