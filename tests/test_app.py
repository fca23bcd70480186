"""The app factory: fail-fast configuration, friendly error pages, language choice."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import create_app
from app.config import BASE_DIR, Config, DevelopmentConfig, TestConfig, config_from_env

from .pages import check_page_structure


def test_production_refuses_to_start_without_a_secret_key():
    class Production(Config):
        SECRET_KEY = None

    with pytest.raises(RuntimeError, match="SECRET_KEY must be set"):
        create_app(Production)


def test_production_warns_when_rate_limits_are_counted_per_process(caplog):
    class Production(Config):
        SECRET_KEY = "a-secret-for-this-test"
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        PUBLIC_BASE_URL = "https://localoffer.kelderbridge.example"
        RATELIMIT_STORAGE_URI = "memory://"
        RATELIMIT_ENABLED = False

    create_app(Production)
    assert "RATELIMIT_STORAGE_URI to redis://" in caplog.text

    caplog.clear()
    create_app(TestConfig)
    assert "RATELIMIT_STORAGE_URI" not in caplog.text, "tests and development run in one process"


def test_development_has_a_key_and_plain_http_cookies():
    assert DevelopmentConfig.SECRET_KEY
    assert DevelopmentConfig.SESSION_COOKIE_SECURE is False
    assert Config.SESSION_COOKIE_SECURE is True
    assert Config.SESSION_COOKIE_HTTPONLY is True
    assert Config.SESSION_COOKIE_SAMESITE == "Lax"


def test_portal_env_picks_the_config(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "development")
    assert config_from_env() is DevelopmentConfig
    monkeypatch.setenv("PORTAL_ENV", "staging")
    with pytest.raises(RuntimeError, match="PORTAL_ENV must be one of"):
        config_from_env()


def test_database_defaults_to_sqlite_under_instance(monkeypatch):
    import app.config as config_module

    monkeypatch.delenv("DATABASE_URL", raising=False)
    reloaded = importlib.reload(config_module)
    try:
        expected = f"sqlite:///{reloaded.BASE_DIR / 'instance' / 'portal.db'}"
        assert expected == reloaded.Config.SQLALCHEMY_DATABASE_URI
    finally:
        monkeypatch.undo()
        importlib.reload(config_module)


def test_an_unexpected_error_shows_the_friendly_500_page():
    app = create_app(TestConfig)

    @app.route("/boom")
    def boom():
        raise ValueError("kaboom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    page = check_page_structure(response)
    assert page.h1 == "Sorry, there is a problem with the service"
    assert "kaboom" not in response.get_data(as_text=True)


def test_language_comes_from_query_then_cookie_then_browser(client):
    response = client.get("/?lang=en")
    assert "lang=en" in response.headers.get("Set-Cookie", "")
    page = check_page_structure(client.get("/", headers={"Accept-Language": "fr"}))
    assert page.soup.html["lang"] == "en-GB"
    assert page.soup.html["dir"] == "ltr"


def test_starting_the_portal_leaves_the_heavy_libraries_for_the_pages_that_use_them():
    """Every gunicorn worker imports the app: charts, sentiment, workbooks and PDFs wait for
    the staff page that needs them, and migrations (Alembic) for `flask db`, so a worker
    starts in under a second."""
    heavy = ("matplotlib", "textblob", "nltk", "weasyprint", "openpyxl", "numpy", "scipy", "textstat", "alembic")
    script = f"import sys, wsgi; print(' '.join(sorted(m for m in {heavy!r} if m in sys.modules)))"
    env = {**os.environ, "PORTAL_ENV": "development", "CONTENT_CACHE_DIR": ""}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_flask_db_upgrade_migrates_an_empty_database(tmp_path):
    """`flask db` loads Flask-Migrate only when it runs, with its own options."""
    env = {**os.environ, "PORTAL_ENV": "development", "FLASK_APP": "wsgi"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'portal.db'}"
    flask = [str(Path(sys.executable).parent / "flask"), "db"]
    run = {"cwd": BASE_DIR, "env": env, "capture_output": True, "text": True, "check": True}
    subprocess.run([*flask, "upgrade"], **run)
    assert "(head)" in subprocess.run([*flask, "current"], **run).stdout
    assert "upgrade" in subprocess.run([*flask, "--directory", "migrations", "--help"], **run).stdout
