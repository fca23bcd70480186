"""Services translated by title and summary (content/<locale>/services.yaml): checked, and
shown in the reader's language on lists, search results and the service's page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.config import BASE_DIR
from app.content import ContentError, load_store
from app.languages import INTERFACE_LANGUAGES

from ..pages import check_page_structure


@pytest.fixture(scope="module")
def store():
    return load_store(BASE_DIR / "content")


@pytest.mark.parametrize("lang", [code for code in INTERFACE_LANGUAGES if code != "en"])
def test_every_demo_service_has_its_title_and_summary_in_every_language(store, lang: str):
    translated = store.translations[lang]["services"]
    assert set(translated) == set(store.services)
    for slug, doc in translated.items():
        english = store.services[slug]
        assert doc.title and doc.summary != english.summary
        assert not doc.body_translated and doc.html == english.html and doc.meta.contact == english.meta.contact


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(BASE_DIR / "content", root)
    return root


def test_a_translation_of_a_service_that_no_longer_exists_is_left_out(tmp_path: Path):
    root = _copy(tmp_path)
    path = root / "pl" / "services.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "no-such-service:\n  title: X\n  summary: Y\n", encoding="utf-8")
    store = load_store(root)
    assert "no-such-service" not in store.translations["pl"]["services"]


def test_a_translation_without_a_summary_is_refused(tmp_path: Path):
    root = _copy(tmp_path)
    (root / "ro" / "services.yaml").write_text("camhs:\n  title: CAMHS\n", encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_store(root)
    assert "camhs" in str(error.value) and "summary" in str(error.value)


def test_the_service_page_shows_the_translated_title_and_summary_with_the_notice(client):
    page = check_page_structure(client.get("/services/kelderbridge-sendiass?lang=pl"))
    assert page.h1 == "Kelderbridge SENDIASS – bezpłatna, niezależna porada"
    assert page.soup.find("h1")["lang"] == "pl"
    assert "Bezpłatna, poufna i bezstronna porada" in page.text()
    assert page.select("#untranslated-notice")  # the details are still in English


def test_lists_show_services_in_the_readers_language(client):
    text = client.get("/services?lang=ur").get_data(as_text=True)
    assert "کیلڈر برج SENDIASS: مفت اور آزاد مشورہ" in text
    category = client.get("/categories/health?lang=ro").get_data(as_text=True)
    assert "Kinetoterapie pentru copii" in category
