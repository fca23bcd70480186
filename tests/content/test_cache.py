"""The content cache: a second start reads the parsed content from disk, never stale or broken."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.content import ContentError, load_store, loader
from app.content.cache import SUFFIX

from .test_loader import GOOD_SERVICE, make_tree


def _entries(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.glob("*" + SUFFIX))


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(content_dir):
        raise AssertionError("content was parsed again")

    monkeypatch.setattr(loader, "read_content", refuse)


def test_second_start_reads_the_same_store_from_the_cache(tmp_path, monkeypatch):
    root, cache_dir = make_tree(tmp_path), tmp_path / "cache"
    first = load_store(root, cache_dir)
    assert len(_entries(cache_dir)) == 1

    _no_parsing(monkeypatch)
    second = load_store(root, cache_dir)
    assert second == first
    assert second.services["test-service"].html == first.services["test-service"].html
    assert dict(second.council.areas) == dict(first.council.areas)
    with pytest.raises(TypeError):
        second.services["other"] = second.services["test-service"]  # still read-only


def test_an_edited_file_is_read_again(tmp_path):
    root, cache_dir = make_tree(tmp_path), tmp_path / "cache"
    load_store(root, cache_dir)
    (root / "services" / "test-service.md").write_text(GOOD_SERVICE.replace("Help for families.", "New words."))
    store = load_store(root, cache_dir)
    assert "New words." in store.services["test-service"].html
    assert len(_entries(cache_dir)) == 1, "the old entry is removed"


def test_a_broken_file_still_stops_the_start_when_the_old_content_was_cached(tmp_path):
    root, cache_dir = make_tree(tmp_path), tmp_path / "cache"
    load_store(root, cache_dir)
    (root / "services" / "test-service.md").write_text(GOOD_SERVICE.replace("category: health", "category: nope"))
    with pytest.raises(ContentError, match="unknown category"):
        load_store(root, cache_dir)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # a half-written file
        lambda data: data[:-10] + b"0123456789",  # changed bytes
        lambda data: b"not a cache entry",
        lambda data: b"",
    ],
)
def test_a_damaged_entry_is_ignored_and_replaced(tmp_path, damage):
    root, cache_dir = make_tree(tmp_path), tmp_path / "cache"
    expected = load_store(root, cache_dir)
    [entry] = _entries(cache_dir)
    entry.write_bytes(damage(entry.read_bytes()))

    assert load_store(root, cache_dir) == expected
    assert load_store(root, cache_dir) == expected
    assert entry.read_bytes().startswith(b"portal-content-cache")


def test_the_same_files_in_another_folder_have_their_own_entry(tmp_path):
    cache_dir = tmp_path / "cache"
    first = load_store(make_tree(tmp_path / "one"), cache_dir)
    second = load_store(make_tree(tmp_path / "two"), cache_dir)
    assert first.fingerprint == second.fingerprint
    assert second.services["test-service"].path.is_relative_to(tmp_path / "two")


def test_a_cache_path_that_is_a_file_only_costs_time(tmp_path):
    root, cache_dir = make_tree(tmp_path), tmp_path / "cache"
    cache_dir.write_text("not a folder")
    assert load_store(root, cache_dir).services["test-service"]
