"""Translated content beside the English, and the notice when a page has no translation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app import create_app
from app.config import BASE_DIR, TestConfig
from app.content import ContentError, load_store

from ..pages import check_page_structure


def _translate(root: Path, slug: str, title: str) -> None:
    english = (root / "guidance" / f"{slug}.md").read_text(encoding="utf-8")
    front, _body = english.split("\n---\n", 1)
    lines = [f"title: {title}" if line.startswith("title:") else line for line in front.splitlines()]
    target = root / "pl" / "guidance" / f"{slug}.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n---\n## Co to jest\n\nTekst po polsku.\n", encoding="utf-8")


@pytest.fixture(scope="module")
def polish_app(tmp_path_factory):
    root = tmp_path_factory.mktemp("site") / "content"
    shutil.copytree(BASE_DIR / "content", root, ignore=shutil.ignore_patterns("pl", "ur", "ro", "pa"))
    _translate(root, "what-is-the-local-offer", "Czym jest Local Offer?")

    class PolishConfig(TestConfig):
        CONTENT_DIR = root
        LANGUAGES = {"en": "English", "pl": "Polski"}

    return create_app(PolishConfig)


def test_translated_page_is_shown_in_the_chosen_language(polish_app):
    client = polish_app.test_client()
    page = check_page_structure(client.get("/guidance/what-is-the-local-offer?lang=pl"))
    assert page.h1 == "Czym jest Local Offer?"
    assert "Tekst po polsku." in page.text()
    assert not page.select("#untranslated-notice")
    assert page.soup.html["lang"] == "pl"


def test_untranslated_page_falls_back_to_english_with_a_notice(polish_app):
    client = polish_app.test_client()
    page = check_page_structure(client.get("/guidance/annual-reviews?lang=pl"))
    notice = page.select("#untranslated-notice")
    assert notice and notice[0]["lang"] == "pl"
    assert "/services/kelderbridge-sendiass" in [a["href"] for a in notice[0].find_all("a")]
    english = page.soup.find("h1").find_parent(attrs={"lang": True})
    assert english["lang"] == "en"


def test_translated_titles_appear_in_lists_and_english_is_unchanged(polish_app):
    client = polish_app.test_client()
    assert "Czym jest Local Offer?" in client.get("/guidance?lang=pl").get_data(as_text=True)
    english = check_page_structure(client.get("/guidance/what-is-the-local-offer?lang=en"))
    assert english.h1 != "Czym jest Local Offer?"


def test_translation_of_a_page_that_does_not_exist_is_a_problem(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(BASE_DIR / "content", root, ignore=shutil.ignore_patterns("pl", "ur", "ro", "pa"))
    _translate(root, "what-is-the-local-offer", "Czym jest Local Offer?")
    (root / "pl" / "guidance" / "what-is-the-local-offer.md").rename(root / "pl" / "guidance" / "no-such-page.md")
    with pytest.raises(ContentError, match="does not exist in English"):
        load_store(root)
