"""Survey translations from surveys/<locale>/, search per language, and figures per language."""

from __future__ import annotations

import datetime as dt
import shutil
import unicodedata
from pathlib import Path

import pytest

from app.config import BASE_DIR
from app.search import SearchIndex
from app.search.analysis import language_terms
from app.services import content_store, services
from app.surveys import check_surveys, load_surveys

from ..factories import create_response, create_user
from ..helpers import act_as

SURVEYS_DIR = BASE_DIR / "surveys"

POLISH = """
title: "Powiedz nam, jak powstał plan EHC Twojego dziecka"
intro:
  - "Pierwszy akapit."
  - "Drugi akapit."
pages:
  advice:
    heading: "Czy plan zawiera porady?"
questions:
  listened:
    label: "Czy czuł(a) się Pan/Pani wysłuchany(a)?"
    errors:
      required: "Wybierz tak, nie lub nie wiem"
  education_reflected:
    options:
      yes: "Tak"
      partly: "Częściowo"
  listened_help:
    errors:
      too_long: "Wpisz najwyżej {max} znaków"
"""


@pytest.fixture()
def surveys_dir(tmp_path: Path) -> Path:
    """A copy of the English survey definitions, without any translations."""
    target = tmp_path / "surveys"
    target.mkdir()
    for path in SURVEYS_DIR.glob("*.yaml"):
        shutil.copy(path, target / path.name)
    return target


def overlay(surveys_dir: Path, locale: str, survey_id: str, text: str) -> Path:
    path = surveys_dir / locale / f"{survey_id}.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_overlay_text_is_added_to_the_definition(surveys_dir):
    overlay(surveys_dir, "pl", "ehcp-finalisation", POLISH)
    survey = load_surveys(surveys_dir)["ehcp-finalisation"]
    assert survey.text(survey.title, "pl") == "Powiedz nam, jak powstał plan EHC Twojego dziecka"
    assert survey.text(survey.title, "en") == "Tell us how your child's EHC plan was made"
    assert [survey.text(p, "pl") for p in survey.intro] == ["Pierwszy akapit.", "Drugi akapit."]
    assert survey.text(survey.page("advice").heading, "pl") == "Czy plan zawiera porady?"
    listened = survey.question("listened")
    assert survey.text(listened.label, "pl").startswith("Czy czuł(a)")
    assert survey.text(listened.errors.required, "pl") == "Wybierz tak, nie lub nie wiem"
    assert dict(survey.question("education_reflected").choices("pl"))["partly"] == "Częściowo"
    assert dict(survey.question("education_reflected").choices("pl"))["no"] == "No"  # not translated: English
    assert survey.text(survey.question("listened_help").errors.too_long, "pl") == "Wpisz najwyżej {max} znaków"


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("questions:\n  no_such_question:\n    label: x\n", "question no_such_question", "unknown question id"),
        ("pages:\n  no_such_page:\n    heading: x\n", "page no_such_page", "unknown page id"),
        (
            "questions:\n  education_reflected:\n    options:\n      maybe: x\n",
            "question education_reflected",
            "options.maybe: unknown option value",
        ),
        ("intro:\n  - only one\n", "survey", "intro: has 1 paragraph(s) but the English has 2"),
        (
            "questions:\n  listened_help:\n    errors:\n      too_long: no limit here\n",
            "question listened_help",
            "errors.too_long: must contain {max}",
        ),
        ("questions:\n  involved:\n    hint: x\n", "question involved", "hint: the English has no hint"),
        ("questions:\n  listened:\n    lable: x\n", "question listened", "lable: unknown key"),
        ("title: ''\n", "survey", "title: must be a non-empty string"),
        ("title: [unclosed\n", "survey", "cannot be read"),
    ],
)
def test_overlay_problems_are_reported_with_file_and_key(surveys_dir, text, where, message):
    path = overlay(surveys_dir, "pl", "ehcp-finalisation", text)
    _surveys, problems = check_surveys(surveys_dir)
    found = [p for p in problems if p.path == str(path)]
    assert found, problems
    assert any(p.where == where and message in p.message for p in found), [str(p) for p in found]
    with pytest.raises(Exception, match="survey definitions have problems"):
        load_surveys(surveys_dir)


def test_an_overlay_for_a_survey_that_does_not_exist_is_reported(surveys_dir):
    path = overlay(surveys_dir, "ro", "no-such-survey", "title: x\n")
    _surveys, problems = check_surveys(surveys_dir)
    assert [str(p) for p in problems] == [f"{path}: survey: translates 'no-such-survey', which is not a survey here"]


def test_flask_surveys_check_reports_overlay_problems(surveys_dir, runner):
    path = overlay(surveys_dir, "ur", "young-person", "questions:\n  nope:\n    label: x\n")
    result = runner.invoke(args=["surveys", "check", "--dir", str(surveys_dir)])
    assert result.exit_code == 1
    assert f"{path}: question nope: questions.nope: unknown question id" in result.output


