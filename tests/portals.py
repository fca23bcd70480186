"""Two portal processes (gunicorn) sharing one PostgreSQL database, and a member of staff using one.

Used by the test that proves a publish is served by every process (tests/test_live_content.py)
and by the publish-to-visible benchmark (bench/live_bench.py).
"""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import requests

from .helpers import form_fields
from .servers import CSRF_RE, gunicorn


@contextlib.contextmanager
def two_portals(database_url: str, index_source: Path, workdir: Path, poll_seconds: float = 2.0) -> Iterator[list[str]]:
    """Two gunicorn processes on one database, each with a search index folder of its own.

    Yields their base URLs. Each index starts as a copy of `index_source`.
    """
    bases = []
    with contextlib.ExitStack() as stack:
        for name in ("a", "b"):
            index_dir = workdir / f"index-{name}"
            shutil.copytree(index_source, index_dir)
            env = {
                "PORTAL_ENV": "development",
                "DATABASE_URL": database_url,
                "SEARCH_INDEX_DIR": str(index_dir),
                "LIVE_POLL_SECONDS": str(poll_seconds),
                "SEARCH_LIVE_UPDATES": "true",
            }
            server = stack.enter_context(gunicorn(env, seconds=120))
            bases.append(f"http://127.0.0.1:{server.port}")
        yield bases


class Staff:
    """A member of staff using one portal process through its forms, as a browser would."""

    def __init__(self, base: str, email: str, password: str) -> None:
        self.base = base
        self.http = requests.Session()
        response = self.post("/sign-in", {"email": email, "password": password})
        assert "/staff" in response.url, "signed in"

    def get(self, path: str) -> requests.Response:
        response = self.http.get(self.base + path, timeout=60)
        response.raise_for_status()
        return response

    def post(self, path: str, data: dict, token_from: str | None = None) -> requests.Response:
        token = CSRF_RE.search(self.get(token_from or path).text)
        assert token, f"{path} has a form"
        return self.http.post(self.base + path, data={**data, "csrf_token": token.group(1)}, timeout=60)

    def edit(self, path: str, changes: dict, button: str = "publish") -> requests.Response:
        """Change some fields of the edit form at `path` and press `button`."""
        fields = form_fields(self.get(path).text)
        fields.update(changes)
        fields[button] = "1"
        response = self.http.post(self.base + path, data=fields, timeout=60)
        assert response.status_code == 200 and "/revisions/" in response.url, f"{path}: {response.status_code}"
        return response


def seconds_until(check: Callable[[], bool], limit: float, interval: float = 0.05) -> float | None:
    """How long until `check()` is true (None when it is still false after `limit` seconds)."""
    start = time.monotonic()
    while True:
        if check():
            return time.monotonic() - start
        if time.monotonic() - start > limit:
            return None
        time.sleep(interval)


def shows(base: str, path: str, text: str) -> Callable[[], bool]:
    """A check: the page at `path` on the process at `base` contains `text`."""

    def check() -> bool:
        return text in requests.get(base + path, timeout=30).text

    return check
