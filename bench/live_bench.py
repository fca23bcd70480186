"""Publish-to-visible: how long a change published on one portal process takes to be served by another.

    TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/scratch \\
        .venv/bin/python bench/live_bench.py [--publishes 50] [--poll 2]

1. Creates an empty database beside the one named (dropped at the end), with the portal's tables
   and an officer's account, and builds a search index from content/.
2. Starts two gunicorn processes on it (`tests/portals.py`), each with its own copy of the index
   and `LIVE_POLL_SECONDS` set to `--poll`.
3. `--publishes` times: the officer changes a service's summary through process A's edit form
   and presses Publish; from the moment A answers, process B is asked every 50 ms until its page
   shows the new summary, and then until its search finds the new word.

Prints p50/p95/max for the page and for search. Target: p95 of the page within 5 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.config import TestConfig  # noqa: E402
from app.content import load_store  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models.staff import User  # noqa: E402
from app.search import build_index  # noqa: E402
from tests.portals import Staff, seconds_until, shows, two_portals  # noqa: E402

SLUG = "all-wheels-adapted-cycling"
EMAIL = "bench-officer@kelderbridge.example"
PASSWORD = "bench-river-lantern-93"


def word(number: int) -> str:
    """A made-up word, different for each publish, that only letters make (search splits on digits)."""
    return "zebr" + "".join("abcdefghij"[int(digit)] for digit in str(number))


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def scratch_database(server_url: str) -> str:
    base = make_url(server_url)
    name = f"{base.database}_live_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--publishes", type=int, default=50)
    parser.add_argument("--poll", type=float, default=2.0, help="LIVE_POLL_SECONDS of both processes")
    args = parser.parse_args()
    server = os.environ.get("TEST_DATABASE_URL", "")
    if not server.startswith("postgresql"):
        raise SystemExit("Set TEST_DATABASE_URL to a PostgreSQL database (its server gets a scratch database)")
    url = scratch_database(server)

    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    try:
        app = create_app(BenchConfig)
        with app.app_context():
            db.create_all()
            officer = User(email=EMAIL, role="officer", active=True)
            officer.set_password(PASSWORD)
            db.session.add(officer)
            db.session.commit()
            db.engine.dispose()
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / "index"
            build_index(load_store(ROOT / "content"), source)
            with two_portals(url, source, Path(tmp), poll_seconds=args.poll) as (first, second):
                staff = Staff(first, EMAIL, PASSWORD)
                pages, searches = [], []
                for number in range(1, args.publishes + 1):
                    summary = f"Adapted bikes for everyone, {word(number)} edition."
                    staff.edit(
                        f"/staff/local-offer/services/{SLUG}/edit", {"summary": summary, "note": f"Bench {number}"}
                    )
                    page = seconds_until(shows(second, f"/services/{SLUG}", summary), 30)
                    found = seconds_until(shows(second, f"/search?q={word(number)}", f'href="/services/{SLUG}"'), 30)
                    if page is None or found is None:
                        raise SystemExit(f"publish {number} was not visible on the other process within 30 s")
                    pages.append(page)
                    searches.append(found + page)
                    print(f"  publish {number:3d}: page {page:5.2f} s, search {found + page:5.2f} s", flush=True)
        print(f"\n{args.publishes} publishes, two gunicorn processes, LIVE_POLL_SECONDS={args.poll}:")
        for label, samples in (("page on the other process", pages), ("search on the other process", searches)):
            print(
                f"  {label:<28} p50 {percentile(samples, 0.5):5.2f} s   p95 {percentile(samples, 0.95):5.2f} s"
                f"   max {max(samples):5.2f} s"
            )
        verdict = "within" if percentile(pages, 0.95) <= 5 else "ABOVE"
        print(f"  p95 publish-to-visible is {verdict} the 5 s target")
    finally:
        drop_database(url)


if __name__ == "__main__":
    main()
