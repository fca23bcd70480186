"""Search relevance per language: hit@3 over the relevance sets the tests keep.

    .venv/bin/python bench/search_relevance.py [--misses]

Builds the index from content/ into a temporary folder, runs every query of
tests/data/search_relevance.yaml in its language (English also runs the single-language
set in tests/search/test_relevance.py) and prints, per language, how many queries have
their page in the top three. `--misses` lists the queries that do not, with what came first.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.content import load_store  # noqa: E402
from app.search import SearchIndex, build_index  # noqa: E402
from app.yaml_loader import load_yaml  # noqa: E402
from tests.search.test_relevance import RELEVANCE  # noqa: E402

RELEVANCE_FILE = ROOT / "tests" / "data" / "search_relevance.yaml"


def relevance_sets() -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """Language -> [(query, acceptable pages)], English including the single-language set."""
    data = load_yaml(RELEVANCE_FILE.read_text(encoding="utf-8"))
    sets: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for lang, items in data.items():
        sets[lang] = [
            (str(item["q"]), tuple(item["expect"]) if isinstance(item["expect"], list) else (item["expect"],))
            for item in items
        ]
    sets["en"] = [(query, (url,)) for query, url in RELEVANCE] + sets.get("en", [])
    return sets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the queries whose page is not in the top 3")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        build_index(load_store(ROOT / "content"), Path(folder))
        index = SearchIndex(Path(folder))
        print(f"{'language':<10}{'hit@3':>8}{'queries':>10}")
        for lang, items in relevance_sets().items():
            hits = 0
            misses = []
            for query, expected in items:
                top = [hit.url for hit in index.search(query, lang=lang).hits[:3]]
                if any(url in top for url in expected):
                    hits += 1
                else:
                    misses.append((query, top))
            print(f"{lang:<10}{hits / len(items):>8.0%}{f'{hits}/{len(items)}':>10}")
            if args.misses:
                for query, top in misses:
                    print(f"    miss: {query!r} -> {top}")


if __name__ == "__main__":
    main()
