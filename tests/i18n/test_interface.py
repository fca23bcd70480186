"""Every family in their own language: no English left in the interface of any shipped locale.

Each page is rendered twice with the same state, once in English and once in the locale;
the interface text of both (headings, labels, buttons, hints, errors, links, the <title>,
aria-labels) is collected, leaving out content bodies, content titles, what the person
typed and a short list of names and abbreviations that stay as they are. Any English
interface string that appears unchanged in the locale's page is untranslated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup, Comment, Declaration, Doctype
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext
from sqlalchemy import select

from app.config import BASE_DIR, LANGUAGES
from app.extensions import db
from app.languages import RTL_LANGUAGES
from app.models.surveys import SurveyResponse
from app.services import content_store, survey_definitions

from ..factories import create_invitation
from ..helpers import csrf_from, open_link
from ..pages import check_page_structure

LOCALES = [code for code in LANGUAGES if code != "en"]
TRANSLATIONS = BASE_DIR / "translations"
#: A guidance page translated into every shipped locale, and one that is not.
TRANSLATED_GUIDANCE = "what-is-the-local-offer"
UNTRANSLATED_GUIDANCE = "annual-reviews"
#: Names and abbreviations that stay in Latin letters in every language.
KEPT_AS_THEY_ARE = re.compile(
    r"\b(?:Kelderbridge|SENDIASS|SENCO|SENCo|SEND|SEN|EHCP|EHC|Local Offer|CAMHS|CSV|PDF|GOV\.UK|UK)\b"
)
_EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+")
_LETTER = re.compile(r"[^\W\d_]")
#: Elements whose text is content or someone's answers, not interface.
CONTENT_SELECTORS = (
    ".council-prose",
    "#results h2",
    "#results li > p.govuk-body",
    ".council-result-facts",
    "#definition h2",
    "#definition p.govuk-body:not(:last-child)",
    ".govuk-pagination__link-label",
    ".council-content-name",
)
ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")


def _normalise(text: str) -> str:
    return " ".join(text.split())


def interface_texts(html: str, leave_out: Iterable[str] = ()) -> set[str]:
    """The interface text of a page: text nodes and labelling attributes, in its own language."""
    soup = BeautifulSoup(html, "html.parser")
    root = soup.html or soup.find(attrs={"lang": True})
    page_lang = root.get("lang", "") if root else ""
    body = soup
    for node in body.select("script, style, noscript, template"):
        node.decompose()
    for selector in CONTENT_SELECTORS:
        for node in body.select(selector):
            node.decompose()
    for node in body.select("[lang]"):
        if node is not root and node.name != "html" and node.get("lang") != page_lang and not node.decomposed:
            node.decompose()
    left_out = {_normalise(text) for text in leave_out if text}
    found: set[str] = set()
    candidates = [
        str(text) for text in body.find_all(string=True) if not isinstance(text, Comment | Declaration | Doctype)
    ]
    for node in body.find_all(True):
        candidates += [str(node[name]) for name in ATTRIBUTES if node.has_attr(name)]
        if node.name == "input" and node.get("type") in {"submit", "button"} and node.has_attr("value"):
            candidates.append(str(node["value"]))
    for text in candidates:
        text = _normalise(text)
        if not text or text in left_out:
            continue
        remainder = KEPT_AS_THEY_ARE.sub(" ", _EMAIL_OR_URL.sub(" ", text))
        if _LETTER.search(remainder):
            found.add(text)
    return found


def content_strings(app: Flask) -> set[str]:
    """Titles, summaries and names from the content store: content, shown in lists and results."""
    store = content_store(app)
    docs = [*store.documents()]
    for kinds in store.translations.values():
        for translated in kinds.values():
            docs += translated.values()
    strings: set[str] = set()
    for doc in docs:
        strings |= {doc.title, doc.summary, getattr(doc.meta, "organisation", "")}
    for term in store.glossary:
        strings |= {term.heading, term.definition, *term.names}
    return {s for s in strings if s}


@lru_cache
def same_in_both(locale: str) -> frozenset[str]:
    """Messages the locale's catalogue translates, on purpose, with the same words (Polish "Menu").

    A message left untranslated has an empty msgstr, so it is never in this set.
    """
    path = TRANSLATIONS / locale.split("-")[0] / "LC_MESSAGES" / "messages.po"
    if not path.is_file():
        return frozenset()
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return frozenset(
        _normalise(m.id) for m in catalog if m.id and isinstance(m.id, str) and m.string == m.id and not m.fuzzy
    )


def assert_no_english_left(english_html: str, local_html: str, locale: str, where: str, leave_out=()) -> None:
    english = interface_texts(english_html, leave_out)
    local = interface_texts(local_html, leave_out)
    assert english, f"{where}: found no interface text in the English page"
    untranslated = sorted((english & local) - same_in_both(locale))
    assert not untranslated, f"{where} in {locale}: English left in the interface: {untranslated}"


def in_language(client: FlaskClient, locale: str) -> None:
    """Choose the language as a reader would (the switcher's ?lang=, remembered in a cookie)."""
    response = client.get(f"/?lang={locale}")
    assert response.status_code == 200
    assert f"lang={locale}" in response.headers.get("Set-Cookie", "")


#: Links whose last segment is a token: each redirects to a page without it.
TOKEN_LINK = re.compile(r"^/(?:s|set-password|review|no-reminders)/[^/]+$")


def fetch(client: FlaskClient, path: str, status: int = 200) -> str:
    """The page at `path` (for a token link, the page it redirects to), after checking its status."""
    response = open_link(client, path, status) if TOKEN_LINK.match(path) else client.get(path)
    assert response.status_code == status, f"{path}: {response.status_code}"
    check_page_structure(response)
    return response.get_data(as_text=True)


def both(app: Flask, locale: str, path: str, status: int = 200) -> tuple[str, str]:
    """The page at `path` in English and in `locale`, each from a fresh client."""
    pages = []
    for language in ("en", locale):
        client = app.test_client()
        in_language(client, language)
        pages.append(fetch(client, path, status))
    return pages[0], pages[1]


# Catalogues ---------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated_and_none_is_fuzzy(locale):
    path = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
    assert path.is_file(), f"{path} is missing: run `make translations` and translate it"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    problems: list[str] = []
    for message in catalog:
        if not message.id:
            continue  # the header
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {msgid!r}")
        elif not all(strings):
            problems.append(f"untranslated: {msgid!r}")
    assert not problems, f"{path}: {len(problems)} message(s) to fix:\n" + "\n".join(problems[:40])


def test_the_catalogue_check_finds_gaps(tmp_path):
    po = tmp_path / "messages.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Yes"\nmsgstr "Tak"\n\nmsgid "No"\nmsgstr ""\n\n#, fuzzy\nmsgid "Back"\nmsgstr "Wstecz"\n',
        encoding="utf-8",
    )
    with po.open("rb") as handle:
        catalog = read_po(handle, locale="pl")
    assert [m.id for m in catalog if m.id and not m.string] == ["No"]
    assert [m.id for m in catalog if m.id and m.fuzzy] == ["Back"]


