"""Security headers on every page, CSRF refusal on every POST route, and session cookies."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid

import pytest
from flask import Flask, session
from flask.testing import FlaskClient
from werkzeug.routing import IntegerConverter, Rule

from app import create_app
from app.config import BASE_DIR, Config, TestConfig
from app.content import CATEGORIES
from app.services import content_store

from ..pages import check_page_structure

CSRF_HEADING = "Sorry, we could not accept that form"

#: POST routes that may take a request without a CSRF token, with the reason. Keep it empty
#: unless a route authenticates its callers some other way (a signed webhook, say).
CSRF_EXEMPT: dict[str, str] = {}

ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def page_paths(app: Flask) -> list[str]:
    """Every GET route without arguments, every category and content page, and a missing page."""
    paths = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or set()) and not rule.arguments and "<" not in rule.rule
    )
    store = content_store(app)
    paths += [f"/categories/{key}" for key in CATEGORIES]
    paths += [doc.url for doc in store.documents()]
    paths.append(f"/report-a-problem/services/{next(iter(store.services))}")
    paths.append("/review/not-a-real-link")
    paths.append("/no-such-page")
    return paths


def csp_directives(response) -> dict[str, list[str]]:
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {}
    for part in policy.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_security_headers(response, path: str) -> None:
    for name, value in ALWAYS.items():
        allowed = {value, "no-referrer"} if name == "Referrer-Policy" else {value}  # stricter on token pages
        assert response.headers.get(name) in allowed, f"{path}: {name} is {response.headers.get(name)!r}"
    assert "camera=()" in response.headers.get("Permissions-Policy", ""), path
    csp = csp_directives(response)
    assert csp.get("frame-ancestors") == ["'none'"], path
    assert csp.get("default-src") == ["'self'"], path
    assert csp.get("object-src") == ["'none'"], path
    for name, values in csp.items():
        assert "'unsafe-inline'" not in values and "'unsafe-eval'" not in values, f"{path}: {name} {values}"
    assert "Strict-Transport-Security" not in response.headers, f"{path}: HSTS sent over plain http"


def test_every_page_carries_the_security_headers(app, client: FlaskClient):
    html_pages = 0
    for path in page_paths(app):
        response = client.get(path)
        assert response.status_code in {200, 302, 404}, f"{path}: {response.status_code}"
        assert_security_headers(response, path)
        if response.mimetype == "text/html" and response.status_code != 302:
            check_page_structure(response)
            html_pages += 1
    assert html_pages > 30


def test_pages_have_no_inline_script_or_style(app, client: FlaskClient):
    """Every script is a file (or carries this response's nonce); no inline handlers or styles."""
    for path in page_paths(app):
        response = client.get(path)
        if response.mimetype != "text/html":
            continue
        page = check_page_structure(response)
        nonce = csp_directives(response)["script-src"][-1].removeprefix("'nonce-").removesuffix("'")
        for script in page.select("script"):
            assert script.get("src") or script.get("nonce") == nonce, f"{path}: inline script {script}"
        assert not page.select("style:not([nonce])"), f"{path}: <style> element"
        for tag in page.soup.find_all(True):
            handlers = [name for name in tag.attrs if name.startswith("on")]
            assert not handlers, f"{path}: inline handler {handlers} on <{tag.name}>"
            assert "style" not in tag.attrs, f"{path}: style attribute on <{tag.name}>"
            assert not str(tag.get("href", "")).lower().startswith("javascript:"), path


def test_the_script_nonce_is_new_on_every_request(client: FlaskClient):
    nonces = {csp_directives(client.get("/"))["script-src"][-1] for _ in range(3)}
    assert len(nonces) == 3
    assert all(re.fullmatch(r"'nonce-[A-Za-z0-9_-]{24}'", nonce) for nonce in nonces)


def test_static_files_are_not_sniffed(client: FlaskClient):
    for path in ["/static/css/app.css", "/static/js/app.mjs", "/assets/govuk-frontend.min.js"]:
        with client.get(path) as response:
            assert response.status_code == 200, path
            assert response.headers["X-Content-Type-Options"] == "nosniff", path


def test_hsts_only_over_https(client: FlaskClient):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


class ProxiedConfig(TestConfig):
    TRUSTED_PROXY_COUNT = 1


def test_hsts_behind_a_trusted_proxy_follows_x_forwarded_proto(client: FlaskClient):
    proxied = create_app(ProxiedConfig).test_client()
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    assert "Strict-Transport-Security" in proxied.get("/", headers=forwarded).headers
    assert "Strict-Transport-Security" not in proxied.get("/", headers={"X-Forwarded-Proto": "http"}).headers
    # Without a trusted proxy anyone could claim https: the header is ignored.
    assert "Strict-Transport-Security" not in client.get("/", headers=forwarded).headers


def _plausible_url(app: Flask, rule: Rule) -> str:
    """The rule's URL with a plausible value for each argument."""
    store = content_store(app)
    examples = {
        "slug": next(iter(store.services)),
        "key": next(iter(CATEGORIES)),
        "token": "a" * 32,
    }
    values: dict[str, object] = {}
    for name in rule.arguments:
        converter = type(rule._converters[name]).__name__
        if isinstance(rule._converters[name], IntegerConverter):
            values[name] = 1
        elif converter == "UUIDConverter":
            values[name] = uuid.UUID(int=1)
        else:
            values[name] = examples.get(name, "example")
    adapter = app.url_map.bind("localhost")
    return adapter.build(rule.endpoint, values, method="POST")


def post_rules(app: Flask) -> list[Rule]:
    return [rule for rule in app.url_map.iter_rules() if "POST" in (rule.methods or set())]


def assert_refused_without_csrf(app: Flask, client: FlaskClient) -> tuple[list[str], list[str]]:
    """POST to every POST route with no token and with a forged one: a friendly 400 page each time.

    Returns the URLs checked and those skipped because their plausible URL matched nothing (404).
    """
    checked, skipped = [], []
    for rule in post_rules(app):
        if rule.endpoint in CSRF_EXEMPT:
            continue
        url = _plausible_url(app, rule)
        for data in ({"name": "value"}, {"name": "value", "csrf_token": "forged"}):
            response = client.post(url, data=data)
            if response.status_code == 404:
                skipped.append(url)  # the plausible values did not match anything real
                break
            assert response.status_code == 400, f"POST {url} {data}: {response.status_code} without a valid token"
            page = check_page_structure(response)
            assert page.h1 == CSRF_HEADING, f"POST {url}: {page.h1!r}"
            assert "Go back, refresh the page and try again" in page.text()
            assert_security_headers(response, url)
        else:
            checked.append(url)
    return checked, skipped


def test_every_post_route_refuses_a_request_without_a_csrf_token(app, client: FlaskClient):
    checked, skipped = assert_refused_without_csrf(app, client)
    assert len(skipped) <= len(checked), f"too many POST routes could not be reached: {skipped}"


def test_a_form_without_its_token_gets_the_friendly_page_and_writes_nothing():
    """A route added to a fresh app is covered by the same enumeration, and its view never runs."""
    probe = create_app(TestConfig)
    calls = []

    @probe.post("/probe/<int:number>/<name>")
    def probe_form(number: int, name: str):
        calls.append((number, name))
        return "saved"

    checked, _skipped = assert_refused_without_csrf(probe, probe.test_client())
    assert "/probe/1/example" in checked
    assert not calls


def _config_in_clean_process(name: str) -> str:
    """A setting of a config class as a fresh process sees it, with no cookie overrides."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SESSION_COOKIE", "PORTAL_ENV"))}
    code = (
        "from app.config import CONFIGS\n"
        f"c = CONFIGS[{name!r}]\n"
        "print(c.SESSION_COOKIE_SECURE, c.REMEMBER_COOKIE_SECURE)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_cookies_are_secure_outside_development():
    assert _config_in_clean_process("production") == "True True"
    assert _config_in_clean_process("development") == "False False"


class ProductionLikeConfig(Config):
    """Production settings with a test secret and database."""

    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SESSION_COOKIE_SECURE = True
    PUBLIC_BASE_URL = "https://localhost"


@pytest.fixture()
def production_app() -> Flask:
    production = create_app(ProductionLikeConfig)

    @production.get("/probe-session")
    def probe_session():
        session["seen"] = True
        return "ok"

    return production


def _cookie_flags(response, name: str) -> set[str]:
    """The attributes of the named Set-Cookie header, lower-cased (``secure``, ``samesite=lax``...)."""
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}="))
    return {part.strip().lower() for part in header.split(";")[1:]}


def test_session_and_language_cookies_are_secure_httponly_and_lax(production_app: Flask):
    client = production_app.test_client()
    with client.without_page_checks():  # the probe answers "ok", not a page
        session_flags = _cookie_flags(client.get("/probe-session", base_url="https://localhost"), "session")
    assert {"secure", "httponly", "samesite=lax"} <= session_flags
    language_flags = _cookie_flags(client.get("/?lang=en", base_url="https://localhost"), "lang")
    assert {"secure", "httponly", "samesite=lax"} <= language_flags
