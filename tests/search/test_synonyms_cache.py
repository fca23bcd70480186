"""Built synonyms kept on disk: the same as building them, made again when anything they come from changes."""

from __future__ import annotations

import pytest

from app.search import analysis
from app.search.analysis import cached_default_synonyms, default_synonyms


def _entries(tmp_path):
    return sorted((tmp_path / "synonyms").glob("*.pickle"))


def test_the_second_process_reads_the_synonyms_the_first_built(tmp_path, monkeypatch):
    first = cached_default_synonyms(tmp_path)
    assert first.fingerprint == default_synonyms().fingerprint
    [entry] = _entries(tmp_path)

    def not_again():
        raise AssertionError("built again")

    monkeypatch.setattr(analysis, "default_synonyms", not_again)
    second = cached_default_synonyms(tmp_path)
    assert second is not first
    assert second == first
    assert second.fingerprint == first.fingerprint
    assert second.phrases_in("pl") == first.phrases_in("pl")
    assert _entries(tmp_path) == [entry]


@pytest.mark.parametrize("damage", [lambda data: data[:-10], lambda data: data[:-1] + bytes([data[-1] ^ 1]), bytes])
def test_a_damaged_entry_is_built_again_and_replaced(tmp_path, damage):
    cached_default_synonyms(tmp_path)
    [entry] = _entries(tmp_path)
    entry.write_bytes(damage(entry.read_bytes()))
    assert cached_default_synonyms(tmp_path).fingerprint == default_synonyms().fingerprint
    assert entry.read_bytes().startswith(analysis.SYNONYMS_MAGIC)
    assert cached_default_synonyms(tmp_path) == default_synonyms()


def test_a_change_to_the_files_or_code_makes_a_new_entry_and_drops_the_old(tmp_path, monkeypatch):
    cached_default_synonyms(tmp_path)
    [old] = _entries(tmp_path)
    monkeypatch.setattr(analysis, "synonyms_key", lambda: "0" * 32)
    cached_default_synonyms(tmp_path)
    assert [entry.name for entry in _entries(tmp_path)] == ["0" * 32 + ".pickle"]
    assert not old.exists()


def test_the_key_follows_the_synonym_files(tmp_path, monkeypatch):
    before = analysis.synonyms_key()
    copy = tmp_path / "synonyms.yaml"
    copy.write_text(analysis.SYNONYMS_FILE.read_text(encoding="utf-8") + "\n# one more line\n", encoding="utf-8")
    monkeypatch.setattr(analysis, "SYNONYMS_FILE", copy)
    assert analysis.synonyms_key() != before


def test_a_folder_that_cannot_be_written_only_costs_time(tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder would be")
    assert cached_default_synonyms(blocked).fingerprint == default_synonyms().fingerprint
