"""Pages benchmark: start-up, pages, search and memory at 100, 1,000 and 10,000 pages.

    .venv/bin/python bench/pages_bench.py setup        # install Debian's wrk when it is missing (as root)
    .venv/bin/python bench/pages_bench.py run          # 100, 1,000 and 10,000 pages (about 10 minutes)
    .venv/bin/python bench/pages_bench.py run --sizes 100 --seconds 3 --rounds 2
    .venv/bin/python bench/pages_bench.py startup --pages 1000   # import times only

For each size, in a temporary folder: the demo content plus synthetic services up to that
many English pages (bench/synthetic.py), its search index, and a SQLite database. Then:

1. Start-up: the first `import wsgi` (parses every file and fills the content cache), then the
   median of three more (the content cache read back), each in a fresh interpreter with its
   bytecode cached, as a gunicorn worker would.
2. gunicorn as in production (2 sync workers, PORTAL_ENV=production) serves the
   portal plus a copy of one service page's HTML as a static file (Flask's own static files).
3. wrk (one thread, 8 connections kept alive) loads each target in turn, the targets
   alternating round after round so that they share the machine's state: the static copy, service
   pages (50 of them), the home page, every guidance page, `/search` (20 queries with
   facets) and the Open Referral API (`/openreferral/v3/services?per_page=50`, ten pages of
   it, and with text, age and day filters). Each target's figures are the median of its rounds.
4. The resident memory of each worker once the load is over.

Figures are printed beside their targets, ratios first; the last table shows how each grows
with the number of pages.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from search_bench import QUERIES, query_path  # noqa: E402
from synthetic import SYNTHETIC_PREFIX, demo_pages, generate_content  # noqa: E402

from tests.servers import child_pids, fetch, gunicorn, resident_mb  # noqa: E402

VENV_BIN = Path(sys.executable).parent
STATIC_URL = "/bench-static"
STATIC_PAGE = "service.html"
TARGETS = ("static", "service", "home", "guidance", "search", "openreferral")

#: Targets from the issue: (figure, limit, "<=" or ">=").
RATIO_TARGET = 0.35
PAGE_P99_TARGET_MS = 50.0
SEARCH_P95_TARGET_MS = 50.0
OPENREFERRAL_P95_TARGET_MS = 50.0
RSS_TARGET_MB = 250.0
IMPORT_TARGET_DEMO_S = 1.0
IMPORT_TARGET_LARGE_S = 3.0

WRK_SCRIPT = """
local paths = {}
local i = 0
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  i = math.random(#paths)
end
function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.status + e.connect + e.read + e.write + e.timeout))
end
"""


def portal_with_static_copy():
    """The portal (gunicorn's app) with BENCH_STATIC_DIR served like its own static files."""
    from flask import Blueprint

    from wsgi import app

    copies = Blueprint("bench_static", __name__, static_folder=os.environ["BENCH_STATIC_DIR"], static_url_path="")
    app.register_blueprint(copies, url_prefix=STATIC_URL)
    return app


# Set-up ------------------------------------------------------------------------------------


def wrk_path() -> str | None:
    return shutil.which("wrk")


def setup() -> int:
    """Install Debian's wrk when it is missing."""
    if wrk_path():
        print(f"wrk is installed: {wrk_path()}")
        return 0
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print("Install Debian's wrk (apt-get install wrk) as root, then run again.", file=sys.stderr)
        return 1
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "wrk"], check=True, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    )
    return 0 if wrk_path() else 1


# One size ----------------------------------------------------------------------------------


@dataclass
class Load:
    """One target's figures, the median over its rounds."""

    rps: float
    p50: float
    p95: float
    p99: float
    errors: int


@dataclass
class Result:
    pages: int
    cold_import: float
    warm_import: float
    index_build: float
    loads: dict[str, Load] = field(default_factory=dict)
    rss_mb: list[float] = field(default_factory=list)


