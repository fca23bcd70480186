"""Crash test: survey submissions against gunicorn while the server is killed with SIGKILL.

Creates a fresh database (PostgreSQL by default, or SQLite), issues one invitation per
family, starts gunicorn with production settings and has many families answer and send
the parents' survey through the real pages at once. Meanwhile the whole server (master
and workers) is killed with `kill -9` N times, each time mid-load, and started again.
A family whose request fails does what a person would: waits, then tries the same step
again with the same browser (cookies), so a "Send" whose answer was lost is sent again.

Afterwards the database is checked: every reference a family was shown is stored exactly
once, no response is half-written (each has all its answers and its comment), every stored
invitation response completed its invitation, and no answers in progress are left for
families who finished.

    .venv/bin/python bench/crash_bench.py
    .venv/bin/python bench/crash_bench.py --families 600 --crashes 6
    .venv/bin/python bench/crash_bench.py --database sqlite
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from survey_bench import (  # noqa: E402  (the survey benchmark's client and database helpers)
    CSRF_RE,
    PAGES,
    ROOT,
    SURVEY,
    Browser,
    add_server_options,
    fresh_database,
    issue_invitations,
    server_env,
)

from tests.servers import DOWN, REFERENCE_RE, gunicorn_command, wait_until_answers  # noqa: E402


@dataclass
class Tally:
    """What the families saw, shared by every client thread."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: int = 0
    failed_requests: int = 0
    retried_sends: int = 0
    acknowledged: list[str] = field(default_factory=list)
    gave_up: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sent_since_start: int = 0
    sending: int = 0  # families whose Send is in flight right now
    sends_in_flight_at_crashes: list[int] = field(default_factory=list)

    def count(self, ok: bool) -> None:
        with self.lock:
            self.requests += 1
            if not ok:
                self.failed_requests += 1


class Family:
    """One family's browser, retrying any step the server did not answer."""

    def __init__(self, port: int, token: str, tally: Tally, patience: float = 180) -> None:
        self.browser = Browser("127.0.0.1", port)
        self.token, self.tally, self.patience = token, tally, patience
        self.tries = 0

    def call(self, method: str, path: str, form: str | None = None) -> tuple[int, str, str]:
        """One step, repeated (0.25 s apart, for up to `patience` seconds) until the server answers it."""
        self.tries = 0
        deadline = time.monotonic() + self.patience
        while time.monotonic() < deadline:
            self.tries += 1
            try:
                answer = self.browser.request(method, path) if form is None else self.browser.post(path, form)
            except DOWN:
                self.tally.count(False)
                Browser.close_connection()  # a fresh connection for the next try
                time.sleep(0.25)
                continue
            if answer[0] >= 500:  # a worker killed mid-request behind a live socket, say
                self.tally.count(False)
                time.sleep(0.25)
                continue
            self.tally.count(True)
            return answer
        raise TimeoutError(f"{method} {path}: no answer in {self.patience:.0f} s ({self.tries} tries)")

    def run(self) -> None:
        status, location, _ = self.call("GET", f"/s/{self.token}")
        if status != 302 or not location.split("?")[0].endswith(f"/survey/{SURVEY}"):
            raise RuntimeError(f"open link: {status} {location}")
        status, _, page = self.call("GET", f"/survey/{SURVEY}/questions/{PAGES[0][0]}")
        match = CSRF_RE.search(page)
        if status != 200 or not match:
            raise RuntimeError(f"first page: {status}")
        self.browser.csrf = match.group(1)
        for page_id, form in PAGES:
            status, _, _ = self.call("POST", f"/survey/{SURVEY}/questions/{page_id}", form)
            if status != 302:
                raise RuntimeError(f"page {page_id}: {status}")
        with self.tally.lock:
            self.tally.sending += 1
        try:
            status, location, _ = self.call("POST", f"/survey/{SURVEY}/check", "")
        finally:
            with self.tally.lock:
                self.tally.sending -= 1
        if status != 302 or not location.endswith(f"/survey/{SURVEY}/done"):
            raise RuntimeError(f"send: {status} {location}")
        with self.tally.lock:
            self.tally.retried_sends += self.tries - 1  # sent again after the server did not answer
            self.tally.sent_since_start += 1
        status, _, page = self.call("GET", f"/survey/{SURVEY}/done")
        match = REFERENCE_RE.search(page)
        if status != 200 or not match:
            raise RuntimeError(f"done page: {status}")
        with self.tally.lock:
            self.tally.acknowledged.append(match.group(1))


def start_server(args: argparse.Namespace, env: dict) -> subprocess.Popen:
    """gunicorn in a session of its own, so one killpg reaches the master and every worker."""
    command = gunicorn_command(args.port, args.workers, args.threads, options=("--log-level", "critical"))
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stderr=subprocess.DEVNULL)


def wait_until_up(port: int, server: subprocess.Popen) -> float:
    """Seconds until the server answers."""
    return wait_until_answers(port, server, "/survey", seconds=60)


