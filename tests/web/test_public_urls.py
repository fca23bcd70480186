"""A forged Host or X-Forwarded-Host never reaches an absolute URL, and a client cannot
choose its rate-limit key: in production URLs come from PUBLIC_BASE_URL, only trusted
hosts are answered, and forwarded headers are believed only from the configured proxies."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from flask import Flask

from app import create_app
from app.config import Config
from app.extensions import db
from app.models.staff import utcnow
from app.models.yswd import Entry

from ..factories import PASSWORD
from ..factories import create_user as make_user
from ..helpers import csrf_token, running_app

BASE = "https://localoffer.kelderbridge.example"
FORGED = {"Host": "evil.example"}
FORWARDED = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Port": "8443", "X-Forwarded-Proto": "https"}
#: Over https a form is accepted only with a same-site Referer (Flask-WTF's strict check).
SAME_SITE = {"Referer": BASE + "/"}

pytestmark = pytest.mark.commits


class Production(Config):
    SECRET_KEY = "a-secret-for-this-test"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_ENABLED = False
    PUBLIC_BASE_URL = BASE
    TRUSTED_PROXY_COUNT = 1


@pytest.fixture()
def production() -> Iterator[Flask]:
    with running_app(Production) as app:
        yield app


def _absolute_urls(text: str) -> list[str]:
    return re.findall(r"https?://[^\s<\"']+", text)


def test_production_refuses_to_start_without_a_public_address():
    class NoAddress(Production):
        PUBLIC_BASE_URL = None

    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL must be set"):
        create_app(NoAddress)

    class WithPath(Production):
        PUBLIC_BASE_URL = "https://localoffer.example/portal?x=1"

    with pytest.raises(RuntimeError, match="scheme and host only"):
        create_app(WithPath)


def test_a_request_for_an_untrusted_host_is_refused(production):
    client = production.test_client()
    assert client.get("/", headers=FORGED).status_code == 400
    assert client.get("/sitemap.xml", headers=FORGED).status_code == 400
    assert client.get("/", headers={"Host": "localoffer.kelderbridge.example"}).status_code == 200


def test_sitemap_robots_and_feeds_use_the_public_address_whatever_the_headers_say(production):
    with production.app_context():
        entry = Entry(title="Clearer bus passes", you_said="You said", we_did="We did", theme="local-offer")
        entry.state, entry.publish_at = "published", utcnow() - dt.timedelta(days=1)
        db.session.add(entry)
        db.session.commit()
    client = production.test_client()
    pages = {
        path: client.get(path, headers=FORWARDED)
        for path in ("/sitemap.xml", "/robots.txt", "/you-said-we-did/feed.atom", "/updates/feed.atom")
    }
    for path, response in pages.items():
        assert response.status_code == 200, path
        urls = _absolute_urls(response.get_data(as_text=True))
        ours = [url for url in urls if not any(other in url for other in ("w3.org", "sitemaps.org", "feedgen"))]
        assert ours, f"{path} has no absolute URLs"
        assert all(url.startswith(BASE + "/") or url == BASE for url in ours), f"{path}: {ours}"
        assert "evil.example" not in response.get_data(as_text=True)


def test_the_set_password_link_uses_the_public_address(production):
    with production.app_context():
        make_user("admin", email="boss@kelderbridge.example")
    client = production.test_client()
    token = csrf_token(client)
    client.post(
        "/sign-in",
        data={"email": "boss@kelderbridge.example", "password": PASSWORD, "csrf_token": token},
        headers={**FORWARDED, **SAME_SITE},
    )
    form_token = csrf_token(client, "/staff/users/new")
    response = client.post(
        "/staff/users/new",
        data={"email": "new.starter@kelderbridge.example", "role": "officer", "csrf_token": form_token},
        headers={**FORWARDED, **SAME_SITE},
    )
    assert response.status_code == 200
    links = [url for url in _absolute_urls(response.get_data(as_text=True)) if "/set-password/" in url]
    assert links and all(link.startswith(BASE + "/set-password/") for link in links)


def test_a_client_cannot_choose_its_rate_limit_key(limiter_switched_back_off):
    class Limited(Production):
        RATELIMIT_ENABLED = True

    app = create_app(Limited)
    with app.app_context():
        db.create_all()
    client = app.test_client()
    token = csrf_token(client)
    statuses = []
    for attempt in range(11):
        # The client makes up the first address; the trusted proxy appends the one it saw.
        headers = {"X-Forwarded-For": f"198.51.100.{attempt}, 203.0.113.50", **SAME_SITE}
        statuses.append(
            client.post(
                "/sign-in",
                data={"email": "x@kelderbridge.example", "password": "y", "csrf_token": token},
                headers=headers,
            ).status_code
        )
    assert statuses[:10] == [200] * 10 and statuses[10] == 429
    # Another real client (another address appended by the proxy) is not limited.
    other = client.post(
        "/sign-in",
        data={"email": "x@kelderbridge.example", "password": "y", "csrf_token": token},
        headers={"X-Forwarded-For": "203.0.113.51", **SAME_SITE},
    )
    assert other.status_code == 200
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
