"""Survey submissions against a live gunicorn: throughput, errors, and nothing lost.

Creates a fresh database (SQLite file or a PostgreSQL database of its own), migrates it,
issues one invitation per submission, starts gunicorn with several workers, and has each
client answer its surveys through the real pages (link, questions, CSRF tokens, cookies).
The timed phase is the submissions themselves: every client sends its prepared answers
one after another, all clients at once, and a tenth are sent a second time to check a
resubmission is recognised. Then the database is counted: responses stored must equal
submissions acknowledged, and every invitation must be completed exactly once.

    .venv/bin/python bench/survey_bench.py --database sqlite
    .venv/bin/python bench/survey_bench.py --database postgresql \
        --postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_surveys
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import (  # noqa: E402  (one plain HTTP browser and survey route for the tests and benchmarks)
    CSRF_RE,
    SURVEY,
    Browser,
    gunicorn_command,
    wait_until_answers,
)
from tests.servers import QUICK_ROUTE as PAGES  # noqa: E402


@dataclass
class ClientResult:
    prepared: int = 0
    acknowledged: int = 0
    resubmissions_recognised: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)


def prepare(host: str, port: int, tokens: list[str], result: ClientResult) -> list[Browser]:
    """Open each link and answer every page, stopping before Send."""
    browsers = []
    for token in tokens:
        browser = Browser(host, port)
        status, location, _ = browser.request("GET", f"/s/{token}")
        if status != 302 or not location.split("?")[0].endswith(f"/survey/{SURVEY}"):
            result.errors.append(f"open link: {status}")
            continue
        status, _, page = browser.request("GET", f"/survey/{SURVEY}/questions/{PAGES[0][0]}")
        match = CSRF_RE.search(page)
        if status != 200 or not match:
            result.errors.append(f"first page: {status}")
            continue
        browser.csrf = match.group(1)
        ok = True
        for page_id, form in PAGES:
            status, _, _ = browser.post(f"/survey/{SURVEY}/questions/{page_id}", form)
            if status != 302:
                result.errors.append(f"page {page_id}: {status}")
                ok = False
                break
        if ok:
            browsers.append(browser)
            result.prepared += 1
    return browsers


def submit_all(browsers: list[Browser], result: ClientResult, resend_every: int) -> None:
    """The timed phase: send every prepared survey, and some a second time."""
    for index, browser in enumerate(browsers):
        started = time.perf_counter()
        try:
            status, location, _ = browser.post(f"/survey/{SURVEY}/check", "")
        except OSError as error:
            result.errors.append(f"submit: {error}")
            continue
        result.latencies.append(time.perf_counter() - started)
        if status == 302 and location.endswith(f"/survey/{SURVEY}/done"):
            result.acknowledged += 1
        else:
            result.errors.append(f"submit: {status} {location}")
            continue
        if resend_every and index % resend_every == 0:
            # The browser's back button and Send again: the session no longer holds the answers.
            status, location, _ = browser.post(f"/survey/{SURVEY}/check", "")
            if status in (302, 200):
                result.resubmissions_recognised += 1
            else:
                result.errors.append(f"resubmit: {status}")


def fresh_database(kind: str, postgres_url: str, workdir: Path) -> str:
    """A new, empty database URL for this run."""
    if kind == "sqlite":
        path = workdir / "bench.db"
        import sqlite3

        with sqlite3.connect(path) as connection:  # WAL lets readers and the one writer work side by side
            connection.execute("PRAGMA journal_mode=WAL")
        return f"sqlite:///{path}"
    import psycopg

    url = urlsplit(postgres_url.replace("postgresql+psycopg", "postgresql"))
    name = url.path.lstrip("/") or "bench_surveys"
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return postgres_url


def issue_invitations(database_url: str, count: int) -> list[str]:
    """Migrate the database and issue `count` invitations; returns their raw tokens.

    Links are stored as keyed digests: this sets TOKEN_HASH_KEY in the environment (when it is not
    set yet), so that a server started from it afterwards finds them."""
    os.environ.setdefault("TOKEN_HASH_KEY", secrets.token_hex(32))
    env = {**os.environ, "DATABASE_URL": database_url, "PORTAL_ENV": "development", "FLASK_APP": "wsgi"}
    subprocess.run([str(ROOT / ".venv/bin/flask"), "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    os.environ.update(DATABASE_URL=database_url, PORTAL_ENV="development")
    import datetime as dt

    from app import create_app
    from app.surveys import invitations

    app = create_app()
    rows = [invitations.InvitationRow(i + 2, f"BENCH-{i:06d}", dt.date(2026, 3, 2), "en", None) for i in range(count)]
    with app.test_request_context():
        from app.extensions import db

        result = invitations.create_invitations(SURVEY, rows)
        db.session.commit()  # create_invitations only flushes: the caller commits
        db.engine.dispose()
    return [item.token for item in result.created]


def settle(database_url: str) -> None:
    """Between the phases: what a DBA does after a bulk load, so the timed phase does not pay for it.

    Answering the surveys page by page wrote ten draft updates each. VACUUM ANALYZE clears the
    dead rows and refreshes the planner's statistics, CHECKPOINT writes the dirty pages out, and
    a short pause lets that I/O finish.
    """
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("VACUUM ANALYZE"))
            connection.execute(text("CHECKPOINT"))
        else:
            connection.execute(text("ANALYZE"))
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()
    time.sleep(2)


def count_rows(database_url: str) -> tuple[int, int, int, int, int]:
    """(responses, sent answers waiting for their batch, invitations completed, drafts left,
    comments) straight from the database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as connection:
        responses = connection.execute(text("SELECT count(*) FROM survey_response")).scalar_one()
        completed = connection.execute(
            text("SELECT count(*) FROM survey_invitation WHERE status = 'completed'")
        ).scalar_one()
        drafts = connection.execute(text("SELECT count(*) FROM survey_draft WHERE reference IS NULL")).scalar_one()
        waiting = connection.execute(text("SELECT count(*) FROM survey_draft WHERE reference IS NOT NULL")).scalar_one()
        comments = connection.execute(text("SELECT count(*) FROM moderation_comment")).scalar_one()
    engine.dispose()
    return responses, waiting, completed, drafts, comments


