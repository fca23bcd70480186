"""Configuration read from the environment.

`PORTAL_ENV` picks the class: `production` (the default), `development` or `testing`.
Production refuses to start without a `SECRET_KEY`.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.pool import NullPool

from .languages import LANGUAGES

BASE_DIR = Path(__file__).resolve().parent.parent


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Production settings: everything sensitive comes from the environment."""

    ENV_NAME = "production"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'instance' / 'portal.db'}"
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    CONTENT_DIR = Path(os.environ.get("CONTENT_DIR", BASE_DIR / "content"))
    SEARCH_INDEX_DIR = Path(os.environ.get("SEARCH_INDEX_DIR", BASE_DIR / "search_index"))
    SURVEYS_DIR = Path(os.environ.get("SURVEYS_DIR", BASE_DIR / "surveys"))
    #: Where the parsed content is cached between starts, keyed by its fingerprint ("" turns it off).
    CONTENT_CACHE_DIR = os.environ.get("CONTENT_CACHE_DIR", str(BASE_DIR / "instance" / "content-cache")) or None

    #: Locales the interface is offered in, each named in itself (see app/languages.py).
    LANGUAGES = LANGUAGES
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Europe/London"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGE_COOKIE = "lang"

    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_HTTPONLY = True
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "https")
    #: How many proxies in front of the portal append to X-Forwarded-For and set -Proto (0: trust none).
    TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
    #: The portal's public address (scheme and host): every absolute URL is built from it.
    #: Required in production.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL") or None
    #: Host names requests may be made for (others get a 400); defaults to PUBLIC_BASE_URL's host.
    TRUSTED_HOSTS = [h.strip() for h in os.environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()] or None

    STAFF_SESSION_IDLE_MINUTES = int(os.environ.get("STAFF_SESSION_IDLE_MINUTES", "30"))
    #: Hours after signing in after which a staff session ends, however active.
    STAFF_SESSION_MAX_HOURS = int(os.environ.get("STAFF_SESSION_MAX_HOURS", "12"))

    WTF_CSRF_TIME_LIMIT = 4 * 3600
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    #: No X-RateLimit-* headers on every response (each costs the store a round trip); a 429
    #: page still says when to try again in Retry-After.
    RATELIMIT_HEADERS_ENABLED = False
    #: A rate-limit storage failure (Redis unreachable, a race in the in-memory store under
    #: threaded workers) is logged and the request allowed, never turned into a 500.
    RATELIMIT_SWALLOW_ERRORS = True
    #: Per-client limits on survey submissions, code entry and page feedback.
    SURVEY_RATE_LIMIT = os.environ.get("SURVEY_RATE_LIMIT", "20 per minute;200 per hour")
    #: Per-client limit on the Open Referral API.
    OPENREFERRAL_RATE_LIMIT = os.environ.get("OPENREFERRAL_RATE_LIMIT", "120 per minute;2000 per hour")
    #: Per-client limit on answering survey pages (each saves answers in progress).
    SURVEY_PAGE_RATE_LIMIT = os.environ.get("SURVEY_PAGE_RATE_LIMIT", "60 per minute;600 per hour")
    #: Per-client limit on adding to, taking from and clearing "My list".
    MY_LIST_RATE_LIMIT = os.environ.get("MY_LIST_RATE_LIMIT", "60 per minute;600 per hour")
    #: How long a survey invitation's link and code work.
    SURVEY_INVITATION_DAYS = int(os.environ.get("SURVEY_INVITATION_DAYS", "90"))
    #: Days after an invitation is completed or expires that its email address is deleted (`flask surveys daily`).
    SURVEY_EMAIL_RETENTION_DAYS = int(os.environ.get("SURVEY_EMAIL_RETENTION_DAYS", "30"))
    #: Days after an emailed or texted invitation went out on which reminders are sent (at most two;
    #: empty for none), by `flask surveys remind`.
    SURVEY_REMINDER_DAYS = os.environ.get("SURVEY_REMINDER_DAYS", "7,14")
    #: Hours an upload's links and codes stay on its result page for the officer who made it (at most 24).
    SURVEY_UPLOAD_RESULT_HOURS = int(os.environ.get("SURVEY_UPLOAD_RESULT_HOURS", "24"))
    #: Digests of links, codes and tokens are keyed with this (derived from SECRET_KEY when unset).
    #: Set it to keep links and codes working when SECRET_KEY is rotated.
    TOKEN_HASH_KEY = os.environ.get("TOKEN_HASH_KEY")
    #: Sent answers are stored together, shuffled, once this many are waiting: the smallest
    #: group of families a stored response can be narrowed down to.
    SURVEY_RESPONSE_BATCH = int(os.environ.get("SURVEY_RESPONSE_BATCH", "10"))
    #: `flask surveys daily` stores a smaller batch once its oldest answers have waited this long.
    SURVEY_RESPONSE_MAX_WAIT_DAYS = int(os.environ.get("SURVEY_RESPONSE_MAX_WAIT_DAYS", "7"))
    #: Months a provider's "Yes, still correct" moves a listing's next review date on by.
    LISTING_REVIEW_MONTHS = int(os.environ.get("LISTING_REVIEW_MONTHS", "12"))
    #: `flask content remind` asks a listing's maintainer to check it this many days before its review date.
    LISTING_REVIEW_NOTICE_DAYS = int(os.environ.get("LISTING_REVIEW_NOTICE_DAYS", "30"))
    #: Days after a review request without an answer that one reminder is sent.
    LISTING_REVIEW_REMINDER_DAYS = int(os.environ.get("LISTING_REVIEW_REMINDER_DAYS", "14"))
    #: Days a "please check your listing" link works after the last email about it.
    LISTING_REVIEW_LINK_DAYS = int(os.environ.get("LISTING_REVIEW_LINK_DAYS", "60"))

    #: How often (seconds) each process looks for content published in the browser.
    LIVE_POLL_SECONDS = float(os.environ.get("LIVE_POLL_SECONDS", "2"))
    #: Each process updates its search index in place when content is published.
    SEARCH_LIVE_UPDATES = _bool("SEARCH_LIVE_UPDATES", True)
    #: How often each process writes the searches it counted (seconds; 0 writes each one at once).
    SEARCH_COUNT_SECONDS = float(os.environ.get("SEARCH_COUNT_SECONDS", "10"))
    #: Public pages each process keeps rendered for visitors with nothing in their session (0: none).
    PAGE_CACHE_SIZE = int(os.environ.get("PAGE_CACHE_SIZE", "512"))
    #: Messages (app/notifications): email goes by "smtp" or "notify" (GOV.UK Notify); text
    #: messages only by Notify. Unset: Notify when NOTIFY_API_KEY is set, else SMTP when SMTP_HOST is.
    NOTIFICATIONS_EMAIL_TRANSPORT = os.environ.get("NOTIFICATIONS_EMAIL_TRANSPORT") or None
    #: Attempts before a message is given up, and the first wait between them (doubling each time, at most 6 hours).
    NOTIFICATIONS_MAX_ATTEMPTS = int(os.environ.get("NOTIFICATIONS_MAX_ATTEMPTS", "10"))
    NOTIFICATIONS_RETRY_SECONDS = int(os.environ.get("NOTIFICATIONS_RETRY_SECONDS", "60"))
    #: The council's mail relay.
    SMTP_HOST = os.environ.get("SMTP_HOST") or None
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "587"))
    SMTP_STARTTLS = _bool("SMTP_STARTTLS", True)
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME") or None
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD") or None
    SMTP_TIMEOUT = int(os.environ.get("SMTP_TIMEOUT", "20"))
    #: The address emails come from, e.g. "Anytown Local Offer <localoffer@anytown.example>".
    MAIL_FROM = os.environ.get("MAIL_FROM") or None
    #: GOV.UK Notify: the API key, the API's address, and the template ids ("email=ID,sms=ID"; a
    #: message's own key first, e.g. "surveys/invitation.email=ID"). Each template's subject is
    #: ((subject)) and its body ((body)): the portal writes the text, in the family's language.
    NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY") or None
    NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
    NOTIFY_TEMPLATE_IDS = os.environ.get("NOTIFY_TEMPLATE_IDS", "")

    TESTING = False
    DEBUG = False


