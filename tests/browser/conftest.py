"""Real-browser fixtures: the portal served on a free local port, Debian's Chromium, journeys.

Chromium is never downloaded: Playwright drives /usr/bin/chromium (`make browser-deps`
installs it). Without it the browser tests are skipped, except in CI (CI set), where they fail.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from app import create_app
from app.config import BASE_DIR, TestConfig
from app.extensions import db

from .journey import AuditLog, Journey, Mode

CHROMIUM = Path("/usr/bin/chromium")
AXE_SCRIPT = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = BASE_DIR / "build" / "screenshots"

#: Headless and off the network: no background fetches, updates, sync or QUIC. Playwright adds a
#: fresh, temporary --user-data-dir of its own to every launch (and refuses one passed here).
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

AUDIT_LOG = AuditLog()


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (browser tests must run in CI)")
    pytest.skip(reason)


class QuietHandler(WSGIRequestHandler):
    """No access log lines in the test output."""

    def log_request(self, *args, **kwargs) -> None:
        pass


class LiveServer:
    """The portal served from a thread on 127.0.0.1 and a free port."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="live-server", daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory, search_index_dir: Path) -> Iterator[LiveServer]:
    """The portal with the test config, its own SQLite file and a fresh search index, for the whole session."""

    class BrowserConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'portal.db'}"
        SEARCH_INDEX_DIR = search_index_dir

    app = create_app(BrowserConfig)
    with app.app_context():
        db.create_all()
    with LiveServer(app) as server:
        yield server
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """Debian's Chromium, headless, driven by Playwright."""
    if not CHROMIUM.exists():
        _unavailable(f"Chromium is not installed at {CHROMIUM}: `make browser-deps` installs it")
    if not AXE_SCRIPT.exists():
        _unavailable(f"{AXE_SCRIPT.relative_to(BASE_DIR)} is missing: `make setup` installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keep each phase's report on the test item, so fixtures can tell whether it failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture()
def journey(browser, live_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Callable[[Mode], Journey]]:
    """Make a Journey in a fresh browser context for a mode; save its screenshots if the test fails.

    Its audits count towards the session's summary unless it is given a log of its own.
    """
    made: list[tuple[Journey, object]] = []

    def make(mode: Mode, log: AuditLog | None = None) -> Journey:
        context = browser.new_context(
            viewport={"width": mode.width, "height": mode.height},
            device_scale_factor=mode.scale,
            locale="en-GB",
            java_script_enabled=True,
        )
        context.set_default_timeout(10_000)
        page = context.new_page()
        made.append((Journey(page, live_server.app, live_server.url, mode, AXE_SCRIPT, log or AUDIT_LOG), context))
        return made[-1][0]

    yield make
    report = getattr(request.node, "rep_call", None)
    for built, context in made:
        if report is not None and report.failed:
            _save_screenshots(request.node.name, built)
        context.close()


def _save_screenshots(test_name: str, journey: Journey) -> None:
    """A screenshot of each page type the journey reached, and of where it stopped."""
    folder = SCREENSHOTS / _file_name(test_name)
    folder.mkdir(parents=True, exist_ok=True)
    for page_type, png in journey.screenshots.items():
        (folder / f"{_file_name(page_type)}.png").write_bytes(png)
    try:
        journey.page.screenshot(path=folder / "where-it-stopped.png", full_page=True)
    except Exception as error:  # the page itself may be what broke
        (folder / "where-it-stopped.txt").write_text(f"no screenshot: {error}\n", encoding="utf-8")


def _file_name(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", text)


def pytest_terminal_summary(terminalreporter) -> None:
    """How many pages axe-core audited, and what it found."""
    if AUDIT_LOG.pages:
        types = {page_type for _, page_type, _ in AUDIT_LOG.pages}
        modes = {mode for mode, _, _ in AUDIT_LOG.pages}
        terminalreporter.write_line(
            f"axe-core audited {len(AUDIT_LOG.pages)} pages ({len(types)} page types in {len(modes)} viewports): "
            f"{AUDIT_LOG.violations} violations"
        )