def kill(server: subprocess.Popen) -> None:
    """kill -9 the master and every worker at once."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=30)


def check_database(database_url: str) -> dict:
    """What is stored, straight from the database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as connection:
        references = Counter(row[0] for row in connection.execute(text("SELECT reference FROM survey_response")).all())
        answers_per_response = Counter(
            row[0]
            for row in connection.execute(
                text(
                    "SELECT count(a.response_id) FROM survey_response r "
                    "LEFT JOIN survey_answer a ON a.response_id = r.id GROUP BY r.id"
                )
            ).all()
        )
        completed = connection.execute(
            text("SELECT count(*) FROM survey_invitation WHERE status = 'completed'")
        ).scalar_one()
        comments = connection.execute(
            text("SELECT count(*) FROM moderation_comment WHERE source = 'survey'")
        ).scalar_one()
        drafts = connection.execute(text("SELECT count(*) FROM survey_draft")).scalar_one()
    engine.dispose()
    return {
        "references": references,
        "answers_per_response": answers_per_response,
        "completed": completed,
        "comments": comments,
        "drafts": drafts,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_server_options(parser, database="postgresql", postgres_db="bench_crash", port=8766, redis_db=14)
    parser.add_argument("--families", type=int, default=400, help="invitations answered and sent")
    parser.add_argument("--clients", type=int, default=16, help="families answering at once")
    parser.add_argument("--crashes", type=int, default=4, help="times the server is killed with SIGKILL")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    workdir = Path(tempfile.mkdtemp(prefix="crash-bench-"))
    database_url = fresh_database(args.database, args.postgres_url, workdir)
    tokens = issue_invitations(database_url, args.families)
    print(
        f"database: {args.database}; {len(tokens)} families, {args.clients} at once; "
        f"gunicorn {args.workers} workers x {args.threads} thread(s); {args.crashes} crashes (kill -9)"
    )
    env = server_env(database_url, args.port, args.ratelimit_storage)
    tally = Tally()
    queue = list(reversed(tokens))
    queue_lock = threading.Lock()

    def client() -> None:
        while True:
            with queue_lock:
                if not queue:
                    return
                token = queue.pop()
            try:
                Family(args.port, token, tally).run()
            except Exception as error:  # counted and reported: a family that could not finish
                with tally.lock:
                    tally.gave_up.append(token)
                    tally.errors.append(f"{type(error).__name__}: {error}")

    server = start_server(args, env)
    wait_until_up(args.port, server)
    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    crashes, downtime = 0, 0.0
    try:
        while crashes < args.crashes and any(thread.is_alive() for thread in threads):
            # Mid-load: only once some surveys have gone through since the last start.
            time.sleep(rng.uniform(1.0, 3.0))
            with tally.lock:
                busy = tally.sent_since_start >= 5 and queue
            if not busy:
                continue
            deadline = time.monotonic() + 2  # aim for a moment when some Send is being stored
            while time.monotonic() < deadline and not tally.sending:
                time.sleep(0.002)
            with tally.lock:
                tally.sends_in_flight_at_crashes.append(tally.sending)
            kill(server)
            crashes += 1
            down = time.monotonic()
            time.sleep(rng.uniform(0.2, 1.0))  # the time it takes a supervisor to notice
            server = start_server(args, env)
            wait_until_up(args.port, server)
            downtime += time.monotonic() - down
            with tally.lock:
                tally.sent_since_start = 0
            print(f"  crash {crashes}: killed, back after {time.monotonic() - down:.1f} s")
        for thread in threads:
            thread.join()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            kill(server)
    seconds = time.perf_counter() - started
    # The last few answers wait for a batch of SURVEY_RESPONSE_BATCH (anonymity); the daily job
    # stores a smaller group once its oldest answers have waited SURVEY_RESPONSE_MAX_WAIT_DAYS.
    # Run it as if that time had passed, so that every answer sent is in the responses.
    daily = subprocess.run(
        [str(Path(sys.executable).parent / "flask"), "surveys", "daily"],
        cwd=ROOT,
        env={**env, "FLASK_APP": "wsgi", "SURVEY_RESPONSE_MAX_WAIT_DAYS": "0"},
        capture_output=True,
        text=True,
        check=True,
    )
    print(f"daily job: {daily.stdout.splitlines()[0] if daily.stdout else ''}")

    stored = check_database(database_url)
    acknowledged = Counter(tally.acknowledged)
    references = stored["references"]
    lost = [ref for ref in acknowledged if references[ref] == 0]
    duplicated = [ref for ref, n in references.items() if n > 1] + [ref for ref, n in acknowledged.items() if n > 1]
    unacknowledged = [ref for ref in references if ref not in acknowledged]
    total = sum(references.values())
    shapes = stored["answers_per_response"]
    half_written = sum(n for count, n in shapes.items() if count != max(shapes, default=0))
    print(f"time: {seconds:.1f} s, of which the server was down {downtime:.1f} s")
    print(f"requests: {tally.requests} ({tally.failed_requests} failed while the server was down and were retried)")
    print(
        f"crashes: {crashes}, with {sum(tally.sends_in_flight_at_crashes)} sends in flight when killed "
        f"{tally.sends_in_flight_at_crashes}; sends retried after a crash: {tally.retried_sends}"
    )
    print(f"acknowledged: {len(tally.acknowledged)} references shown to families ({len(tally.gave_up)} gave up)")
    print(
        f"stored: {total} responses, {stored['completed']} invitations completed, {stored['comments']} comments, "
        f"{stored['drafts']} answers in progress left; answers per response: {dict(shapes)}"
    )
    print(f"lost: {len(lost)}; duplicated: {len(duplicated)}; stored but never acknowledged: {len(unacknowledged)}")
    print(f"half-written responses: {half_written}")
    if tally.errors:
        print(f"errors: {len(tally.errors)} (first: {tally.errors[:3]})")
    ok = (
        not lost
        and not duplicated
        and not half_written
        and not tally.gave_up
        and crashes == args.crashes
        and total == stored["completed"] == stored["comments"] == len(tally.acknowledged) == len(tokens)
        and stored["drafts"] == 0
    )
    print("RESULT:", "OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