class DevelopmentConfig(Config):
    """Local development: a fixed secret and cookies that work over plain http."""

    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    PREFERRED_URL_SCHEME = "http"
    DEBUG = _bool("FLASK_DEBUG", False)


class TestConfig(Config):
    """The test suite: an in-memory database unless TEST_DATABASE_URL is set."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    # Many short-lived apps are built in tests: on a server database, close each connection
    # when it is released rather than pooling it (an in-memory SQLite keeps its own pool).
    SQLALCHEMY_ENGINE_OPTIONS = (
        {"poolclass": NullPool} if not SQLALCHEMY_DATABASE_URI.startswith("sqlite") else {"pool_pre_ping": True}
    )
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    PREFERRED_URL_SCHEME = "http"
    RATELIMIT_ENABLED = False
    #: Tests read content afresh unless they ask for the cache.
    CONTENT_CACHE_DIR = os.environ.get("CONTENT_CACHE_DIR") or None
    SERVER_NAME = None
    #: Each response is stored as soon as it is sent (tests of batching set their own size).
    SURVEY_RESPONSE_BATCH = 1
    PUBLIC_BASE_URL = None
    TRUSTED_HOSTS = None
    #: Every request looks for published content, so a test sees its own change (and not the last test's).
    LIVE_POLL_SECONDS = 0.0
    #: The tests share one search index folder: only tests with an index of their own update it.
    SEARCH_LIVE_UPDATES = False
    #: Each search is counted in the database as it is made (tests of batching set their own).
    SEARCH_COUNT_SECONDS = 0.0
    #: Nothing is sent unless a test points a transport at its own local server.
    NOTIFICATIONS_EMAIL_TRANSPORT = None
    SMTP_HOST = None
    NOTIFY_API_KEY = None


CONFIGS: dict[str, type[Config]] = {
    "production": Config,
    "development": DevelopmentConfig,
    "testing": TestConfig,
}


def config_from_env() -> type[Config]:
    """The config class named by PORTAL_ENV (production when unset)."""
    name = os.environ.get("PORTAL_ENV", "production")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"PORTAL_ENV must be one of {', '.join(CONFIGS)}, not {name!r}") from None