# Public pages -------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_home_page_has_no_english_left(app, locale):
    english, local = both(app, locale, "/")
    assert_no_english_left(english, local, locale, "home page", content_strings(app))


@pytest.mark.parametrize("locale", LOCALES)
def test_translated_guidance_page_has_no_english_left(app, locale):
    english, local = both(app, locale, f"/guidance/{TRANSLATED_GUIDANCE}")
    soup = BeautifulSoup(local, "html.parser")
    assert not soup.select("#untranslated-notice"), f"{TRANSLATED_GUIDANCE} should be translated into {locale}"
    assert_no_english_left(english, local, locale, "guidance page", content_strings(app))


@pytest.mark.parametrize("locale", LOCALES)
def test_search_results_page_has_no_english_left(search_app, locale):
    english, local = both(search_app, locale, "/search?q=EHC")
    assert BeautifulSoup(local, "html.parser").select("#results li"), "the search finds pages"
    assert_no_english_left(english, local, locale, "search results", [*content_strings(search_app), "EHC"])


@pytest.mark.parametrize("locale", LOCALES)
def test_untranslated_page_says_so_in_the_reader_s_language(app, locale):
    english, local = both(app, locale, f"/guidance/{UNTRANSLATED_GUIDANCE}")
    soup = BeautifulSoup(local, "html.parser")
    notice = soup.select_one("#untranslated-notice")
    assert notice is not None and notice["lang"] == locale
    assert "/services/kelderbridge-sendiass" in [a["href"] for a in notice.find_all("a", href=True)]
    english_notice = interface_texts(str(notice))
    assert english_notice, "the notice has text"
    assert not BeautifulSoup(english, "html.parser").select("#untranslated-notice")


@pytest.mark.parametrize("locale", ["en", *LOCALES])
def test_html_lang_and_direction(app, locale):
    client = app.test_client()
    in_language(client, locale)
    soup = BeautifulSoup(fetch(client, "/"), "html.parser")
    assert soup.html["lang"].split("-")[0] == locale
    assert soup.html["dir"] == ("rtl" if locale in RTL_LANGUAGES else "ltr")


