"""Synthetic Local Offer content for the benchmarks: the demo content plus N made-up services.

Each service is made from the demo services' own title words, summaries and paragraphs, with
front matter that passes the portal's schema (random categories, ages, need areas, the
council's areas, cost, access route, contact, address, opening times and languages), so it
loads, indexes and renders exactly as a real one would.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.content import ACCESS_ROUTES, CATEGORIES, NEED_AREAS, WHOLE_AREA  # noqa: E402
from app.content.council import load_council  # noqa: E402
from app.content.loader import DOCUMENT_KINDS, split_front_matter  # noqa: E402

DEMO = ROOT / "content"
SYNTHETIC_PREFIX = "synthetic-"


def demo_pages(content_dir: Path = DEMO) -> int:
    """English pages (services, guidance and fixed pages) in a content folder."""
    return sum(len(list((content_dir / kind).glob("*.md"))) for kind in DOCUMENT_KINDS)


def _demo_vocabulary(content_dir: Path) -> tuple[list[str], list[str], list[str]]:
    """Title fragments, summary sentences and body paragraphs from the demo services."""
    fragments: list[str] = []
    summaries: list[str] = []
    paragraphs: list[str] = []
    for path in sorted((content_dir / "services").glob("*.md")):
        front, body, _ = split_front_matter(path.read_text(encoding="utf-8")) or ("", "", 0)
        meta = yaml.safe_load(front)
        words = re.sub(r"[^\w' ]", " ", str(meta["title"])).split()
        fragments += [" ".join(words[i : i + 2]) for i in range(0, len(words), 2)]
        summaries.append(str(meta["summary"]))
        for block in body.split("\n\n"):
            block = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", block).strip()
            if block and not block.startswith("#") and "{{" not in block:
                paragraphs.append(block)
    return fragments, summaries, paragraphs


def generate_content(target: Path, services: int, seed: int = 1) -> None:
    """Copy the demo content to `target` and add `services` synthetic services."""
    shutil.copytree(DEMO, target)
    fragments, summaries, paragraphs = _demo_vocabulary(DEMO)
    council, _ = load_council(DEMO)
    rng = random.Random(seed)
    categories, needs = list(CATEGORIES), list(NEED_AREAS)
    areas = [area for area in council.areas if area != WHOLE_AREA]
    streets = ["High Street", "Mill Lane", "Station Road", "Church Walk", "Park Avenue", "Canal Side"]
    for number in range(services):
        low = rng.randint(0, 20)
        meta = {
            "title": " ".join(rng.sample(fragments, 3))[:110],
            "summary": rng.choice(summaries),
            "category": rng.choice(categories),
            "organisation": " ".join(rng.sample(fragments, 2))[:80],
            "age_min": low,
            "age_max": rng.randint(low, 25),
            "need_areas": ["all"] if rng.random() < 0.3 else rng.sample(needs, rng.randint(1, 3)),
            "cost": {"type": "paid", "detail": f"£{rng.randint(2, 15)} a session"}
            if rng.random() < 0.3
            else {"type": "free"},
            "access": rng.choice(list(ACCESS_ROUTES)),
            "contact": {
                "phone": f"0113 496 {rng.randint(0, 999):04d}",
                "email": f"hello{number}@synthetic.example",
                "website": f"https://www.synthetic.example/{number}",
            },
            "area_served": [WHOLE_AREA]
            if rng.random() < 0.4
            else rng.sample(areas, min(len(areas), rng.randint(1, 2))),
            "address": f"{rng.randint(1, 200)} {rng.choice(streets)}, {council.place.get('en', 'Town')}",
            "opening_times": rng.choice(["Monday to Friday, 9am to 5pm", "Saturdays, 10am to 12pm", "Term time only"]),
            "languages": rng.sample(["English", "Polish", "Urdu", "Romanian", "Panjabi", "BSL"], rng.randint(1, 3)),
            "last_reviewed": dt.date(2026, 1, 1),
            "review_due": dt.date(2027, 6, 1),
        }
        body = ["## What we offer", *rng.sample(paragraphs, rng.randint(3, 6)), "## How to get help"]
        body.append(rng.choice(paragraphs))
        text = "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n" + "\n\n".join(body)
        (target / "services" / f"{SYNTHETIC_PREFIX}{number:05d}.md").write_text(text + "\n", encoding="utf-8")
