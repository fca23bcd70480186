"""The law the Local Offer states, pinned: each page says it correctly, in every language it has."""

from __future__ import annotations

import re

import pytest

from app.config import BASE_DIR
from app.content import load_store

LOCALES = ("en", "pl", "ur", "ro", "pa")


@pytest.fixture(scope="module")
def store():
    return load_store(BASE_DIR / "content")


def said(page) -> str:
    """The page's main text as a reader sees it (no space before punctuation after bold words)."""
    return re.sub(r"\s+([.,;:!?)])", r"\1", page.text())


def every_text(store) -> list[tuple[str, str]]:
    """(url and locale, filled-in text and summary) for every page in every language."""
    found = [(doc.url, f"{doc.summary}\n{doc.text}") for doc in store.documents()]
    for locale, kinds in store.translations.items():
        for docs in kinds.values():
            found += [(f"{doc.url}?lang={locale}", f"{doc.summary}\n{doc.text}") for doc in docs.values()]
    found += [("/glossary", f"{term.term}: {term.definition}") for term in store.glossary]
    return found


def test_no_page_says_a_young_person_is_16_to_25(store):
    wrong = re.compile(
        r"young (?:person|people)[^.]{0,20}\b(?:aged )?16 to 25\b[^.]*\b(?:own right|themselves)|"
        r"\ba young person aged 16\b|"
        r"\b(?:young (?:person|people)|students?)(?: with SEND)? aged 16 to 25\b",
        re.IGNORECASE,
    )
    assert [url for url, text in every_text(store) if wrong.search(text)] == []
    legal = "over compulsory school age (after the last Friday of June in Year 11) and under 25"
    for slug in ("asking-for-an-ehc-needs-assessment", "post-16-16-to-25", "when-you-disagree"):
        assert legal in " ".join(store.guidance[slug].text.split()), slug


@pytest.mark.parametrize("locale", ["pl", "ur", "ro", "pa"])
def test_translations_define_a_young_person_in_their_own_language(store, locale, get_page):
    page = get_page(f"/guidance/asking-for-an-ehc-needs-assessment?lang={locale}")
    assert store.placeholders.fact("young-person", locale) in page.text()
    assert "16 to 25" not in page.text() and "Year 11" in page.text()


def test_personal_budget_must_be_prepared_when_asked(get_page):
    text = said(get_page("/guidance/personal-budgets"))
    assert "must prepare a personal budget" in text
    assert "must think about your request" not in text
    assert "particular items" in text and "why in writing" in text


def test_phase_transfer_deadlines(get_page):
    text = said(get_page("/guidance/annual-reviews"))
    assert "issued by 15 February" in text
    assert re.search(r"From secondary school to a post-16 place\.[^.]*\.[^.]*issued by 31 March", text)
    assert "at least 5 months before the move" in text
    assert "Staying on in your own school's sixth form is not a phase transfer" in text
    assert "from nursery to Reception" in text


def test_supported_internships_go_in_the_plan_before_the_move_and_are_open_to_every_need(store, get_page):
    text = said(get_page("/services/supported-internships"))
    assert "at your next review" not in text
    assert "before you start" in text and "31 March" in text and "5 months before" in text
    assert set(store.services["supported-internships"].meta.need_areas) == {
        "communication-interaction",
        "cognition-learning",
        "semh",
        "sensory-physical",
    }


def test_therapy_in_a_plan_does_not_stop_at_19(get_page):
    text = said(get_page("/services/speech-and-language-therapy"))
    assert "leave education at 19" not in text
    assert "the end of the school or college year in which the young person turns 25" in text
    assert "section F" in text and "whatever the young person's age" in text


@pytest.mark.parametrize("locale", LOCALES)
def test_tribunal_orders_and_recommendations(locale, get_page):
    text = said(get_page(f"/guidance/the-20-week-journey?lang={locale}"))
    assert "B, F and I are the ones" not in text
    for section in ("C", "D", "G", "H"):
        assert re.search(rf"\b{section}\b", text), (locale, section)
    if locale == "en":
        assert "make recommendations" in text and "order the council to carry out an assessment" in text


@pytest.mark.parametrize("locale", LOCALES)
def test_professional_advice_in_6_weeks_is_a_duty(locale, get_page):
    text = said(get_page(f"/guidance/the-20-week-journey?lang={locale}"))
    assert "usually have 6 weeks" not in text
    if locale == "en":
        assert "must send their advice within 6 weeks. This is a legal duty" in text
    ep = said(get_page("/services/educational-psychology-service"))
    assert "aim to send it" not in ep and "must send it within 6 weeks" in ep


