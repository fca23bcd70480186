"""Two app hosts behind nginx behave as one service.

Debian's nginx, with the production proxy settings (`deploy/nginx/portal-proxy.conf`), in front of
two gunicorn instances (one worker each, as if on two hosts) sharing one PostgreSQL database and
one Redis: a survey started through one is finished through the other, a staff session works on
both and ends on both, rate limits count across both, and a client trickling its form a byte at a
time holds up nobody.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from flask import Flask
from sqlalchemy import select

from app.config import TestConfig
from app.content import editing
from app.extensions import db
from app.models.surveys import InvitationStatus, SurveyInvitation

from ..factories import PASSWORD, create_invitation, create_user
from ..servers import CSRF_RE, NGINX, QUICK_ROUTE, REFERENCE_RE, SURVEY, Browser, gunicorn, nginx

DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
REDIS_DB = 13
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"
#: Typing a survey code is limited per client (SURVEY_RATE_LIMIT): this many a minute here.
CODE_LIMIT = 4

pytestmark = [
    pytest.mark.commits,
    pytest.mark.skipif(NGINX is None, reason="nginx is not installed (make ci-deps installs it)"),
    pytest.mark.skipif(
        not DATABASE_URL.startswith("postgresql"), reason="set TEST_DATABASE_URL to a PostgreSQL database to run this"
    ),
]


@dataclass
class Service:
    """The front door (both hosts, round robin) and a door to each host, all through nginx."""

    both: int
    first: int
    second: int
    upstreams: tuple[int, int]

    def browser(self, door: str) -> Browser:
        return Browser("127.0.0.1", getattr(self, door))


def _redis():
    import redis

    return redis.Redis.from_url(REDIS_URL)


@pytest.fixture(scope="module")
def service(tmp_path_factory, search_index_dir) -> Iterator[Service]:
    work = tmp_path_factory.mktemp("two-hosts")
    index = work / "search_index"  # both hosts keep one copy current (a publish updates it in place)
    shutil.copytree(search_index_dir, index)
    _redis().flushdb()
    env = {
        "PORTAL_ENV": "production",
        "SECRET_KEY": TestConfig.SECRET_KEY,  # the same on every host (and as the factories' tokens)
        "DATABASE_URL": DATABASE_URL,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "PUBLIC_BASE_URL": "http://127.0.0.1",
        "TRUSTED_PROXY_COUNT": "1",
        "SESSION_COOKIE_SECURE": "false",
        "SURVEY_RATE_LIMIT": f"{CODE_LIMIT} per minute",
        "CONTENT_CACHE_DIR": str(work / "content-cache"),
        "SEARCH_INDEX_DIR": str(index),
        "LIVE_POLL_SECONDS": "1",
    }
    with gunicorn(env) as first, gunicorn(env) as second:
        doors = {"both": [first.port, second.port], "first": [first.port], "second": [second.port]}
        with nginx(work / "nginx", doors) as fronts:
            yield Service(fronts["both"], fronts["first"], fronts["second"], (first.port, second.port))
    _redis().flushdb()


@pytest.fixture(autouse=True)
def _connections_closed() -> Iterator[None]:
    yield
    Browser.close_connection()


def _csrf(browser: Browser, path: str) -> None:
    status, _, page = browser.request("GET", path)
    assert status == 200, path
    browser.csrf = CSRF_RE.search(page).group(1)


def test_the_front_door_shares_requests_between_the_hosts(service):
    browser = service.browser("both")
    answered = set()
    for _ in range(4):
        assert browser.request("GET", "/")[0] == 200
        answered.add(int(browser.headers["x-upstream"].rsplit(":", 1)[1]))
    assert answered == set(service.upstreams)


def test_a_survey_started_on_one_host_is_finished_on_the_other(app: Flask, service):
    with app.app_context():
        invited = create_invitation()

    family = service.browser("first")
    status, location, _ = family.request("GET", f"/s/{invited.token}")
    assert status == 302 and location.split("?")[0].endswith(f"/survey/{SURVEY}")
    _csrf(family, f"/survey/{SURVEY}/questions/{QUICK_ROUTE[0][0]}")
    half = len(QUICK_ROUTE) // 2
    for page_id, form in QUICK_ROUTE[:half]:
        assert family.post(f"/survey/{SURVEY}/questions/{page_id}", form)[0] == 302, page_id

    family.port = service.second  # the same browser, now served by the other host
    for page_id, form in QUICK_ROUTE[half:]:
        assert family.post(f"/survey/{SURVEY}/questions/{page_id}", form)[0] == 302, page_id
    status, location, _ = family.post(f"/survey/{SURVEY}/check", "")
    assert status == 302 and location.endswith(f"/survey/{SURVEY}/done")
    status, _, page = family.request("GET", f"/survey/{SURVEY}/done")
    assert status == 200 and REFERENCE_RE.search(page)

    with app.app_context():
        invitation = db.session.scalar(select(SurveyInvitation).where(SurveyInvitation.id == invited.id))
        assert invitation.status == InvitationStatus.COMPLETED


def test_a_staff_session_works_on_both_hosts_and_signing_out_ends_it_on_both(app: Flask, service):
    with app.app_context():
        officer = create_user("officer")

    browser = service.browser("first")
    _csrf(browser, "/sign-in")
    status, location, _ = browser.post("/sign-in", urlencode({"email": officer.email, "password": PASSWORD}))
    assert status == 302 and "/sign-in" not in location
    for door in ("first", "second"):
        browser.port = getattr(service, door)
        status, _, page = browser.request("GET", "/staff/")
        assert status == 200, door
        assert officer.email in page

    browser.port = service.second
    _csrf(browser, "/staff/")
    assert browser.post("/sign-out", "")[0] == 302
    old_cookies = dict(browser.cookies)
    for door in ("first", "second"):
        replay = service.browser(door)
        replay.cookies = old_cookies
        status, location, _ = replay.request("GET", "/staff/")
        assert status == 302 and "/sign-in" in location, door


def test_rate_limits_count_across_both_hosts(service):
    browser = service.browser("first")
    _csrf(browser, "/survey")
    wrong = urlencode({"code": "ABCDE-FGHJK"})
    for attempt in range(CODE_LIMIT):
        browser.port = service.first if attempt % 2 == 0 else service.second
        assert browser.post("/survey", wrong)[0] == 200, attempt
    for door in ("first", "second", "both"):
        browser.port = getattr(service, door)
        assert browser.post("/survey", wrong)[0] == 429, door

    # A made-up X-Forwarded-For does not give the same client a fresh count.
    connection = browser._connection()
    connection.request(
        "POST",
        "/survey",
        body=f"csrf_token={browser.csrf}&{wrong}",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Forwarded-For": "203.0.113.9",
            "Cookie": "; ".join(f"{k}={v}" for k, v in browser.cookies.items()),
        },
    )
    response = connection.getresponse()
    response.read()
    assert response.status == 429


def test_a_client_sending_its_form_a_byte_at_a_time_holds_up_nobody(service):
    """Each host has one worker: were the trickled form passed on as it arrived, that host
    would answer no one else until it was complete. nginx holds it until it is whole."""
    body = b"helpful=yes&path=%2F&text=&website=&x=" + b"y" * 30
    head = (
        "POST /page-feedback HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    answered: list[bytes] = []
    sending = threading.Event()

    def trickle() -> None:
        with socket.create_connection(("127.0.0.1", service.both), timeout=60) as slow:
            slow.sendall(head)
            sending.set()
            for byte in body:
                slow.sendall(bytes([byte]))
                time.sleep(0.15)
            answered.append(slow.recv(200))

    slow_client = threading.Thread(target=trickle)
    slow_client.start()
    assert sending.wait(30)
    for door in ("first", "second", "both", "first", "second", "both"):
        assert service.browser(door).request("GET", "/guidance/what-is-the-local-offer")[0] == 200, door
    still_sending = slow_client.is_alive() and not answered
    slow_client.join(60)
    assert still_sending, "everyone else was answered while the slow form was still arriving"
    assert answered and answered[0].split()[1] in (b"302", b"400"), "the slow form was answered in the end"


def test_a_publish_reaches_both_hosts_and_their_search(app: Flask, service):
    hours = "Saturdays, 10am to 1pm"
    with app.app_context():
        from app.services import content_store

        summary = content_store().services["camhs"].meta.summary + " Ask about the Quillonby trial."
        editing.publish_change("services/camhs", {"opening_times": hours, "summary": summary}, None, note="Two hosts")
        db.session.commit()
    deadline = time.monotonic() + 10
    for door in ("first", "second"):
        browser = service.browser(door)
        while hours not in browser.request("GET", "/services/camhs")[2]:
            assert time.monotonic() < deadline, f"the {door} host still shows the old opening times"
            time.sleep(0.2)
        while 'href="/services/camhs"' not in browser.request("GET", "/search?q=quillonby")[2]:
            assert time.monotonic() < deadline, f"the {door} host's search has not found the change"
            time.sleep(0.2)