def test_only_urdu_is_right_to_left():
    assert {code for code in LANGUAGES if code in RTL_LANGUAGES} == {"ur"}


def test_switcher_names_each_language_in_itself_and_keeps_the_page_and_query(app):
    client = app.test_client()
    in_language(client, "pl")
    soup = BeautifulSoup(fetch(client, "/search?q=short+breaks&kind=services&page=1"), "html.parser")
    nav = soup.select_one("header nav")
    current = nav.select('[aria-current="true"]')
    assert [node.get_text(strip=True) for node in current] == ["Polski"]
    links = {a["hreflang"]: a for a in nav.find_all("a")}
    assert set(links) == set(LANGUAGES) - {"pl"}
    assert {code: a.get_text(strip=True) for code, a in links.items()} == {
        code: name for code, name in LANGUAGES.items() if code != "pl"
    }
    for code, link in links.items():
        assert link["lang"] == code
        path, query = link["href"].split("?", 1)
        assert path == "/search"
        assert sorted(query.split("&")) == sorted(["q=short+breaks", "kind=services", "page=1", f"lang={code}"])


# Surveys ------------------------------------------------------------------------------------


def answers_for(app: Flask, survey_id: str, page_id: str) -> dict[str, str | list[str]]:
    """Answers for every question on a page: the first option, or nothing for free text."""
    page = survey_definitions(app)[survey_id].page(page_id)
    data: dict[str, str | list[str]] = {}
    for question in page.questions:
        values = question.option_values()
        if values:
            data[question.id] = values[0]
    return data


def check_error_page(app: Flask, response, lang: str) -> None:
    """One h1, and a <title> of the translated "Error:" then the h1, in the page's language."""
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    h1s = soup.find_all("h1")
    assert len(h1s) == 1
    with app.test_request_context(), force_locale(lang.replace("-", "_")):
        prefix = gettext("Error:")
    title = " ".join(soup.title.get_text().split())
    assert title.startswith(f"{prefix} {' '.join(h1s[0].get_text().split())}"), title
    assert soup.select(".govuk-error-summary__list a"), "the error summary lists the problems"


def walk_survey(app: Flask, client: FlaskClient, survey_id: str, first_url: str) -> list[tuple[str, str]]:
    """Answer a whole survey; (step, page HTML) for every page a person sees, with one error page."""
    seen: list[tuple[str, str]] = []
    html = fetch(client, first_url)
    seen.append(("start", html))
    start = BeautifulSoup(html, "html.parser").select_one("a.govuk-button--start")
    assert start is not None, "the start page has a start button"
    url = start["href"]
    first = True
    while "/questions/" in url:
        page_id = url.split("/questions/", 1)[1].split("?")[0]
        html = fetch(client, url)
        seen.append((f"question {page_id}", html))
        data = answers_for(app, survey_id, page_id)
        if first and data:
            error = client.post(url, data={"csrf_token": csrf_from(html)})
            assert error.status_code == 200
            check_error_page(app, error, BeautifulSoup(html, "html.parser").html["lang"])
            seen.append((f"question {page_id} with errors", error.get_data(as_text=True)))
            first = False
        response = client.post(url, data={**data, "csrf_token": csrf_from(html)})
        assert response.status_code == 302, f"{url}: {response.status_code}"
        url = response.headers["Location"]
    assert url.endswith(f"/survey/{survey_id}/check"), url
    html = fetch(client, url)
    seen.append(("check your answers", html))
    response = client.post(url, data={"csrf_token": csrf_from(html)})
    assert response.status_code == 302
    seen.append(("confirmation", fetch(client, response.headers["Location"])))
    return seen


def journey(app: Flask, locale: str, survey_id: str, reference: str) -> list[tuple[str, str]]:
    client = app.test_client()
    in_language(client, locale)
    if survey_definitions(app)[survey_id].open:
        first = f"/survey/{survey_id}"
    else:
        with app.app_context():
            _id, token, _code = create_invitation(reference, survey_id, language=locale)
        response = client.get(f"/s/{token}")
        assert response.status_code == 302
        first = response.headers["Location"]
    return walk_survey(app, client, survey_id, first)


