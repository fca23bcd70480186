"""Search benchmark: N synthetic services, index build time, and query latency over HTTP.

    .venv/bin/python bench/search_bench.py [--pages 10000] [--rounds 10] [--seed 1]

1. Generates N synthetic service pages (valid front matter) from the demo content's own
   vocabulary, next to a copy of the demo content, in a temporary folder.
2. Loads the content store and builds the Whoosh index, timing both.
3. Starts gunicorn on a free 127.0.0.1 port with CONTENT_DIR and SEARCH_INDEX_DIR pointing
   at the synthetic content and index, and runs a fixed mix of queries with facets through
   HTTP, printing p50/p95/p99.
4. Indexes the same records into SQLite FTS5 and runs the same queries with bm25 ranking,
   the same filters, facet counts and snippets: in-process against our search engine, and
   over HTTP against a small FTS5 web app served the same way. Prints the ratios.

Targets: p95 <= 50 ms at 10,000 pages; within 3x of FTS5; index build under 60 s.
"""

from __future__ import annotations

import argparse
import html
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from synthetic import generate_content  # noqa: E402

from app.content import load_store  # noqa: E402
from app.search import Filters, SearchIndex, build_index, records  # noqa: E402
from app.search.analysis import terms  # noqa: E402
from tests.servers import fetch, gunicorn  # noqa: E402

#: The fixed query mix: (words, filters). Typical parent searches, some misspelt, with facets.
QUERIES: list[tuple[str, dict[str, str | list[str]]]] = [
    ("ehcp", {}),
    ("speech therapy", {"age": "7"}),
    ("autism", {"category": "health"}),
    ("short breaks", {"free": "y"}),
    ("respite", {}),
    ("tribunal", {}),
    ("autisum", {}),
    ("school transport", {"area": "north"}),
    ("sensory", {"need": "sensory-physical", "self_referral": "y"}),
    ("holiday club", {"age": "10", "area": "south"}),
    ("mental health", {}),
    ("college", {"category": "post-16", "age": "17"}),
    ("therapy", {"page": "2"}),
    ("speech help for my 7 year old", {}),
    ("", {"category": "leisure", "age": "12"}),
    ("sendco", {}),
    ("support", {"category": ["health", "social-care"], "free": "y"}),
    ("short brakes", {"kind": "services"}),
    ("deaf", {"need": "sensory-physical"}),
    ("appeal", {"category": "disagreements"}),
]