def test_shipped_survey_translations_have_no_problems():
    _surveys, problems = check_surveys(SURVEYS_DIR)
    assert problems == []


def test_survey_pages_use_the_overlay_in_the_chosen_language(app, surveys_dir, get_page, client):
    overlay(surveys_dir, "pl", "local-offer-feedback", 'title: "Co myślisz o Local Offer"\n')
    portal = services(app)
    portal.surveys, saved = load_surveys(surveys_dir), portal.surveys
    try:
        page = get_page("/survey/local-offer-feedback?lang=pl")
        assert page.h1 == "Co myślisz o Local Offer"
        assert get_page("/survey/local-offer-feedback?lang=en").h1 == "Tell us what you think of the Local Offer"
    finally:
        portal.surveys = saved


# Search per language -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def index(search_index_dir) -> SearchIndex:
    return SearchIndex(search_index_dir)


def _translated(app_store, lang: str) -> dict[str, str]:
    return {f"/guidance/{slug}": doc.title for slug, doc in app_store.translations[lang].get("guidance", {}).items()}


@pytest.mark.parametrize("lang", ["pl", "ro", "ur", "pa"])
def test_search_in_a_language_finds_its_pages_and_english_for_the_rest(app, index, lang):
    store = content_store(app)
    translated = _translated(store, lang)
    assert translated, f"content/{lang}/guidance has pages"
    url, title = next(iter(translated.items()))
    word = next(
        w for w in title.split() if len(w) > 3 and all(c.isalpha() or unicodedata.category(c)[0] == "M" for c in w)
    )
    results = index.search(word, lang=lang)
    assert url in [hit.url for hit in results.hits], (word, [h.url for h in results.hits])
    hit = next(hit for hit in results.hits if hit.url == url)
    assert hit.title == title  # the translation, not its English twin

    results = index.search("ehc", lang=lang)
    urls = [hit.url for hit in results.hits]
    assert len(urls) == len(set(urls)), "a translated page replaces its English twin"
    all_hits = [h for page in range(1, results.pages + 1) for h in index.search("ehc", lang=lang, page=page).hits]
    titles = {h.url: h.title for h in all_hits}
    assert any(u not in translated for u in titles), "English pages that have no translation are found too"
    for u, shown in titles.items():
        if u in translated:
            assert shown == translated[u]


def test_english_readers_never_see_translations(app, index):
    store = content_store(app)
    for lang in store.translations:
        for title in _translated(store, lang).values():
            results = index.search(title, lang="en")
            assert title not in [hit.title for hit in results.hits]


def test_romanian_is_stemmed_and_found_without_diacritics(index):
    with_marks = index.search("evaluarea", lang="ro")
    without = index.search("evaluare", lang="ro")
    assert with_marks.total and without.total
    assert set(h.url for h in with_marks.hits) & set(h.url for h in without.hits)
    assert language_terms("educaţionale", "ro") == language_terms("educationale", "ro")


def test_urdu_and_gurmukhi_words_stay_whole():
    assert language_terms("ਪੰਜਾਬੀ ਵਿੱਚ ਮਦਦ", "pa") == ["ਪੰਜਾਬੀ", "ਵਿੱਚ", "ਮਦਦ"]
    assert language_terms("اردو میں مدد، EHC پلان", "ur") == ["اردو", "میں", "مدد", "ehc", "پلان"]
    assert language_terms("Wsparcie SEN", "pl") == ["wsparcie", "sen"]


def test_search_page_uses_the_reader_s_language(search_app):
    client = search_app.test_client()
    store = content_store(search_app)
    url, title = next(iter(_translated(store, "pl").items()))
    body = client.get(f"/search?q={title.split()[0]}&lang=pl").get_data(as_text=True)
    assert title in body
    english = store.guidance[url.rsplit("/", 1)[1]].title
    assert english not in body


# Figures per language ----------------------------------------------------------------------


def test_officers_filter_the_figures_by_language_and_small_numbers_are_translated(app, client, get_page):
    with app.app_context():
        for number in range(8):
            create_response(submitted_on=dt.date(2026, 1, 5 + number), locale="ur" if number < 6 else "pl")
        officer = create_user("officer")
    act_as(client, officer)

    def responses(language: str, lang: str = "en") -> str:
        page = get_page(f"/staff/feedback/?period=2026-Q1&by=quarter&language={language}&lang={lang}")
        rows = page.soup.select("#table-kpis tbody tr")
        return " ".join(rows[0].get_text(" ", strip=True).split())

    assert "6" in responses("ur").split()
    assert "not shown" in responses("pl")
    polish_view = responses("pl", lang="pl")
    assert "not shown" not in polish_view, "the suppression text is translated"