class Site:
    """A size's content, index, database and environment in a temporary folder."""

    def __init__(self, work: Path, pages: int, seed: int) -> None:
        self.work, self.pages = work, pages
        self.content, self.index, self.cache = work / "content", work / "search_index", work / "content-cache"
        self.static = work / "static"
        self.static.mkdir(parents=True)
        generate_content(self.content, max(0, pages - demo_pages()), seed)
        self.env = {
            **os.environ,
            "PORTAL_ENV": "production",
            "SECRET_KEY": "bench-only-not-secret",
            "PUBLIC_BASE_URL": "http://127.0.0.1",
            "DATABASE_URL": f"sqlite:///{work / 'portal.db'}",
            "CONTENT_DIR": str(self.content),
            "SEARCH_INDEX_DIR": str(self.index),
            "CONTENT_CACHE_DIR": str(self.cache),
            "RATELIMIT_STORAGE_URI": "memory://",
            "OPENREFERRAL_RATE_LIMIT": "1000000 per minute",
            "BENCH_STATIC_DIR": str(self.static),
            "FLASK_APP": "wsgi",
            # Bytecode is cached (outside the source tree), as it is for an installed portal.
            "PYTHONPYCACHEPREFIX": str(work / "pycache"),
            "PYTHONDONTWRITEBYTECODE": "",
        }

    def run(self, *command: str) -> subprocess.CompletedProcess:
        return subprocess.run(command, cwd=ROOT, env=self.env, capture_output=True, text=True, check=True)

    def import_seconds(self) -> float:
        """Seconds to import the app (create_app included) in a fresh interpreter."""
        script = "import time; t = time.perf_counter(); import wsgi; print(time.perf_counter() - t)"
        return float(self.run(sys.executable, "-c", script).stdout.split()[-1])

    def paths(self, seed: int) -> dict[str, list[str]]:
        """The URLs of each target."""
        services = sorted(p.stem for p in (self.content / "services").glob("*.md"))
        synthetic = [s for s in services if s.startswith(SYNTHETIC_PREFIX)]
        demo = [s for s in services if not s.startswith(SYNTHETIC_PREFIX)]
        rng = random.Random(seed)
        chosen = rng.sample(demo, min(25, len(demo))) + rng.sample(synthetic, min(25, len(synthetic)))
        return {
            "static": [f"{STATIC_URL}/{STATIC_PAGE}"],
            "service": [f"/services/{slug}" for slug in chosen],
            "home": ["/"],
            "guidance": [f"/guidance/{p.stem}" for p in sorted((self.content / "guidance").glob("*.md"))],
            "search": [query_path("/search", words, filters) for words, filters in QUERIES],
            "openreferral": [f"/openreferral/v3/services?per_page=50&page={n}" for n in range(1, 11)]
            + [f"/openreferral/v3/services?per_page=50&search={words.split()[0]}" for words, _f in QUERIES[:5]]
            + ["/openreferral/v3/services?per_page=50&minimum_age=5&maximum_age=11&day=MO"],
        }


