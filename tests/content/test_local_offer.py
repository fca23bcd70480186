"""The shipped Local Offer: every setting explains its SEND support, summaries are plain, new pages keep the law."""

from __future__ import annotations

import re

import pytest
import yaml
from bs4 import BeautifulSoup

from app.config import BASE_DIR
from app.content import load_store
from app.content.check import SETTING_HEADING, is_setting, readable_lines
from app.content.readability import MAX_GRADE, grade, long_sentences, prose

SUPPORT_PARTS = (
    "Spotting needs early",
    ("Involving you and your child", "Involving you and your family"),
    "Adapting teaching",
    "Checking progress",
    "Staff expertise",
    "Facilities",
    "Who to contact",
    "SEN information report",
)


@pytest.fixture(scope="module")
def store():
    return load_store(BASE_DIR / "content")


def _settings(store):
    return [doc for doc in store.services.values() if is_setting(doc)]


def _support_section(doc) -> tuple[list[str], str]:
    """The level-3 headings and the HTML under the 'How we support children with SEND' heading."""
    soup = BeautifulSoup(doc.html, "html.parser")
    start = next(h for h in soup.find_all("h2") if h.get_text(strip=True) == SETTING_HEADING)
    headings, html = [], []
    for node in start.find_next_siblings():
        if node.name == "h2":
            break
        if node.name == "h3":
            headings.append(node.get_text(strip=True))
        html.append(str(node))
    return headings, "".join(html)


def test_every_school_college_and_early_years_setting_explains_its_send_support(store):
    settings = _settings(store)
    assert len(settings) >= 15
    for doc in settings:
        assert any(h.text == SETTING_HEADING and h.level == 2 for h in doc.headings), doc.slug
        headings, html = _support_section(doc)
        assert len(headings) == len(SUPPORT_PARTS), (doc.slug, headings)
        for heading, expected in zip(headings, SUPPORT_PARTS, strict=True):
            assert heading in (expected if isinstance(expected, tuple) else (expected,)), (doc.slug, heading)
        assert re.search(r'href="https://[^"]+/sen-information-report"', html), doc.slug
        assert "provider-approach" in doc.meta.schedule2, doc.slug


def test_a_setting_gives_no_second_phone_number_in_its_support_section(store):
    """'Who to contact' points at the page's own details rather than repeating or changing them."""
    for doc in _settings(store):
        _, html = _support_section(doc)
        assert not re.search(r"\b0\d{3,4} \d{3} \d{4}\b", html), doc.slug


def test_every_service_summary_is_plain_english(store):
    for doc in store.services.values():
        assert grade(doc.summary) <= MAX_GRADE, (doc.slug, grade(doc.summary), doc.summary)
        assert long_sentences(doc.summary) == [], doc.slug


@pytest.mark.parametrize(
    "slug",
    [
        "what-every-school-should-provide",
        "how-schools-are-funded-for-send",
        "school-admissions",
        "exclusions-part-time-timetables-and-attendance",
        "support-outside-kelderbridge",
        "health-care-for-children-with-send",
        "education-otherwise-than-at-school",
        "university-and-disabled-students-allowance",
        "carers-assessments",
    ],
)
def test_new_guidance_is_plain_and_linked_from_another_page(store, slug):
    doc = store.guidance[slug]
    text = prose(readable_lines(doc))
    assert grade(text) <= MAX_GRADE, (slug, grade(text))
    assert long_sentences(text) == [], slug
    linked_from = [
        other.slug
        for other in store.documents()
        if other.slug != slug
        and (slug in getattr(other.meta, "related", ()) or f'href="/guidance/{slug}"' in other.html)
    ]
    assert linked_from, f"nothing links to /guidance/{slug}"


@pytest.mark.parametrize(
    ("key", "slugs"),
    [
        ("outside-area", ["support-outside-kelderbridge"]),
        ("sen-funding", ["how-schools-are-funded-for-send"]),
        ("higher-education", ["university-and-disabled-students-allowance"]),
        (
            "health",
            [
                "childrens-continuing-care",
                "kelderbridge-wheelchair-service",
                "childrens-continence-service",
                "childrens-community-nursing",
                "larkspur-childrens-hospice",
                "health-care-for-children-with-send",
            ],
        ),
        ("travel", ["early-years-travel-help"]),
        ("social-care", ["disabled-facilities-grants", "carers-assessments", "register-of-disabled-children"]),
        ("social-care", ["kelderbridge-family-hubs", "kelderbridge-virtual-school"]),
        ("alternative-provision", ["education-otherwise-than-at-school"]),
        ("alternative-provision", ["exclusions-part-time-timetables-and-attendance"]),
        ("schools", ["school-admissions"]),
    ],
)
def test_each_schedule2_gap_has_a_page_that_says_it_covers_it(store, key, slugs):
    for slug in slugs:
        doc = store.lookup(slug)
        assert doc is not None, slug
        assert key in doc.meta.schedule2, (slug, doc.meta.schedule2)


def test_exclusions_page_gives_the_time_limits(store):
    text = " ".join(store.guidance["exclusions-part-time-timetables-and-attendance"].text.split())
    assert "within 15 school days of being told" in text
    assert "independent review within 15 school days of their decision" in text
    assert "(SEND) within 6 months" in text
    assert "From the sixth school day" in text
    assert "up to 45 school days in a school year" in text


def test_admissions_page_gives_the_dates_and_the_duty_to_admit(store):
    text = " ".join(store.guidance["school-admissions"].text.split())
    for date in ("15 January", "31 October", "16 April", "1 March", "15 February", "31 March"):
        assert date in text, date
    assert "Once a school is named, it must admit your child." in text


def test_disabled_students_allowance_is_not_means_tested_or_repaid(store):
    text = " ".join(store.guidance["university-and-disabled-students-allowance"].text.split())
    assert "not based on your family's income" in text
    assert "not paid back" in text
    assert "It stops when you start a university course" in text


def test_disabled_facilities_grant_for_a_child_is_not_means_tested(store):
    text = " ".join(store.services["disabled-facilities-grants"].text.split())
    assert "£30,000" in text
    assert "your family's income is not taken into account" in text
    assert "within 6 months" in text


def test_the_designated_clinical_officer_has_one_phone_number(store):
    contacts = yaml.safe_load((BASE_DIR / "content" / "contacts.yaml").read_text(encoding="utf-8"))
    dco = contacts["designated-clinical-officer"]
    text = store.guidance["health-care-for-children-with-send"].text
    assert dco["phone"] in text and dco["email"] in text
    numbers = set(re.findall(r"\b0\d{3} \d{3} \d{4}\b", text))
    assert numbers == {dco["phone"]}