def test_disagreements_cover_discrimination_mediation_window_and_young_people(get_page):
    text = said(get_page("/guidance/when-you-disagree"))
    assert "Equality Act 2010" in text
    assert "within 6 months of the thing that happened" in text
    assert "You do not need to contact a mediation adviser first" in text
    assert "within the 2 months you have to appeal" in text
    assert "appeal in their own right" in text


def test_exclusion_time_limits(get_page):
    text = said(get_page("/guidance/school-years-5-to-16"))
    assert "governors must meet within 15 school days" in text
    assert "independent review within 15 school days" in text
    assert "within 6 months" in text


def test_draft_plan_days_count_from_the_letter(get_page):
    text = said(get_page("/guidance/the-draft-plan-and-your-15-days"))
    assert "from the day you receive the draft" not in text
    assert "sends the draft" in text and "count from the date on the council's letter" in text


def test_plan_runs_to_the_end_of_the_year_you_turn_25(get_page):
    text = said(get_page("/guidance/post-16-16-to-25"))
    assert "until you are 25" not in text
    assert "the end of the school or college year in which the young person turns 25" in text


def test_glossary_sendiass_code_of_practice_and_pip(get_page):
    text = said(get_page("/glossary"))
    assert "on your side" not in text
    assert 'must "have regard to" it' in text and "legal duty" in text
    assert "16 up to State Pension age" in text
    assert "people aged 16 or over who" not in text


def test_short_breaks_one_age_range_carers_assessment_and_evenings(store, get_page):
    for slug in ("short-breaks-team", "children-with-disabilities-team"):
        meta = store.services[slug].meta
        assert (meta.age_min, meta.age_max) == (0, 17), slug
        assert "0 to 18" not in store.services[slug].text
    statement = get_page("/guidance/short-breaks-statement")
    text = said(statement)
    assert "aged 0 to 17" in text
    assert "parent carer's needs assessment" in text and "Children Act 1989, section 17ZD" in text
    assert "evening" in text and "overnight" in text and "school holiday" in text
    in_text = [a["href"] for a in statement.select(".council-prose a[href]")]
    assert "/guidance/personal-budgets" not in in_text and "/services/send-personal-budgets" not in in_text
    assert "/services/children-with-disabilities-team" in in_text
    team = get_page("/services/short-breaks-team")
    assert "/services/send-personal-budgets" not in team.links()
    assert "/guidance/personal-budgets" not in get_page("/services/children-with-disabilities-team").links()


def test_health_needs_teaching_starts_without_a_consultant_letter_across_the_borough(store, get_page):
    text = said(get_page("/services/kelderbridge-hospital-and-home-education-service"))
    assert "we need a letter from a hospital doctor or consultant" not in text
    assert "do not wait for a letter from a consultant" in text
    areas = store.services["kelderbridge-medical-needs-teaching-centre"].meta.area_served
    assert "borough-wide" in areas


def test_filters_do_not_hide_schools_or_narrow_needs(store, search_app):
    assert len(store.services["ashby-vale-academy"].meta.need_areas) == 4
    for slug in ("lowmoor-park-school", "brookfield-school", "greywater-school-for-deaf-children"):
        assert store.services[slug].meta.area_served == ("borough-wide",), slug
    north = search_app.test_client().get("/search?category=schools&area=north").get_data(as_text=True)
    assert "/services/lowmoor-park-school" in north and "/services/greywater-school-for-deaf-children" in north
    sensory = search_app.test_client().get("/search?category=schools&need=sensory-physical&area=south")
    assert "/services/ashby-vale-academy" in sensory.get_data(as_text=True)


@pytest.mark.parametrize("locale", LOCALES)
def test_preparing_for_adulthood_must_be_in_reviews_from_year_9(locale, get_page):
    text = said(get_page(f"/guidance/preparing-for-adulthood?lang={locale}"))
    if locale == "en":
        assert "Year 9 (age 13 to 14) must include planning for adulthood" in text
    must = {"pl": "musi", "ur": "لازمی", "ro": "trebuie", "pa": "ਲਾਜ਼ਮੀ", "en": "must"}[locale]
    assert must in text


def test_disability_access_fund_needs_the_parent_to_tell_the_setting(get_page):
    text = said(get_page("/guidance/early-years-0-to-5"))
    assert "Disability Access Fund" in text and "tell your setting that your child gets DLA" in text
