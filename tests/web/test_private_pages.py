"""Live tokens stay out of caches, referrers and access logs: staff pages and pages showing
a link or code are never stored; an invitation link is swapped for the session at once."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from gunicorn.config import Config as GunicornConfig

from app.access_log import TokenRedactingLogger

from ..factories import create_invitation
from ..factories import create_user as make_user
from ..helpers import act_as, post_form

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
    set_password = app.test_client().get(f"/set-password/{token}")
    assert set_password.status_code == 200 and _no_store(set_password)
    assert set_password.headers["Referrer-Policy"] == "no-referrer"


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
