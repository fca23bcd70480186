"""Live tokens stay out of caches, referrers and access logs: staff pages and pages showing
a link or code are never stored; every link holding a token is swapped for the session at once, live or not."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from gunicorn.config import Config as GunicornConfig

from app.access_log import TokenRedactingLogger
from app.clock import utcnow
from app.content import reviews
from app.extensions import db
from app.models.staff import User
from app.models.surveys import SurveyInvitation
from app.models.upkeep import ListingReview
from app.services import content_store
from app.surveys import invitations
from app.tokens import digest

from ..factories import create_invitation
from ..factories import create_user as make_user
from ..helpers import act_as, csrf_from, open_link, post_form
from ..pages import check_page_structure

pytestmark = pytest.mark.commits


def _no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


def test_every_staff_page_is_never_stored(app, client, monkeypatch):
    with app.app_context():
        admin = make_user("admin", email="cache@kelderbridge.example")
    act_as(client, admin)
    checked = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff/") or "GET" not in rule.methods:
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", str(admin.id) if "user" in rule.rule else "1", rule.rule)
        response = client.get(path)
        assert _no_store(response), f"{path} ({response.status_code}): {response.headers.get('Cache-Control')}"
        checked.append(path)
    assert "/staff/users" in checked and "/staff/" in checked and len(checked) > 15


def test_pages_showing_a_set_password_link_or_codes_are_never_stored(app, client):
    with app.app_context():
        admin = make_user("admin", email="links@kelderbridge.example")
        other = make_user("sendiass", email="forgot@kelderbridge.example")
    act_as(client, admin)
    link_page = post_form(client, f"/staff/users/{other.id}/password-link", token_from=f"/staff/users/{other.id}")
    assert link_page.status_code == 200 and "/set-password/" in link_page.get_data(as_text=True)
    assert _no_store(link_page)
    token = re.search(r"/set-password/([\w-]+)", link_page.get_data(as_text=True)).group(1)
    set_password = open_link(app.test_client(), f"/set-password/{token}")  # no-store and no-referrer, no token
    assert _no_store(set_password) and check_page_structure(set_password).h1 == "Choose your password"


def test_public_pages_may_still_be_cached(client):
    assert not _no_store(client.get("/"))
    assert not _no_store(client.get("/services"))


def test_an_invitation_link_is_swapped_for_the_session_and_never_stored(app, client):
    with app.app_context():
        _id, token, _code = create_invitation("KB-2026-07001")
    opened = client.get(f"/s/{token}")
    assert opened.status_code == 302
    assert token not in opened.headers["Location"]
    assert _no_store(opened) and opened.headers["Referrer-Policy"] == "no-referrer"
    assert token not in client.get_cookie("session").value
    start = client.get(opened.headers["Location"])
    assert start.status_code == 200 and _no_store(start)
    assert token not in start.get_data(as_text=True)  # not even in the language switcher's links
    assert "govuk-button--start" in start.get_data(as_text=True)  # the survey goes on from the session


# Dead links: each redirects to an address without its token, which says what went wrong. ----


def _dead_link(client, path: str, status: int, heading: str, *sentences: str) -> None:
    """`path` redirects to a token-free page that answers `status` with `heading` and `sentences`."""
    response = open_link(client, path, status=status)
    assert _no_store(response)
    page = check_page_structure(response)
    assert page.h1 == heading, path
    for sentence in sentences:
        assert sentence in page.text(), (path, sentence)


SURVEY_USED = ("You have already answered this survey", "Each link or code can only be used once")
SURVEY_EXPIRED = ("This survey link has expired", "Get in touch and we will send you a new link")
SURVEY_UNKNOWN = ("We could not find this survey link", "it may have been replaced by a newer one")


def test_a_dead_invitation_link_redirects_to_an_address_without_its_token(app, client):
    with app.app_context():
        _id, used, _code = create_invitation("KB-2026-07101", status="completed")
        _id, expired, _code = create_invitation("KB-2026-07102", now=dt.datetime(2025, 1, 1), days=30)
        withdrawn_id, withdrawn, _code = create_invitation("KB-2026-07103")
        invitations.reissue(db.session.get(SurveyInvitation, withdrawn_id))
        db.session.commit()
    _dead_link(client, f"/s/{used}", 200, *SURVEY_USED)
    _dead_link(client, f"/s/{expired}", 410, *SURVEY_EXPIRED)
    _dead_link(client, f"/s/{withdrawn}", 404, *SURVEY_UNKNOWN, "Enter the code from your letter")
    _dead_link(client, "/s/not-a-real-token", 404, *SURVEY_UNKNOWN)
    _dead_link(app.test_client(), "/s/" + "x" * 500, 404, *SURVEY_UNKNOWN)


def test_a_dead_invitation_links_page_says_nothing_about_which_link_it_was(app, client):
    """The page a dead link leads to is the same for anyone who asks for it, link or not."""
    with app.app_context():
        _id, token, _code = create_invitation("KB-2026-07104", status="completed")
    opened = client.get(f"/s/{token}?lang=pl")
    location = opened.headers["Location"]
    assert location.startswith("/survey-link?") and "lang=pl" in location, "the language asked for goes along"
    stranger = check_page_structure(app.test_client().get(location))
    assert stranger.text() == check_page_structure(client.get(location)).text()
    assert stranger.soup.html["lang"] == "pl"
    nothing_asked = app.test_client().get("/survey-link")
    assert nothing_asked.status_code == 404 and check_page_structure(nothing_asked).h1 == SURVEY_UNKNOWN[0]
    made_up = app.test_client().get("/survey-link?problem=anything")
    assert made_up.status_code == 404 and check_page_structure(made_up).h1 == SURVEY_UNKNOWN[0]


def test_a_dead_set_password_link_redirects_to_an_address_without_its_token(app, client):
    with app.app_context():
        late = db.session.get(User, make_user(email="late.link@kelderbridge.example", password=None).id)
        expired = late.issue_set_password_token(now=utcnow() - dt.timedelta(days=4))
        done = db.session.get(User, make_user(email="done.link@kelderbridge.example", password=None).id)
        used = done.issue_set_password_token()
        replaced = done.issue_set_password_token()
        db.session.commit()
    heading = "This link has expired or has already been used"
    advice = "Links to set a password work once and for 72 hours. Ask the site administrator for a new link."
    for path in (f"/set-password/{expired}", f"/set-password/{used}", "/set-password/not-a-real-token"):
        _dead_link(app.test_client(), path, 404, heading, advice)
    open_link(client, f"/set-password/{replaced}")  # a live link first, then a dead one in the same browser
    _dead_link(client, f"/set-password/{used}", 404, heading, advice)


def test_a_dead_review_link_redirects_to_an_address_without_its_token(app, client):
    with app.app_context():
        store = content_store()
        doc = store.services["all-wheels-adapted-cycling"]
        day = doc.meta.review_due - dt.timedelta(days=10)
        result = reviews.request_reviews(store, day, notice_days=30, reminder_days=14, link_days=60)
        token = next(r.token for r in result.requests if r.doc.slug == doc.slug)
        db.session.commit()
    heading_used = "This listing has already been checked"
    open_link(client, f"/review/{token}")
    with app.app_context():
        db.session.query(ListingReview).update({"outcome": "confirmed", "answered_at": utcnow()})
        db.session.commit()
    _dead_link(client, f"/review/{token}", 200, heading_used, "we already have an answer for this one")
    with app.app_context():
        db.session.query(ListingReview).update({"outcome": None, "expires_at": utcnow() - dt.timedelta(minutes=1)})
        db.session.commit()
    _dead_link(app.test_client(), f"/review/{token}", 410, "This link has expired", "this one has run out")
    _dead_link(client, "/review/not-a-real-token", 404, "We could not find this link", "copied wrongly")


def test_a_dead_no_reminders_link_redirects_to_an_address_without_its_token(app, client):
    with app.app_context():
        _id, _token, _code = create_invitation("KB-2026-07105", stop_hash=digest("stop-link-07105"))
    heading = "This link has already been used or has run out"
    advice = "If you are still getting reminders, call us on"
    _dead_link(client, "/no-reminders/not-a-real-token", 404, heading, advice)
    asked = open_link(client, "/no-reminders/stop-link-07105")
    assert check_page_structure(asked).h1 == "Stop reminders about the survey"
    client.post("/no-reminders", data={"csrf_token": csrf_from(asked.get_data(as_text=True))})
    _dead_link(client, "/no-reminders/stop-link-07105", 404, heading, advice)
    _dead_link(app.test_client(), "/no-reminders/stop-link-07105", 404, heading, advice)


def _access_line(logger: TokenRedactingLogger, cfg: GunicornConfig, path: str, referrer: str) -> str:
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path.split("?")[0],
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.7",
        "HTTP_REFERER": referrer,
        "HTTP_USER_AGENT": "Mozilla/5.0",
    }
    response = SimpleNamespace(status="302 FOUND", sent=189, headers=[("Location", "/survey/ehcp-finalisation")])
    request = SimpleNamespace(headers=[("REFERER", referrer)])
    atoms = logger.atoms(response, request, environ, dt.timedelta(milliseconds=12))
    return cfg.access_log_format % logger.atoms_wrapper_class(atoms)


def _logger(log_format: str | None) -> tuple[TokenRedactingLogger, GunicornConfig]:
    """The production access logger, with its own format or `log_format`."""
    cfg = GunicornConfig()
    if log_format:
        cfg.set("access_log_format", log_format)
    return TokenRedactingLogger(cfg), cfg


@pytest.mark.parametrize("log_format", [None, '%(h)s "%(r)s" %(U)s %(s)s "%(f)s" %({referer}i)s %({raw_uri}e)s'])
def test_the_access_log_never_records_a_token(log_format):
    logger, cfg = _logger(log_format)
    secret = "q3JvZ2VyLXNlY3JldC10b2tlbi12YWx1ZS0xMjM0NTY"
    line = _access_line(logger, cfg, f"/s/{secret}", f"https://localoffer.example/set-password/{secret}?x=1")
    assert secret not in line
    assert "/s/[token]" in line
    plain = _access_line(logger, cfg, "/services/portage?lang=pl", "-")
    assert "/services/portage?lang=pl" in plain  # other paths are logged as they are


@pytest.mark.parametrize("log_format", [None, '%(h)s "%(r)s" %(U)s %(q)s "%(f)s" %({raw_uri}e)s'])
def test_the_access_log_never_records_a_typed_postcode(log_format):
    logger, cfg = _logger(log_format)
    path = "/search?q=speech&postcode=KB1+2AB&kind=services"
    line = _access_line(logger, cfg, path, "https://localoffer.example/search?postcode=kb12ab")
    assert "KB1" not in line.upper() and "12AB" not in line.upper()
    assert "postcode=[postcode]&kind=services" in line


def test_the_development_server_log_never_records_a_typed_postcode(app, caplog):
    import logging

    with caplog.at_level(logging.INFO, logger="werkzeug"):
        request_line = "GET /search?postcode=KB1%202AB HTTP/1.1"
        logging.getLogger("werkzeug").info('%s - - "%s" %s', "127.0.0.1", request_line, 200)
    assert "KB1" not in caplog.text and "postcode=[postcode]" in caplog.text