def add_server_options(
    parser: argparse.ArgumentParser, *, database: str, postgres_db: str, port: int, redis_db: int
) -> None:
    """The options the survey benchmarks share: their database, and gunicorn's workers, threads,
    port and rate-limit storage."""
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default=database)
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_DATABASE_URL", f"postgresql+psycopg://postgres@127.0.0.1:5432/{postgres_db}"),
        help="A database of the benchmark's own: it is dropped and created again.",
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (2 or more)")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (more than 1: gthread workers)")
    parser.add_argument("--port", type=int, default=port)
    parser.add_argument(
        "--ratelimit-storage",
        default=os.environ.get("BENCH_RATELIMIT_STORAGE", f"redis://127.0.0.1:6379/{redis_db}"),
        help="RATELIMIT_STORAGE_URI for gunicorn: Redis, as in production (memory:// counts per worker)",
    )


def server_env(database_url: str, port: int, ratelimit_storage: str) -> dict[str, str]:
    """gunicorn's environment: production settings, a fresh secret, and rate limits no load reaches."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "SURVEY_RATE_LIMIT": "1000000 per minute",
        "SURVEY_PAGE_RATE_LIMIT": "1000000 per minute",
        "RATELIMIT_STORAGE_URI": ratelimit_storage,
    }


def _process_cpu(stat: str) -> tuple[str, int, float]:
    """(command name, parent pid, user + system CPU seconds) from a /proc/<pid>/stat line."""
    name = stat[stat.index("(") + 1 : stat.rindex(")")]
    fields = stat.rsplit(")", 1)[1].split()
    return name, int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class CpuSnapshot:
    """CPU seconds used so far, read from Linux /proc, to tell each part's cost from other load."""

    processes: dict[int, tuple[str, float]]  # pid -> ("web" or "database", seconds)
    client: float
    machine: float  # every core's busy time (user, system, interrupts)
    stolen: float  # time a hypervisor gave this machine's cores to someone else
    disk_wait: float  # idle time with disk I/O outstanding (commits waiting for fsync, say)

    @classmethod
    def take(cls, master: int) -> CpuSnapshot:
        processes: dict[int, tuple[str, float]] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                name, parent, seconds = _process_cpu((entry / "stat").read_text())
            except (OSError, ValueError):
                continue
            if parent == master:
                processes[int(entry.name)] = ("web", seconds)
            elif name in {"postgres", "postmaster"}:
                processes[int(entry.name)] = ("database", seconds)
        with open("/proc/stat") as stat:
            user, nice, system, _idle, iowait, irq, softirq, steal, *_ = (int(v) for v in stat.readline().split()[1:])
        ticks = os.sysconf("SC_CLK_TCK")
        busy = (user + nice + system + irq + softirq) / ticks
        return cls(processes, time.process_time(), busy, steal / ticks, iowait / ticks)

    def since(self, earlier: CpuSnapshot) -> dict[str, float]:
        """Seconds used by each part between two snapshots (processes that ended in between are not counted)."""
        used = {"web": 0.0, "database": 0.0, "client": self.client - earlier.client}
        for pid, (part, seconds) in self.processes.items():
            before = earlier.processes.get(pid)
            used[part] += seconds - (before[1] if before and before[0] == part else 0.0)
        used["machine"] = self.machine - earlier.machine
        used["stolen"] = self.stolen - earlier.stolen
        used["disk_wait"] = self.disk_wait - earlier.disk_wait
        return used


