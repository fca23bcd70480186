"""Relevance: what parents type, and the page that must come in the top three.

Misspellings, acronyms and plain-language descriptions, checked against the demo Local
Offer. When content changes, keep this list passing: it is the search's promise to families.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app.search import SearchIndex

RELEVANCE = [
    ("speech help for my 7 year old", "/services/speech-and-language-therapy"),
    ("ehcp", "/guidance/living-with-an-ehc-plan"),
    ("autistic", "/services/lowmoor-autism-parents-circle"),
    ("respite", "/services/short-breaks-team"),
    ("appeal", "/services/send-complaints-and-appeals"),
    ("salt", "/services/speech-and-language-therapy"),
    ("camhs", "/services/camhs"),
    ("sendco", "/guidance/sen-support-and-the-graduated-approach"),
    ("tribunal", "/services/send-complaints-and-appeals"),
    ("short brakes", "/services/short-breaks-team"),
    ("autisum", "/services/neurodevelopmental-pathway"),
    ("dyslexia", "/services/ashby-vale-academy"),
    ("wheelchair", "/services/all-wheels-adapted-cycling"),
    ("deaf", "/services/greywater-school-for-deaf-children"),
    ("blind", "/services/kelderbridge-sensory-support-service"),
    ("physio", "/services/childrens-physiotherapy"),
    ("OT", "/services/occupational-therapy"),
    ("adhd assessment", "/services/neurodevelopmental-pathway"),
    ("mental health", "/services/camhs"),
    ("money for disabled child", "/services/benefits-advice-for-families"),
    ("DLA", "/services/benefits-advice-for-families"),
    ("bus to school", "/services/home-to-school-transport"),
    ("school transport", "/services/home-to-school-transport"),
    ("travel training", "/services/kelderbridge-independent-travel-training"),
    ("job for my son with autism", "/services/kelderbridge-job-coaching"),
    ("supported internship", "/services/supported-internships"),
    ("mediation", "/services/send-mediation-service"),
    ("complain about the council", "/services/send-complaints-and-appeals"),
    ("annual review", "/guidance/annual-reviews"),
    ("draft plan", "/guidance/the-draft-plan-and-your-15-days"),
    ("20 week timeline", "/guidance/the-20-week-journey"),
    ("how do I ask for an assessment", "/guidance/asking-for-an-ehc-needs-assessment"),
    ("personal budget", "/guidance/personal-budgets"),
    ("direct payments", "/services/send-personal-budgets"),
    ("parent support group", "/services/kelderbridge-parent-carer-forum"),
    ("independent advice", "/services/kelderbridge-sendiass"),
    ("sendiass", "/services/kelderbridge-sendiass"),
    ("nursery", "/services/early-years-send-team"),
    ("excluded from school", "/services/the-vale-centre-pupil-referral-unit"),
    ("pru", "/services/the-vale-centre-pupil-referral-unit"),
    ("sixth form", "/services/northfold-high-school-sixth-form"),
    ("swimming", "/services/northfold-inclusive-swim"),
    ("holiday club", "/services/ashby-vale-holiday-club"),
    ("young carer", "/services/kelderbridge-young-carers"),
    ("overnight stays", "/services/willowbank-house-short-breaks"),
    ("downs syndrome", "/services/kelderbridge-down-syndrome-family-group"),
    ("portage", "/services/kelderbridge-portage-service"),
    ("where will my child live as an adult", "/services/supported-housing-advice"),
    ("preparing for adulthood", "/guidance/preparing-for-adulthood"),
    ("what is the local offer", "/guidance/what-is-the-local-offer"),
    ("my child is struggling at school", "/services/kelderbridge-sendiass"),
    ("educational psychologist", "/services/educational-psychology-service"),
    ("ed psych", "/services/educational-psychology-service"),
    ("speach therapy", "/services/speech-and-language-therapy"),
    ("ocupational therapy", "/services/occupational-therapy"),
    ("tribunial", "/services/send-complaints-and-appeals"),
    ("respit", "/services/short-breaks-team"),
    ("apprenticeship", "/services/kelderbridge-apprenticeship-support"),
    ("accessibility statement", "/pages/accessibility-statement"),
    ("contact", "/pages/contact"),
    ("hearing aids", "/services/kelderbridge-sensory-support-service"),
    ("anxiety not going to school", "/services/kelderbridge-medical-needs-teaching-centre"),
    ("learning disability college", "/services/lowmoor-specialist-college"),
    ("blue badge", "/services/blue-badge-and-bus-pass"),
    ("grant for a washing machine", "/services/family-hardship-grants"),
    ("sen support", "/guidance/sen-support-and-the-graduated-approach"),
    ("disabled facilities grant", "/services/disabled-facilities-grants"),
    ("stair lift", "/services/disabled-facilities-grants"),
    ("virtual school", "/services/kelderbridge-virtual-school"),
    ("child in care school", "/services/kelderbridge-virtual-school"),
    ("hospice", "/services/larkspur-childrens-hospice"),
    ("palliative care", "/services/larkspur-childrens-hospice"),
    ("nappies", "/services/childrens-continence-service"),
    ("continuing care", "/services/childrens-continuing-care"),
    ("community nurse", "/services/childrens-community-nursing"),
    ("wheelchair service", "/services/kelderbridge-wheelchair-service"),
    ("carers assessment", "/guidance/carers-assessments"),
    ("part time timetable", "/guidance/exclusions-part-time-timetables-and-attendance"),
    ("suspended from school", "/guidance/exclusions-part-time-timetables-and-attendance"),
    ("disabled students allowance", "/guidance/university-and-disabled-students-allowance"),
    ("university", "/guidance/university-and-disabled-students-allowance"),
    ("eotas", "/guidance/education-otherwise-than-at-school"),
    ("school admissions", "/guidance/school-admissions"),
    ("top up funding", "/guidance/how-schools-are-funded-for-send"),
    ("ordinarily available provision", "/guidance/what-every-school-should-provide"),
    ("family hub", "/services/kelderbridge-family-hubs"),
    ("early help", "/services/kelderbridge-family-hubs"),
    ("register of disabled children", "/services/register-of-disabled-children"),
    ("transport to nursery", "/services/early-years-travel-help"),
    ("designated clinical officer", "/guidance/health-care-for-children-with-send"),
    ("school outside kelderbridge", "/guidance/support-outside-kelderbridge"),
]


@pytest.fixture(scope="module")
def index(search_index_dir: Path) -> SearchIndex:
    return SearchIndex(search_index_dir)


def test_the_relevance_set_is_big_enough():
    assert len(RELEVANCE) >= 30
    assert len({query for query, _ in RELEVANCE}) == len(RELEVANCE)


@pytest.mark.parametrize(("query", "expected"), RELEVANCE)
def test_expected_page_is_in_the_top_three(index: SearchIndex, query: str, expected: str):
    results = index.search(query)
    top = [hit.url for hit in results.hits[:3]]
    assert expected in top, f"{query!r}: expected {expected} in the top 3, got {top}"


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("autisum", "autism"),
        ("short brakes", "short breaks"),
        ("speach therapy", "speech therapy"),
        ("tribunial", "tribunal"),
        ("ocupational therapy", "occupational therapy"),
    ],
)
def test_misspellings_get_a_did_you_mean_from_the_index_vocabulary(index: SearchIndex, typed: str, meant: str):
    assert index.search(typed).suggestion == meant


@pytest.mark.parametrize("query", ["ehcp", "speech and language therapy", "job for my son with autism", "sendco"])
def test_correct_words_get_no_suggestion(index: SearchIndex, query: str):
    assert index.search(query).suggestion is None


@pytest.mark.parametrize(
    "query",
    [
        "my son wont go to school",  # not "want"
        "respit",  # already finds the short breaks pages: a spelling would find nothing more
        "my daugter doesnt eat",  # a guess ("danger", "does") that finds nothing better
    ],
)
def test_a_spelling_is_only_suggested_when_it_clearly_finds_more_and_better(index: SearchIndex, query: str):
    assert index.search(query).suggestion is None


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("ehcp", "ehc plan"),
        ("education health and care plan", "ehcp"),
        ("autistic", "autism"),
        ("respite", "short break"),
        ("salt", "speech and language"),
        ("camhs", "mental health"),
        ("pfa", "preparing for adulthood"),
        ("appeal", "tribunal"),
    ],
)
def test_synonyms_work_both_ways(index: SearchIndex, query: str, found: str):
    """A page can be found by words it does not use, through the one synonym file."""
    results = index.search(query)
    assert results.total
    assert any(found in (hit.title + " " + hit.snippet).lower() for hit in results.hits[:5]), query


def test_titles_and_summaries_outweigh_body_text(index: SearchIndex):
    """ "Portage" is in the Portage Service's title; other pages only mention it."""
    results = index.search("portage")
    assert results.hits[0].url == "/services/kelderbridge-portage-service"
    mentions = [hit for hit in results.hits if hit.kind != "glossary" and "portage" not in hit.title.lower()]
    assert mentions and all(hit.score < results.hits[0].score / 2 for hit in mentions)


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("EHCP", "EHCP (Education, health and care plan)"),
        ("sendco", "SENCO (Special educational needs coordinator)"),
        ("  Short breaks? ", "Short breaks"),
        ("camhs", "CAMHS (Child and adolescent mental health services)"),
    ],
)
def test_exact_glossary_term_shows_its_definition(index: SearchIndex, query: str, title: str):
    definition = index.search(query).definition
    assert definition is not None and definition.title == title
    assert definition.url.startswith("/glossary#")


def test_a_sentence_is_not_mistaken_for_a_glossary_term(index: SearchIndex):
    assert index.search("ehcp for my son").definition is None


def test_snippets_mark_the_matched_words_and_escape_the_rest(index: SearchIndex):
    results = index.search("tribunal <script>")
    snippet = results.hits[0].snippet
    assert "<mark>" in snippet.lower()
    assert "<script>" not in snippet
