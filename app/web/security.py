"""Security headers on every response, a per-request CSP nonce, public URLs and trusted hosts,
and trust in the TLS proxy.

The Content Security Policy allows scripts, styles, images and fonts from this site only:
no inline code, no `unsafe-inline`. A template that really needs an inline script gives it
`nonce="{{ csp_nonce() }}"`; the nonce is new on every request.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from flask import Flask, Response, abort, g, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.sansio.utils import host_is_trusted

#: One year, the minimum for the HSTS preload list.
HSTS_MAX_AGE = 365 * 24 * 3600

#: Browser features the portal never uses, switched off for every page and anything it embeds.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)


def csp_nonce() -> str:
    """This request's CSP nonce, made on first use."""
    nonce = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(18)
    return nonce


def content_security_policy(nonce: str) -> str:
    """The policy for one response: everything from this site, scripts also by nonce."""
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{nonce}'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
        "base-uri": "'self'",
        "object-src": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


#: Endpoints (besides everything under /staff/) whose responses no cache may keep: sign-in
#: and set-password pages, invitation links, the survey pages that show a family's answers,
#: review links and the pages a provider checks their listing on, the problem report form, and
#: the "please don't remind me" page.
NO_STORE_BLUEPRINTS = frozenset({"auth", "surveys", "upkeep", "survey_reminders"})
#: Links whose URL holds a live token. Each only swaps it for the session and redirects to an
#: address without it; the browser must not send it on as a referrer meanwhile.
TOKEN_ENDPOINTS = frozenset(
    {"surveys.invitation_link", "auth.set_password", "upkeep.review_link", "survey_reminders.stop"}
)


def is_private(path: str, blueprint: str | None) -> bool:
    """True for a staff page or one that may show a link, a code, answers or a form tied to a session."""
    return path.startswith("/staff/") or blueprint in NO_STORE_BLUEPRINTS


def add_security_headers(response: Response) -> Response:
    """Set the security headers on a response (leaving any a view set itself)."""
    headers = response.headers
    if is_private(request.path, request.blueprint):
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
    if request.endpoint in TOKEN_ENDPOINTS:
        headers["Referrer-Policy"] = "no-referrer"
    headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", f"max-age={HSTS_MAX_AGE}; includeSubDomains")
    return response


class PublicScheme:
    """WSGI middleware: every request is treated as made with the public address's scheme."""

    def __init__(self, wsgi_app: Callable, scheme: str) -> None:
        self.wsgi_app, self.scheme = wsgi_app, scheme

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        environ["wsgi.url_scheme"] = self.scheme
        return self.wsgi_app(environ, start_response)


def use_public_base_url(app: Flask) -> None:
    """Take every absolute URL from PUBLIC_BASE_URL and answer only the hosts in TRUSTED_HOSTS.

    In production PUBLIC_BASE_URL is required: the sitemap, robots.txt, feeds, set-password
    and survey links are built from it, never from the request's Host header. TRUSTED_HOSTS
    defaults to its host name; a request for any other host gets a 400.
    """
    base = (app.config.get("PUBLIC_BASE_URL") or "").strip()
    if not base:
        if app.config.get("ENV_NAME") == "production":
            raise RuntimeError("PUBLIC_BASE_URL must be set in production, e.g. https://localoffer.example.gov.uk")
        return
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path.strip("/") or parts.query:
        raise RuntimeError(
            f"PUBLIC_BASE_URL must be a scheme and host only, like https://localoffer.example, not {base!r}"
        )
    app.config["SERVER_NAME"] = parts.netloc
    app.config["PREFERRED_URL_SCHEME"] = parts.scheme
    # Checked here rather than by Flask, which would refuse the host before the error page
    # could be drawn: an untrusted host gets the ordinary 400 page (its links built from
    # PUBLIC_BASE_URL too).
    trusted = list(app.config.get("TRUSTED_HOSTS") or [parts.hostname])
    app.config["TRUSTED_HOSTS"] = None
    app.extensions["trusted_hosts"] = trusted

    def refuse_untrusted_hosts() -> None:
        host = (request.environ.get("HTTP_HOST") or request.environ.get("SERVER_NAME") or "").rsplit(":", 1)[0]
        if not host_is_trusted(host, trusted):
            abort(400)

    app.before_request_funcs.setdefault(None, []).insert(0, refuse_untrusted_hosts)
    app.wsgi_app = PublicScheme(app.wsgi_app, parts.scheme)  # type: ignore[method-assign]


def register_security(app: Flask) -> None:
    """Public URLs and trusted hosts, trust in the configured number of proxies, and the headers
    (`csp_nonce()` is a template global)."""
    use_public_base_url(app)
    proxies = int(app.config.get("TRUSTED_PROXY_COUNT", 0))
    if proxies > 0:
        # Only the client's address and scheme are taken from the proxies. Hosts and ports are
        # never taken from X-Forwarded-Host/-Port, which a client can send through a proxy.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0, x_port=0)
    app.after_request(add_security_headers)