def run_phase(clients: int, target, *args_per_client) -> float:
    threads = [threading.Thread(target=target, args=tuple(a[i] for a in args_per_client)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_server_options(parser, database="sqlite", postgres_db="bench_surveys", port=8765, redis_db=15)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--submissions", type=int, default=100, help="per client")
    parser.add_argument("--resend-every", type=int, default=10, help="send every Nth survey twice (0: never)")
    args = parser.parse_args()

    total = args.clients * args.submissions
    workdir = Path(tempfile.mkdtemp(prefix="survey-bench-"))
    database_url = fresh_database(args.database, args.postgres_url, workdir)
    print(
        f"database: {args.database}; {args.clients} clients x {args.submissions} submissions; "
        f"gunicorn: {args.workers} workers x {args.threads} thread(s); load average {os.getloadavg()[0]:.1f}"
    )
    started = time.perf_counter()
    tokens = issue_invitations(database_url, total)
    print(f"issued {len(tokens)} invitations in {time.perf_counter() - started:.1f} s")

    env = server_env(database_url, args.port, args.ratelimit_storage)
    command = gunicorn_command(args.port, args.workers, args.threads, options=("--log-level", "warning"))
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        wait_until_answers(args.port, server, "/survey", seconds=30)
        results = [ClientResult() for _ in range(args.clients)]
        batches = [tokens[i * args.submissions : (i + 1) * args.submissions] for i in range(args.clients)]
        prepared: list[list[Browser]] = [[] for _ in range(args.clients)]

        def prepare_client(batch, result, slot):
            slot.extend(prepare("127.0.0.1", args.port, batch, result))

        seconds = run_phase(args.clients, prepare_client, batches, results, prepared)
        pages = sum(r.prepared for r in results) * (len(PAGES) + 2)
        print(f"answered the questions: {pages} requests in {seconds:.1f} s ({pages / seconds:.0f} requests/s)")

        settle(database_url)

        def submit_client(browsers, result):
            submit_all(browsers, result, args.resend_every)

        cpu_before = CpuSnapshot.take(server.pid)
        seconds = run_phase(args.clients, submit_client, prepared, results)
        cpu = CpuSnapshot.take(server.pid).since(cpu_before)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    acknowledged = sum(r.acknowledged for r in results)
    errors = [e for r in results for e in r.errors]
    latencies = sorted(x for r in results for x in r.latencies)
    resent = sum(r.resubmissions_recognised for r in results)
    in_table, waiting, completed, drafts, comments = count_rows(database_url)
    stored = in_table + waiting
    print(f"submissions: {acknowledged} acknowledged in {seconds:.2f} s = {acknowledged / seconds:.0f} per second")
    if latencies:
        p95 = latencies[int(0.95 * (len(latencies) - 1))]
        print(f"latency: median {statistics.median(latencies) * 1000:.0f} ms, 95th percentile {p95 * 1000:.0f} ms")
    sends = acknowledged + sum(r.resubmissions_recognised for r in results)
    if sends:
        per_send = {part: used / sends * 1000 for part, used in cpu.items()}
        cores = os.cpu_count() or 1
        print(
            "CPU per request sent: "
            + ", ".join(f"{part} {per_send[part]:.2f} ms" for part in ("web", "database", "client", "machine"))
            + f"; {cores} cores, so at most about {cores * 1000 / per_send['machine']:.0f} requests a second"
        )
        print(
            f"cores busy: {cpu['machine'] / seconds:.2f} of {cores} on average; taken by the hypervisor: "
            f"{cpu['stolen'] / seconds:.2f} of {cores}; idle waiting for the disk: {cpu['disk_wait'] / seconds:.2f} "
            f"of {cores}; load average now {os.getloadavg()[0]:.1f}"
        )
    print(f"resubmissions recognised (no second response): {resent}")
    print(f"errors: {len(errors)}" + (f" (first: {errors[:3]})" if errors else ""))
    print(
        f"stored: {in_table} responses and {waiting} waiting for their batch, {completed} invitations completed, "
        f"{comments} comments, {drafts} drafts left"
    )
    lost = acknowledged - stored
    print(f"lost: {lost}; duplicates: {max(0, stored - acknowledged)}")
    ok = (
        not errors
        and lost == 0
        and stored == completed == acknowledged == total
        and drafts == 0
        and waiting < int(os.environ.get("SURVEY_RESPONSE_BATCH", "10"))
    )
    print("RESULT:", "OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