# Timing helpers ---------------------------------------------------------------------------


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50/p95/p99 (and mean) in milliseconds."""
    ordered = sorted(samples)

    def pick(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))] * 1000

    return {"p50": pick(0.50), "p95": pick(0.95), "p99": pick(0.99), "mean": statistics.fmean(ordered) * 1000}


def show(label: str, stats: dict[str, float]) -> None:
    print(f"  {label:<34} p50 {stats['p50']:7.2f} ms   p95 {stats['p95']:7.2f} ms   p99 {stats['p99']:7.2f} ms")


def time_calls(call: Callable[[], object], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


# HTTP -------------------------------------------------------------------------------------


def query_path(prefix: str, words: str, filters: dict) -> str:
    params: list[tuple[str, str]] = [("q", words)] if words else []
    for key, value in filters.items():
        params += [(key, v) for v in (value if isinstance(value, list) else [value])]
    return f"{prefix}?{urlencode(params)}"


def run_http(port: int, prefix: str, rounds: int) -> tuple[list[float], list[float]]:
    """(first request of each query, the timed rounds after it)."""
    paths = [query_path(prefix, words, filters) for words, filters in QUERIES]
    fetch(port, prefix)  # opens the index
    first = []
    for path in paths:  # the first time each query is seen: its terms are read from disk
        start = time.perf_counter()
        status = fetch(port, path)
        first.append(time.perf_counter() - start)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
    samples = []
    for _ in range(rounds):
        for path in paths:
            start = time.perf_counter()
            fetch(port, path)
            samples.append(time.perf_counter() - start)
    return first, samples


# SQLite FTS5 ------------------------------------------------------------------------------

FTS_SCHEMA = """
CREATE VIRTUAL TABLE docs USING fts5(title, summary, keywords, body, tokenize='porter unicode61');
CREATE TABLE facets (
  id INTEGER PRIMARY KEY, kind TEXT, url TEXT, category TEXT, age_min INT, age_max INT,
  free INT, self_referral INT, need_areas TEXT, areas TEXT
);
"""


def build_fts5(path: Path, items: list[dict]) -> float:
    """Index the same records into SQLite FTS5; returns the seconds taken."""
    start = time.perf_counter()
    db = sqlite3.connect(path)
    db.executescript(FTS_SCHEMA)
    for rowid, item in enumerate(items, start=1):
        db.execute(
            "INSERT INTO docs(rowid, title, summary, keywords, body) VALUES (?, ?, ?, ?, ?)",
            (rowid, item["title"], item["summary"], item["keywords"], item["body"]),
        )
        db.execute(
            "INSERT INTO facets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                rowid,
                item["kind"],
                item["url"],
                item.get("category"),
                item.get("age_min"),
                item.get("age_max"),
                int(bool(item.get("free"))),
                int(bool(item.get("self_referral"))),
                " " + item.get("need_areas", "") + " ",
                " " + item.get("areas", "") + " ",
            ),
        )
    db.commit()
    db.close()
    return time.perf_counter() - start


def fts5_search(db: sqlite3.Connection, words: str, filters: dict) -> tuple[list[tuple], int, dict[str, int]]:
    """bm25-ranked page of 10 with snippets, the total, and category counts: the same work as a results page."""
    match = " OR ".join(f'"{term}"' for term in terms(words)[:24])
    where: list[str] = []
    args: list = []

    def listed(name: str) -> list[str]:
        value = filters.get(name, [])
        return value if isinstance(value, list) else [value]

    if listed("category"):
        where.append(f"f.category IN ({','.join('?' * len(listed('category')))})")
        args += listed("category")
    if listed("kind"):
        where.append(f"f.kind IN ({','.join('?' * len(listed('kind')))})")
        args += listed("kind")
    for need in listed("need"):
        where.append("f.need_areas LIKE ?")
        args.append(f"% {need} %")
    if listed("area"):
        either = " OR ".join("f.areas LIKE ?" for _ in listed("area"))
        where.append(f"({either} OR f.areas LIKE '% borough-wide %')")
        args += [f"% {area} %" for area in listed("area")]
    if "age" in filters:
        where.append("f.age_min <= ? AND f.age_max >= ?")
        args += [int(filters["age"]), int(filters["age"])]
    if filters.get("free"):
        where.append("f.free = 1")
    if filters.get("self_referral"):
        where.append("f.self_referral = 1")
    page = int(filters.get("page", 1))
    condition = (" AND " + " AND ".join(where)) if where else ""
    if match:
        base = f"FROM docs JOIN facets f ON f.id = docs.rowid WHERE docs MATCH ?{condition}"
        base_args = [match, *args]
        rows = db.execute(
            "SELECT f.url, docs.title, snippet(docs, 3, '<mark>', '</mark>', '…', 24) "
            f"{base} ORDER BY bm25(docs, 2.5, 1.5, 1.5, 1.0) LIMIT 10 OFFSET ?",
            [*base_args, (page - 1) * 10],
        ).fetchall()
    else:
        base = f"FROM facets f WHERE 1 = 1{condition}"
        base_args = args
        sql = f"SELECT f.url, '', '' {base} ORDER BY f.url LIMIT 10 OFFSET ?"
        rows = db.execute(sql, [*base_args, (page - 1) * 10]).fetchall()
    total = db.execute(f"SELECT count(*) {base}", base_args).fetchone()[0]
    counts = dict(db.execute(f"SELECT f.category, count(*) {base} GROUP BY f.category", base_args).fetchall())
    return rows, total, counts


def make_fts5_app():
    """A minimal web app answering /fts?q=... from FTS5 with an HTML results list (for gunicorn)."""
    from flask import Flask, request

    app = Flask(__name__)
    db = sqlite3.connect(os.environ["FTS5_DB"], check_same_thread=False)

    @app.route("/fts")
    def fts():
        filters = {k: (v if len(v) > 1 else v[0]) for k, v in request.args.lists() if k != "q"}
        rows, total, counts = fts5_search(db, request.args.get("q", ""), filters)
        items = "".join(
            f'<li><a href="{html.escape(url)}">{html.escape(title)}</a><p>{snippet}</p></li>'
            for url, title, snippet in rows
        )
        facets = "".join(f"<li>{html.escape(str(k))} ({v})</li>" for k, v in counts.items())
        return f"<!doctype html><title>Search</title><h1>{total} results</h1><ol>{items}</ol><ul>{facets}</ul>"

    return app


# Main -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=10_000, help="synthetic service pages to generate")
    parser.add_argument("--rounds", type=int, default=10, help="times to run the query mix")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="search-bench-"))
    content_dir, index_dir, fts_db = work / "content", work / "search_index", work / "fts5.sqlite"
    try:
        print(f"Search benchmark: {options.pages} synthetic services + the demo content, in {work}")
        start = time.perf_counter()
        generate_content(content_dir, options.pages, options.seed)
        print(f"  generated content in {time.perf_counter() - start:.1f} s")

        start = time.perf_counter()
        store = load_store(content_dir)
        load_seconds = time.perf_counter() - start
        documents = len(store.documents()) + len(store.glossary)
        print(f"  loaded and validated the content store in {load_seconds:.1f} s ({documents} documents)")

        start = time.perf_counter()
        build_index(store, index_dir)
        build_seconds = time.perf_counter() - start
        print(f"  built the Whoosh index in {build_seconds:.1f} s (target under 60 s)")

        items = records(store)
        fts_seconds = build_fts5(fts_db, items)
        print(f"  built the SQLite FTS5 index in {fts_seconds:.1f} s")

        print(f"\nQuery mix: {len(QUERIES)} queries with facets x {options.rounds} rounds")
        index = SearchIndex(index_dir)
        db = sqlite3.connect(fts_db)
        engine_whoosh: list[float] = []
        engine_fts: list[float] = []
        first_whoosh: list[float] = []
        index.search("")  # opens the index
        for words, filters in QUERIES:
            chosen = Filters.clean(
                kinds=_listed(filters, "kind"),
                categories=_listed(filters, "category"),
                need_areas=_listed(filters, "need"),
                areas=_listed(filters, "area"),
                age=int(filters["age"]) if "age" in filters else None,
                free=bool(filters.get("free")),
                self_referral=bool(filters.get("self_referral")),
            )
            page = int(filters.get("page", 1))
            first_whoosh += time_calls(lambda w=words, c=chosen, p=page: index.search(w, c, p), 1)
            fts5_search(db, words, filters)
            engine_whoosh += time_calls(lambda w=words, c=chosen, p=page: index.search(w, c, p), options.rounds)
            engine_fts += time_calls(lambda w=words, f=filters: fts5_search(db, w, f), options.rounds)
        print("In process (engine only: ranking, facets, snippets):")
        whoosh_stats, fts_stats = percentiles(engine_whoosh), percentiles(engine_fts)
        show("Whoosh, first time each query", percentiles(first_whoosh))
        show("Whoosh (app.search)", whoosh_stats)
        show("SQLite FTS5 bm25", fts_stats)

        env = {
            "PORTAL_ENV": "development",
            "CONTENT_DIR": str(content_dir),
            "SEARCH_INDEX_DIR": str(index_dir),
            "FTS5_DB": str(fts_db),
        }
        print("\nOver HTTP (gunicorn, one worker, the full GOV.UK results page):")
        start = time.perf_counter()
        with gunicorn(env, ready_path="/search?q=ehcp", seconds=600) as server:
            print(f"  portal started and answered in {time.perf_counter() - start:.1f} s")
            portal_first, portal_samples = run_http(server.port, "/search", options.rounds)
        portal_stats = percentiles(portal_samples)
        show("portal, first time each query", percentiles(portal_first))
        show("portal /search (Whoosh)", portal_stats)
        fts5_app = {"app_spec": "search_bench:make_fts5_app()", "chdir": ROOT / "bench", "ready_path": "/fts?q=ehcp"}
        with gunicorn(env, **fts5_app) as server:
            fts_http_stats = percentiles(run_http(server.port, "/fts", options.rounds)[1])
        show("minimal FTS5 web app", fts_http_stats)

        engine_ratio = whoosh_stats["p95"] / fts_stats["p95"]
        http_ratio = portal_stats["p95"] / fts_http_stats["p95"]
        print("\nSummary")
        print(f"  content load {load_seconds:.1f} s; index build {build_seconds:.1f} s (target < 60 s)")
        print(f"  portal p95 over HTTP {portal_stats['p95']:.1f} ms (target <= 50 ms)")
        print(f"  p95 ratio Whoosh / FTS5: engine {engine_ratio:.1f}x, over HTTP {http_ratio:.1f}x (target <= 3x)")
    finally:
        if options.keep:
            print(f"Kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def _listed(filters: dict, name: str) -> list[str]:
    value = filters.get(name, [])
    return value if isinstance(value, list) else [value]


if __name__ == "__main__":
    main()