@pytest.mark.commits
@pytest.mark.parametrize("survey_id", ["ehcp-finalisation", "young-person", "local-offer-feedback"])
@pytest.mark.parametrize("locale", LOCALES)
def test_whole_survey_journey_has_no_english_left(app, locale, survey_id):
    english = journey(app, "en", survey_id, f"KB-1-{locale}-{survey_id}"[:30])
    local = journey(app, locale, survey_id, f"KB-2-{locale}-{survey_id}"[:30])
    assert [step for step, _ in english] == [step for step, _ in local]
    for (step, english_html), (_step, local_html) in zip(english, local, strict=True):
        assert_no_english_left(english_html, local_html, locale, f"{survey_id}: {step}")
    local_dir = BeautifulSoup(local[-1][1], "html.parser").html["dir"]
    assert local_dir == ("rtl" if locale in RTL_LANGUAGES else "ltr")
    with app.app_context():
        stored = db.session.scalars(select(SurveyResponse.locale).where(SurveyResponse.survey_id == survey_id)).all()
    assert sorted(stored) == sorted(["en", locale]), "each response records the language it was given in"


@pytest.mark.parametrize("locale", LOCALES)
def test_survey_problem_and_code_pages_have_no_english_left(app, locale):
    for path, status in (("/survey", 200), ("/s/not-a-real-token", 404), ("/survey/ehcp-finalisation", 200)):
        english, local = both(app, locale, path, status)
        assert_no_english_left(english, local, locale, path)


@pytest.mark.parametrize("locale", LOCALES)
def test_expired_invitation_page_has_no_english_left(app, locale):
    import datetime as dt

    pages = []
    for language in ("en", locale):
        with app.app_context():
            _id, token, _code = create_invitation(f"KB-9-{language}", now=dt.datetime(2020, 1, 1), days=1)
        client = app.test_client()
        in_language(client, language)
        pages.append(fetch(client, f"/s/{token}", 410))
    assert_no_english_left(pages[0], pages[1], locale, "expired link")


def test_the_check_finds_english_left_in_the_interface():
    english = '<html lang="en"><body><h1>Tell us</h1><p class="council-prose">Body</p><p>Kelderbridge</p></body></html>'
    polish = '<html lang="pl"><body><h1>Tell us</h1><p class="council-prose">Body</p><p>Kelderbridge</p></body></html>'
    assert interface_texts(english) == {"Tell us"}
    with pytest.raises(AssertionError, match="Tell us"):
        assert_no_english_left(english, polish, "pl", "test")
    translated = polish.replace("Tell us", "Powiedz nam")
    assert_no_english_left(english, translated, "pl", "test")


def test_every_shipped_locale_has_content_and_survey_translations(app):
    store = content_store(app)
    for locale in LOCALES:
        assert TRANSLATED_GUIDANCE in store.translations.get(locale, {}).get("guidance", {}), locale
        for survey_id in survey_definitions(app):
            assert (Path(app.config["SURVEYS_DIR"]) / locale / f"{survey_id}.yaml").is_file(), (locale, survey_id)


@pytest.mark.parametrize("locale", LOCALES)
def test_report_a_problem_and_review_link_pages_have_no_english_left(app, locale):
    paths = (
        ("/report-a-problem/guidance/does-my-child-have-sen", 200),
        ("/review/not-a-real-token", 404),
    )
    for path, status in paths:
        english, local = both(app, locale, path, status)
        assert_no_english_left(english, local, locale, path)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_provider_check_pages_have_no_english_left(app, locale):
    import datetime as dt

    from app.content import reviews
    from app.services import content_store

    with app.app_context():
        doc = content_store().services["all-wheels-adapted-cycling"]
        day = doc.meta.review_due - dt.timedelta(days=5)
        result = reviews.request_reviews(content_store(), day, notice_days=30, reminder_days=14, link_days=60)
        token = next(r.token for r in result.requests if r.doc.slug == doc.slug)
        db.session.commit()
    listing = [doc.title, *reviews.editable_fields(doc).values(), *doc.meta.languages]  # the provider's own words
    pages = []
    for language in ("en", locale):
        client = app.test_client()
        in_language(client, language)
        client.get(f"/review/{token}")  # the link works until it is answered
        pages.append((fetch(client, "/check-your-listing"), fetch(client, "/check-your-listing/changes")))
    for index, where in enumerate(("check your listing", "changes")):
        assert_no_english_left(pages[0][index], pages[1][index], locale, where, leave_out=listing)


def test_another_language_inside_a_request_gets_its_own_words_and_then_the_readers_again(app: Flask):
    from flask import render_template_string

    with app.test_request_context("/?lang=pl"):
        app.preprocess_request()
        polish = gettext("Search")
        assert polish != "Search"
        with force_locale("ro"):
            romanian = gettext("Search")
            assert romanian not in ("Search", polish)
            assert render_template_string("{{ _('Search') }}") == romanian
        assert gettext("Search") == polish
        assert render_template_string("{{ _('Search') }}") == polish