def save_static_copy(site: Site, port: int, path: str) -> None:
    """The HTML of `path` as served, saved to be served again as a static file."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path)
    body = connection.getresponse().read()
    connection.close()
    (site.static / STATIC_PAGE).write_bytes(body)


def wrk(port: int, paths_file: Path, script: Path, seconds: float, connections: int) -> tuple[float, ...]:
    """(requests a second, p50, p95, p99 in ms, errors) of one wrk run."""
    command = [
        wrk_path() or "wrk",
        *("-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script)),
        f"http://127.0.0.1:{port}",
        "--",
        str(paths_file),
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    requests, duration_us, p50, p95, p99, errors = (int(v) for v in line.split()[1:])
    return requests / (duration_us / 1e6), p50 / 1000, p95 / 1000, p99 / 1000, errors


def worker_rss_mb(master: int) -> list[float]:
    """Resident memory (MB) of each worker of the gunicorn master."""
    return sorted(resident_mb(pid) for pid in child_pids(master))


def measure(pages: int, options: argparse.Namespace) -> Result:
    work = Path(tempfile.mkdtemp(prefix=f"pages-bench-{pages}-"))
    try:
        load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
        print(f"\n== {pages:,} pages ({work}; load average {load} on {os.cpu_count()} CPUs)", flush=True)
        start = time.perf_counter()
        site = Site(work, pages, options.seed)
        print(
            f"  generated {pages - demo_pages() if pages > demo_pages() else 0:,} services in "
            f"{time.perf_counter() - start:.1f} s",
            flush=True,
        )
        cold = site.import_seconds()
        print(f"  first start (parses the content, fills the cache): {cold:.2f} s", flush=True)
        start = time.perf_counter()
        site.run(str(VENV_BIN / "flask"), "search", "build")
        build = time.perf_counter() - start
        site.run(str(VENV_BIN / "flask"), "db", "upgrade")
        warm = statistics.median(site.import_seconds() for _ in range(3))
        print(f"  search index built in {build:.1f} s; import with the content cached {warm:.2f} s", flush=True)
        result = Result(pages, cold, warm, build)
        if options.startup_only:
            return result

        paths = site.paths(options.seed)
        script = work / "targets.lua"
        script.write_text(WRK_SCRIPT)
        files = {}
        for name, urls in paths.items():
            files[name] = work / f"{name}.txt"
            files[name].write_text("\n".join(urls) + "\n")
        served = {"app_spec": "pages_bench:portal_with_static_copy()", "chdir": BENCH}
        with gunicorn(site.env, workers=options.workers, threads=options.threads, **served) as server:
            port = server.port
            save_static_copy(site, port, paths["service"][0])
            # Warm up: each worker opens the search index and compiles its templates (at 10,000
            # pages opening the index takes seconds), then every URL is read once.
            with ThreadPoolExecutor(options.connections) as pool:
                for name in TARGETS:
                    list(pool.map(lambda path: fetch(port, path, timeout=600), [paths[name][0]] * options.connections))
            for name in TARGETS:
                wrk(port, files[name], script, 2, options.connections)
            runs: dict[str, list[tuple[float, ...]]] = {name: [] for name in TARGETS}
            for round_number in range(options.rounds):
                order = TARGETS if round_number % 2 == 0 else tuple(reversed(TARGETS))
                for name in order:
                    runs[name].append(wrk(port, files[name], script, options.seconds, options.connections))
                print(f"  round {round_number + 1} of {options.rounds} done", flush=True)
            result.rss_mb = worker_rss_mb(server.process.pid)
        for name, samples in runs.items():
            columns = list(zip(*samples, strict=True))
            result.loads[name] = Load(*(statistics.median(c) for c in columns[:4]), errors=int(sum(columns[4])))
        report(result, options)
        return result
    finally:
        if options.keep:
            print(f"  kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


# Reporting ---------------------------------------------------------------------------------


def verdict(value: float, limit: float, at_most: bool) -> str:
    return "ok" if (value <= limit if at_most else value >= limit) else "MISSED"


def import_target(pages: int) -> float:
    return IMPORT_TARGET_DEMO_S if pages <= max(demo_pages(), 100) else IMPORT_TARGET_LARGE_S


def report(result: Result, options: argparse.Namespace) -> None:
    loads = result.loads
    static = loads["static"].rps
    print(f"\n  Ratios: requests a second against the static copy of a service page (target >= {RATIO_TARGET:.0%})")
    for name in ("service", "home", "guidance"):
        ratio = loads[name].rps / static
        print(f"    {name:<9} {ratio:6.1%}   target >= {RATIO_TARGET:.0%}   {verdict(ratio, RATIO_TARGET, False)}")
    workers = (
        f"{options.workers} sync workers"
        if options.threads == 1
        else f"{options.workers} gthread workers x {options.threads} threads"
    )
    print(
        f"\n  Load: {options.connections} clients, {workers}, {options.rounds} rounds of {options.seconds:g} s "
        "per target, alternating"
    )
    print(f"    {'target':<12} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  errors  target")
    for name in TARGETS:
        load = loads[name]
        if name in ("service", "home", "guidance"):
            goal = f"p99 <= {PAGE_P99_TARGET_MS:g} ms {verdict(load.p99, PAGE_P99_TARGET_MS, True)}"
        elif name == "search":
            goal = f"p95 <= {SEARCH_P95_TARGET_MS:g} ms {verdict(load.p95, SEARCH_P95_TARGET_MS, True)}"
        elif name == "openreferral":
            goal = f"p95 <= {OPENREFERRAL_P95_TARGET_MS:g} ms {verdict(load.p95, OPENREFERRAL_P95_TARGET_MS, True)}"
        else:
            goal = "(the yardstick)"
        print(
            f"    {name:<12} {load.rps:8.0f} {load.p50:8.1f} {load.p95:8.1f} {load.p99:8.1f}  {load.errors:6d}  {goal}"
        )
    goal = import_target(result.pages)
    print(
        f"\n  Start-up: import {result.warm_import:.2f} s (target <= {goal:g} s) "
        f"{verdict(result.warm_import, goal, True)}; first start after a content change {result.cold_import:.1f} s; "
        f"search index build {result.index_build:.1f} s"
    )
    rss = ", ".join(f"{size:.0f}" for size in result.rss_mb)
    worst = max(result.rss_mb, default=0)
    print(
        f"  Memory: resident per worker {rss} MB (target <= {RSS_TARGET_MB:g} MB) {verdict(worst, RSS_TARGET_MB, True)}"
    )


def growth(results: list[Result]) -> None:
    """Each figure at every size, beside its target."""
    if not results:
        return
    sizes = [f"{r.pages:,} pages" for r in results]
    print("\n== How each figure grows with the number of pages")
    print(f"  {'figure':<30}" + "".join(f"{s:>15}" for s in sizes) + "   target")
    rows: list[tuple[str, list[str], str]] = [
        (
            "import (content cached), s",
            [f"{r.warm_import:.2f}" for r in results],
            f"<= {IMPORT_TARGET_DEMO_S:g} (demo), <= {IMPORT_TARGET_LARGE_S:g} (10,000)",
        ),
        ("first start (no cache), s", [f"{r.cold_import:.1f}" for r in results], "-"),
        ("search index build, s", [f"{r.index_build:.1f}" for r in results], "-"),
    ]
    if all(r.loads for r in results):
        for name in ("service", "home", "guidance"):
            rows.append(
                (
                    f"{name} / static req/s",
                    [f"{r.loads[name].rps / r.loads['static'].rps:.0%}" for r in results],
                    f">= {RATIO_TARGET:.0%}",
                )
            )
            p99 = [f"{r.loads[name].p99:.1f}" for r in results]
            rows.append((f"{name} p99, ms", p99, f"<= {PAGE_P99_TARGET_MS:g}"))
        rows += [
            ("search p95, ms", [f"{r.loads['search'].p95:.1f}" for r in results], f"<= {SEARCH_P95_TARGET_MS:g}"),
            ("search req/s", [f"{r.loads['search'].rps:.0f}" for r in results], "-"),
            (
                "open data p95, ms",
                [f"{r.loads['openreferral'].p95:.1f}" for r in results],
                f"<= {OPENREFERRAL_P95_TARGET_MS:g}",
            ),
            ("static req/s", [f"{r.loads['static'].rps:.0f}" for r in results], "-"),
            ("RSS per worker (max), MB", [f"{max(r.rss_mb, default=0):.0f}" for r in results], f"<= {RSS_TARGET_MB:g}"),
        ]
    for label, values, target in rows:
        print(f"  {label:<30}" + "".join(f"{v:>15}" for v in values) + f"   {target}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("setup", help="install Debian's wrk when it is missing (as root)")
    run = commands.add_parser("run", help="the whole benchmark at each size")
    run.add_argument("--sizes", default="100,1000,10000", help="English pages at each size, comma-separated")
    run.add_argument("--seconds", type=int, default=5, help="seconds of load per target per round")
    run.add_argument("--rounds", type=int, default=3, help="rounds, each loading every target once")
    run.add_argument("--connections", type=int, default=8, help="concurrent clients, connections kept alive")
    run.add_argument("--workers", type=int, default=2)
    run.add_argument("--threads", type=int, default=1, help="more than 1: gthread workers")
    run.add_argument("--seed", type=int, default=1)
    run.add_argument("--keep", action="store_true", help="keep each size's temporary folder")
    startup = commands.add_parser("startup", help="import times only")
    startup.add_argument("--pages", type=int, default=100)
    startup.add_argument("--seed", type=int, default=1)
    startup.add_argument("--keep", action="store_true")
    options = parser.parse_args()

    if options.command == "setup":
        return setup()
    if options.command == "startup":
        options.startup_only = True
        result = measure(options.pages, options)
        goal = import_target(result.pages)
        print(f"  import {result.warm_import:.2f} s, target <= {goal:g} s: {verdict(result.warm_import, goal, True)}")
        return 0
    if setup() != 0:
        return 1
    options.startup_only = False
    results = [measure(int(size), options) for size in options.sizes.split(",")]
    growth(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
