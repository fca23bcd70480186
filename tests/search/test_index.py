"""The search index: what goes in, staleness detection, the atomic swap and the CLI."""

from __future__ import annotations

import logging
import os
import shutil
import time
from dataclasses import replace
from pathlib import Path

import pytest

from app import create_app
from app.config import TestConfig
from app.content import load_store
from app.search import (
    SearchIndex,
    SearchUnavailable,
    build_index,
    current_build,
    index_status,
    load_synonyms,
    records,
    write_index,
)
from app.search.analysis import SYNONYMS_FILE, terms
from app.search.build import CURRENT_FILE, BuildInfo, document_record, update_documents
from app.search.planning import StaffWords
from app.services import content_store, search_index

CONTENT_DIR = Path(TestConfig.CONTENT_DIR)


@pytest.fixture(scope="module")
def store():
    return load_store(CONTENT_DIR)


@pytest.fixture()
def content_copy(tmp_path: Path) -> Path:
    """A copy of the demo content that a test may change."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def _config(content_dir: Path, index_dir: Path) -> type[TestConfig]:
    class Config(TestConfig):
        CONTENT_DIR = content_dir
        SEARCH_INDEX_DIR = index_dir

    return Config


def test_every_service_guidance_page_fixed_page_and_glossary_term_is_indexed(store, search_index_dir: Path):
    info = BuildInfo.read(current_build(search_index_dir))
    translated = sum(len(docs) for kinds in store.translations.values() for docs in kinds.values())
    expected = len(store.services) + len(store.guidance) + len(store.pages) + len(store.glossary) + translated
    assert info.documents == expected
    assert info.fingerprint == store.fingerprint
    kinds = {record["kind"] for record in records(store)}
    assert kinds == {"services", "guidance", "pages", "glossary"}
    assert {record["lang"] for record in records(store)} == {"en", *store.translations}
    assert info.languages == ("en", *sorted(store.translations))


def test_service_records_carry_the_facets(store):
    record = next(r for r in records(store) if r["id"] == "services/speech-and-language-therapy")
    assert record["category"] == "health"
    assert (record["age_min"], record["age_max"]) == (0, 25)
    assert record["free"] is True and record["self_referral"] is True
    assert "communication-interaction" in record["need_areas"].split()
    assert record["areas"] == "borough-wide"


def test_status_is_ok_for_a_fresh_index(store, search_index_dir: Path):
    status = index_status(SearchIndex(search_index_dir), store.fingerprint)
    assert status.state == "ok" and status.usable


def test_missing_index_is_reported_and_search_is_unavailable(tmp_path: Path, store):
    index = SearchIndex(tmp_path / "nothing-here")
    status = index_status(index, store.fingerprint)
    assert status.state == "missing" and "flask search build" in status.message
    assert not index.available
    with pytest.raises(SearchUnavailable):
        index.search("ehcp")


def test_changed_content_makes_the_index_stale(content_copy: Path, tmp_path: Path):
    index_dir = tmp_path / "index"
    build_index(load_store(content_copy), index_dir)
    service = content_copy / "services" / "camhs.md"
    service.write_text(service.read_text(encoding="utf-8") + "\nNew opening hours.\n", encoding="utf-8")
    changed = load_store(content_copy)
    status = index_status(SearchIndex(index_dir), changed.fingerprint)
    assert status.state == "stale"
    assert "older than the content" in status.message
    assert status.usable, "a stale index still answers searches"


def test_changed_synonyms_make_the_index_stale(store, search_index_dir: Path, tmp_path: Path):
    other = tmp_path / "synonyms.yaml"
    other.write_text("groups:\n  - [ehcp, ehc plan]\n", encoding="utf-8")
    status = index_status(SearchIndex(search_index_dir, synonyms=load_synonyms(other)), store.fingerprint)
    assert status.state == "stale" and "synonyms" in status.message


def test_start_up_logs_missing_and_stale_index(content_copy: Path, tmp_path: Path, caplog):
    index_dir = tmp_path / "index"
    with caplog.at_level(logging.WARNING):
        app = create_app(_config(content_copy, index_dir))
    assert any("Search index missing" in r.getMessage() for r in caplog.records)
    assert search_index(app).available is False

    build_index(content_store(app), index_dir)
    (content_copy / "pages" / "cookies.md").write_text(
        (content_copy / "pages" / "cookies.md").read_text(encoding="utf-8") + "\nChanged.\n", encoding="utf-8"
    )
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        create_app(_config(content_copy, index_dir))
    assert any("older than the content" in r.getMessage() for r in caplog.records)


def test_app_starts_and_serves_a_kind_page_without_an_index(tmp_path: Path):
    app = create_app(_config(CONTENT_DIR, tmp_path / "no-index"))
    response = app.test_client().get("/search?q=ehcp")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Search is not working at the moment" in body
    assert 'href="/services"' in body and 'href="/glossary"' in body


def test_rebuild_swaps_atomically_and_keeps_the_previous_build(store, tmp_path: Path):
    index_dir = tmp_path / "index"
    first = build_index(store, index_dir)
    index = SearchIndex(index_dir)
    before = index.search("camhs")
    second = build_index(store, index_dir)
    assert (index_dir / CURRENT_FILE).read_text().strip() == second.path.name
    assert first.path.is_dir(), "the previous build stays for readers that still have it open"
    after = index.search("camhs")
    assert [h.url for h in after.hits] == [h.url for h in before.hits]
    assert index._snapshot is not None and index._snapshot.path == second.path
    third = build_index(store, index_dir)
    assert not first.path.exists(), "builds older than the previous one are removed"
    assert {p.name for p in index_dir.iterdir()} == {CURRENT_FILE, second.path.name, third.path.name}


def test_a_failed_build_leaves_the_live_index_untouched(store, tmp_path: Path):
    index_dir = tmp_path / "index"
    live = build_index(store, index_dir)

    def broken_records():
        yield from records(store)[:5]
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_index(broken_records(), index_dir, store.fingerprint)
    assert current_build(index_dir) == live.path
    assert not [p for p in index_dir.iterdir() if p.name.startswith(".")], "no half-built folder is left"
    assert SearchIndex(index_dir).search("ehcp").total


def test_cli_builds_the_index_with_progress(tmp_path: Path):
    index_dir = tmp_path / "index"
    app = create_app(_config(CONTENT_DIR, index_dir))
    result = app.test_cli_runner().invoke(args=["search", "build"])
    assert result.exit_code == 0, result.output
    assert "Indexing the Local Offer" in result.output
    assert "Indexed" in result.output
    assert current_build(index_dir) is not None
    status = app.test_cli_runner().invoke(args=["search", "status"])
    assert status.exit_code == 0 and "matches the content" in status.output


def test_cli_status_fails_when_the_index_is_missing(tmp_path: Path):
    app = create_app(_config(CONTENT_DIR, tmp_path / "index"))
    result = app.test_cli_runner().invoke(args=["search", "status"])
    assert result.exit_code == 1 and "missing" in result.output


def test_every_synonym_phrase_means_something():
    synonyms = load_synonyms(SYNONYMS_FILE)
    assert len(synonyms.groups) >= 30
    for group in synonyms.groups:
        assert len(group) >= 2
        assert all(phrase for phrase in group)
    for word in ["ehcp", "autism", "autistic", "salt", "camhs", "senco", "sendiass", "respite", "pfa", "tribunal"]:
        assert tuple(terms(word)) in synonyms.by_phrase, word
    assert set(synonyms.alternatives(("tribun",))) >= {("appeal",)}
    assert set(synonyms.alternatives(tuple(terms("short breaks")))) >= {("respit",)}


def test_a_broken_synonym_file_is_a_clear_error(tmp_path: Path):
    broken = tmp_path / "synonyms.yaml"
    broken.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(ValueError, match="groups"):
        load_synonyms(broken)


def test_folders_of_killed_builds_are_cleared_by_the_next_build(store, tmp_path: Path):
    index_dir = tmp_path / "index"
    abandoned = index_dir / ".building-index-old"
    abandoned.mkdir(parents=True)
    os.utime(abandoned, (time.time() - 7200, time.time() - 7200))
    recent = index_dir / ".building-index-now"
    recent.mkdir()
    build_index(store, index_dir)
    assert not abandoned.exists()
    assert recent.exists(), "a build that may still be running is left alone"


def test_a_search_repeated_after_a_page_changes_in_place_or_staff_add_words_finds_the_change(store, tmp_path: Path):
    index_dir = tmp_path / "index"
    build_index(store, index_dir)
    index = SearchIndex(index_dir)
    doc = next(iter(store.services.values()))
    assert index.search("zebracrossingclub").total == 0
    assert index.search("zebracrossingclub").total == 0  # answered again, from the recent searches
    changed = replace(doc, text=doc.text + " zebracrossingclub")
    assert update_documents(index_dir, [document_record(changed)], version=1)
    found = index.search("zebracrossingclub")
    assert [hit.url for hit in found.hits] == [doc.url]

    staff = StaffWords(spellings={"en": {"zebbra": "zebracrossingclub"}})
    assert index.search("zebbra").total == 0
    assert [hit.url for hit in index.search("zebbra", staff=staff).hits] == [doc.url]
