"""Postcode search benchmark: nearest-first sorting must cost at most 20% more than relevance order.

    .venv/bin/python bench/nearby_bench.py [--pages 10000] [--rounds 10] [--seed 1] [--keep DIR]

1. Copies the demo content and adds N synthetic services (default 10,000), each with one or
   two locations inside the demo area, a third of them also covering the whole area.
2. Loads the content store and builds the search index (timed), and loads the demo gazetteer
   into a temporary SQLite database.
3. Runs a fixed mix of searches with filters through the portal in process (the full results
   page: form, postcode look-up, search, distances and template), each with and without a
   postcode, interleaved, `--rounds` times; prints p50/p95 of each and their ratio.

Target: the postcode searches' total median time within 20% of the same searches without one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.config import TestConfig  # noqa: E402
from app.content import ACCESS_ROUTES, CATEGORIES, NEED_AREAS, load_store  # noqa: E402
from app.extensions import db  # noqa: E402
from app.search import build_index  # noqa: E402

#: Searches with filters, as families make them (words may be empty: filters only).
QUERIES: list[dict[str, str | list[str]]] = [
    {"q": "speech therapy", "age": "7"},
    {"q": "autism", "category": "health"},
    {"q": "short breaks", "free": "y"},
    {"q": "school transport", "area": "north"},
    {"q": "holiday club", "age": "10", "area": "south"},
    {"q": "college", "category": "post-16", "age": "17"},
    {"q": "", "category": "leisure", "age": "12"},
    {"q": "support", "category": ["health", "social-care"], "free": "y"},
    {"q": "deaf", "need": "sensory-physical"},
    {"q": "", "kind": "services", "self_referral": "y"},
]
POSTCODES = ["KB1 2AB", "KB4 1AB", "KB8 4MM", "FM1 1AA"]
#: The demo area, roughly (latitude, longitude ranges of its postcodes).
LATITUDES, LONGITUDES = (53.62, 53.77), (-1.63, -1.55)


def generate(target: Path, pages: int, seed: int) -> None:
    """The demo content plus `pages` synthetic services with locations."""
    shutil.copytree(ROOT / "content", target)
    rng = random.Random(seed)
    demo = list(load_store(target).services.values())
    titles = [doc.title for doc in demo]
    summaries = [doc.summary for doc in demo]
    bodies = [doc.text for doc in demo]
    areas = [key for key in yaml.safe_load((target / "council.yaml").read_text())["areas"] if key != "borough-wide"]
    for number in range(pages):
        low = rng.randint(0, 20)
        meta = {
            "title": f"{rng.choice(titles)[:100]} {number}",
            "summary": rng.choice(summaries),
            "category": rng.choice(list(CATEGORIES)),
            "organisation": "Synthetic organisation",
            "age_min": low,
            "age_max": rng.randint(low, 25),
            "need_areas": ["all"] if rng.random() < 0.3 else rng.sample(list(NEED_AREAS), rng.randint(1, 3)),
            "cost": {"type": rng.choice(["free", "free", "paid"])},
            "access": rng.choice(list(ACCESS_ROUTES)),
            "contact": {"phone": f"0113 496 {rng.randint(0, 999):04d}"},
            "area_served": ["borough-wide"] if rng.random() < 0.4 else rng.sample(areas, rng.randint(1, 2)),
            "locations": [
                {
                    "name": f"Centre {number}-{place}",
                    "address": f"{place + 1} High Street, Kelderbridge",
                    "postcode": f"KB{rng.randint(1, 8)} {rng.randint(1, 9)}AB",
                    "latitude": round(rng.uniform(*LATITUDES), 5),
                    "longitude": round(rng.uniform(*LONGITUDES), 5),
                }
                for place in range(rng.randint(1, 2))
            ],
            "last_reviewed": dt.date(2026, 1, 1),
            "review_due": dt.date(2027, 6, 1),
        }
        if rng.random() < 0.33:
            meta["covers"] = "whole area"
        text = "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n" + rng.choice(bodies)
        (target / "services" / f"synthetic-{number:05d}.md").write_text(text + "\n", encoding="utf-8")


def pick(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep the content and index in DIR, and reuse them next time")
    options = parser.parse_args()

    work = options.keep or Path(tempfile.mkdtemp(prefix="nearby-bench-"))
    try:
        content, index = work / "content", work / "index"
        if not (index.exists() and content.exists()):
            shutil.rmtree(work, ignore_errors=True)
            started = time.perf_counter()
            generate(content, options.pages, options.seed)
            print(f"Generated {options.pages} services with locations in {time.perf_counter() - started:.1f} s")
            started = time.perf_counter()
            info = build_index(load_store(content), index)
            print(f"Indexed {info.documents} documents in {time.perf_counter() - started:.1f} s")
        (work / "bench.db").unlink(missing_ok=True)

        class Bench(TestConfig):
            CONTENT_DIR = content
            SEARCH_INDEX_DIR = index
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{work / 'bench.db'}"

        app = create_app(Bench)
        with app.app_context():
            db.create_all()
            from app.places.commands import load

            print(load(content / "gazetteer.csv"))
        client = app.test_client()
        plain: list[float] = []
        near: list[float] = []
        for number, query in enumerate(QUERIES):  # warm up: open the index, read every page once
            client.get("/search?" + urlencode(query, doseq=True))
            client.get("/search?" + urlencode({**query, "postcode": POSTCODES[number % len(POSTCODES)]}, doseq=True))
        for _round in range(options.rounds):
            for number, query in enumerate(QUERIES):
                with_postcode = {**query, "postcode": POSTCODES[number % len(POSTCODES)]}
                for params, samples in ((query, plain), (with_postcode, near)):
                    start = time.perf_counter()
                    response = client.get("/search?" + urlencode(params, doseq=True))
                    samples.append(time.perf_counter() - start)
                    assert response.status_code == 200, (params, response.status_code)
        print(f"\n{len(QUERIES)} searches with filters x {options.rounds} rounds, full results page in process:")
        for label, samples in (("without a postcode", plain), ("with a postcode", near)):
            print(f"  {label:<20} p50 {pick(samples, 0.5):7.2f} ms   p95 {pick(samples, 0.95):7.2f} ms")
        ratio = statistics.median(near) / statistics.median(plain)
        per_query = [
            statistics.median(near[i :: len(QUERIES)]) / statistics.median(plain[i :: len(QUERIES)])
            for i in range(len(QUERIES))
        ]
        print(f"  median ratio (with / without): {ratio:.2f}   worst query: {max(per_query):.2f}")
        print(f"  target: within 1.20 -> {'met' if ratio <= 1.20 else 'NOT met'}")
    finally:
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
