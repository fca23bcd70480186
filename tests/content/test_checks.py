"""`flask content check` keeps the Local Offer right: Schedule 2 coverage, plain language,
sources on every guidance page, one value per national fact, and settings' SEND sections."""

from __future__ import annotations

import datetime as dt
import socket
import statistics
import textwrap
from pathlib import Path

import pytest

from app.config import BASE_DIR
from app.content import ContentError, load_store, readability
from app.content.check import check_content, readings, report
from app.content.schedule2 import SCHEDULE2, coverage
from app.services import content_store

from ..factories import create_user
from ..helpers import act_as
from .test_loader import GOOD_SERVICE, make_tree

SOURCES = textwrap.dedent(
    """
    ## Where this comes from

    - [Children and Families Act 2014, section 36](https://www.legislation.gov.uk/ukpga/2014/6/section/36): asking
    """
)


def guidance(body: str, *, sources: str = SOURCES, front: str = "last_reviewed: 2026-11-01\n") -> str:
    return (
        "---\ntitle: Help\nsummary: A short page.\naudience: [parents]\nsection: start\norder: 1\n"
        f"{front}---\n{body}\n{sources}"
    )


def tree(tmp_path: Path, *, service: str = GOOD_SERVICE, pages: dict[str, str] | None = None) -> Path:
    root = make_tree(tmp_path, service)
    (root / "facts.yaml").write_text("draft-plan-comment-days: 15\nappeal-months: 2\n", encoding="utf-8")
    for rel, text in (pages or {}).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def found(root: Path) -> list[str]:
    return [str(p) for p in check_content(root, dt.date(2026, 12, 1), {"/glossary"})]


# Schedule 2 coverage ---------------------------------------------------------------


def test_schedule2_keys_are_the_shared_list_with_labels():
    assert list(SCHEDULE2)[:3] == ["early-years", "schools", "special-schools"]
    assert len(SCHEDULE2) == 25 and all(str(label) for label in SCHEDULE2.values())


def test_an_unknown_schedule2_item_stops_the_content_loading(tmp_path):
    service = GOOD_SERVICE.replace("area_served:", "schedule2: [health, nonsense]\narea_served:")
    with pytest.raises(
        ContentError, match=r"test-service\.md:14: error: schedule2: unknown Schedule 2 item 'nonsense'"
    ):
        load_store(tree(tmp_path, service=service))


def test_coverage_lists_the_pages_for_each_item_and_warns_about_gaps(tmp_path):
    service = GOOD_SERVICE.replace("area_served:", "schedule2: [health, leisure]\narea_served:")
    root = tree(tmp_path, service=service)
    rows = {row.key: row for row in coverage(load_store(root))}
    assert [doc.url for doc in rows["health"].documents] == ["/services/test-service"]
    assert rows["schools"].missing and not rows["health"].missing
    problems = found(root)
    assert "content:1: warning: Schedule 2 item 'schools' is MISSING: no page says `schedule2: [schools]`" in problems
    assert not any("'health' is MISSING" in p for p in problems)
    table = report(load_store(root))
    assert any(line.split() == ["health", "/services/test-service"] for line in table)
    assert any(line.split() == ["schools", "MISSING"] for line in table)


def test_content_check_prints_the_coverage_table_and_reading_grades(app, runner):
    with app.app_context():
        result = runner.invoke(args=["content", "check"])
    assert "Schedule 2 coverage" in result.output
    for key in SCHEDULE2:
        assert any(line.split()[:1] == [key] for line in result.output.splitlines()), key
    assert "/guidance/the-20-week-journey" in result.output
    assert "Guidance median" in result.output


def test_the_shipped_content_tags_existing_pages_with_their_items():
    rows = {row.key: {doc.url for doc in row.documents} for row in coverage(load_store(BASE_DIR / "content"))}
    assert "/guidance/short-breaks-statement" in rows["short-breaks"]
    assert "/pages/without-the-internet" in rows["offline-access"]
    assert "/services/camhs" in rows["health"]
    assert "/guidance/when-you-disagree" in rows["disagreements"]


def test_officers_see_the_coverage_table_in_the_staff_area(app, client, get_page):
    with app.app_context():
        officer = create_user("officer", email="coverage-officer@kelderbridge.example")
        sendiass = create_user("sendiass", email="coverage-sendiass@kelderbridge.example")
    act_as(client, sendiass)
    assert client.get("/staff/content/coverage").status_code == 403
    act_as(client, officer)
    assert "/staff/content/coverage" in get_page("/staff/").links()
    page = get_page("/staff/content/coverage")
    assert page.h1 == "Schedule 2 coverage"
    rows = page.select("table.govuk-table tbody tr")
    assert len(rows) == len(SCHEDULE2)
    shipped = {row.key: row for row in coverage(content_store(app))}
    for row in rows:
        key = row["id"].removeprefix("item-")
        links = [a["href"] for a in row.select("a")]
        assert links == [doc.url for doc in shipped[key].documents], key
        assert bool(row.select(".govuk-tag--red")) == shipped[key].missing, key


# Plain language --------------------------------------------------------------------

HARD = (
    "Notwithstanding the aforementioned statutory considerations, the local authority's determination "
    "regarding eligibility necessitates comprehensive multidisciplinary documentation, "
    "substantiating individualised educational requirements and corresponding provision arrangements, "
    "notwithstanding institutional considerations."
)


def test_hard_guidance_fails_and_long_sentences_are_flagged_with_their_line(tmp_path):
    root = tree(tmp_path, pages={"guidance/help.md": guidance(f"## Hard\n\n{HARD}\n")})
    problems = found(root)
    assert any(p.startswith("content/guidance/help.md:1: error: reading grade") for p in problems)
    assert any("content/guidance/help.md:11: warning: sentence of 26 words" in p for p in problems)
    assert "content/guidance:1: error: median reading grade of guidance is" in "\n".join(problems)


def test_plain_guidance_passes_and_the_sources_list_is_not_graded(tmp_path):
    plain = "## Help\n\nWe can help you. Ask us at any time. We will call you back.\n"
    sources = SOURCES.replace(": asking", f": {HARD}")
    root = tree(tmp_path, pages={"guidance/help.md": guidance(plain, sources=sources)})
    problems = found(root)
    assert not any("guidance/help.md" in p and "grade" in p for p in problems)
    assert not any("median reading grade" in p for p in problems)


def test_a_hard_service_summary_is_a_warning(tmp_path):
    service = GOOD_SERVICE.replace("summary: A service for testing.", f"summary: {HARD[:280]}")
    problems = found(tree(tmp_path, service=service))
    assert any("test-service.md:3: warning: summary reading grade" in p for p in problems)


def test_non_english_text_is_not_graded():
    assert not readability.is_english("Rada gminy musi Cię poinformować, czy przeprowadzi ocenę. ਕੌਂਸਲ ਨੂੰ ਹਫ਼ਤਾ")
    assert not readability.is_english("کونسل کو ہفتہ 6 تک آپ کو بتانا ہوتا ہے")
    assert readability.prose(["کونسل کو ہفتہ 6 تک آپ کو بتانا ہوتا ہے", "We can help."]) == "We can help."


def test_sentences_split_on_full_stops_and_blocks():
    text = readability.prose(["One list item", "Two. Three is here!"])
    assert readability.sentences(text) == ["One list item.", "Two.", "Three is here!"]
    assert readability.long_sentences("word " * 26 + ".") == [("word " * 26 + ".", 26)]


def test_reading_grade_needs_no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("no network here")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert 0 < readability.grade("The council must reply within six weeks. You can ask for help.") < 9


def test_shipped_guidance_meets_the_reading_targets():
    store = load_store(BASE_DIR / "content")
    grades = {r.url: r for r in readings(store)}
    guidance = [grades[doc.url] for doc in store.guidance.values()]
    assert all(r.page_grade <= 9 and r.summary_grade <= 9 for r in guidance), guidance
    assert statistics.median(r.page_grade for r in guidance) <= 6


# Sources ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sources", "front", "expected"),
    [
        ("", "last_reviewed: 2026-11-01\n", "1: error: guidance needs a '## Where this comes from' section"),
        (
            "\n## Where this comes from\n\n- [A blog](https://example.com/law)\n",
            "last_reviewed: 2026-11-01\n",
            "14: error: 'Where this comes from' must link to legislation.gov.uk or GOV.UK",
        ),
        (SOURCES, "", "1: error: last_reviewed is required on guidance"),
    ],
)
def test_guidance_without_sources_or_a_checked_date_fails(tmp_path, sources, front, expected):
    page = guidance("## Help\n\nWe can help you.\n", sources=sources, front=front)
    problems = found(tree(tmp_path, pages={"guidance/help.md": page}))
    assert f"content/guidance/help.md:{expected}" in "\n".join(problems)


def test_a_translated_guidance_page_needs_sources_under_its_own_heading(tmp_path):
    english = guidance("## Help\n\nWe can help you.\n")
    polish = guidance("## Pomoc\n\nMożemy pomóc.\n")
    root = tree(tmp_path, pages={"guidance/help.md": english, "pl/guidance/help.md": polish})
    assert any(
        "pl/guidance/help.md:1: error: guidance needs a '## Skąd pochodzą te informacje'" in p for p in found(root)
    )
    fixed = polish.replace("## Where this comes from", "## Skąd pochodzą te informacje")
    (root / "pl" / "guidance" / "help.md").write_text(fixed, encoding="utf-8")
    assert not any("pl/guidance/help.md" in p and "error" in p for p in found(root))


def test_every_shipped_guidance_page_shows_its_sources_and_when_it_was_checked(app, get_page):
    store = content_store(app)
    for doc in store.guidance.values():
        page = get_page(doc.url)
        heading = page.soup.find("h2", id="where-this-comes-from")
        assert heading is not None, doc.url
        links = [a["href"] for a in heading.find_next("ul").select("a")]
        assert links and all(
            link.startswith(("https://www.legislation.gov.uk/", "https://www.gov.uk/")) for link in links
        ), doc.url
        assert "We last checked this page against the law on" in page.text(), doc.url


# Consistency -----------------------------------------------------------------------


def test_a_literal_that_disagrees_with_a_named_fact_is_an_error(tmp_path):
    body = "## Draft\n\nYou have at least 10 days to comment on the draft. Appeal within 3 months of the decision.\n"
    service = GOOD_SERVICE.replace("## What we offer\n\nHelp for families.\n", body)
    problems = found(tree(tmp_path, service=service))
    assert any(
        "test-service.md:20: error: says '10' where the fact 'draft-plan-comment-days' is '15'" in p for p in problems
    )
    assert any("says '3' where the fact 'appeal-months' is '2'" in p for p in problems)


def test_agreeing_literals_and_placeholders_pass(tmp_path):
    body = "## Draft\n\nYou have at least {{ fact:draft-plan-comment-days }} days to comment, or 15 days to reply.\n"
    service = GOOD_SERVICE.replace("## What we offer\n\nHelp for families.\n", body)
    assert not any("fact" in p for p in found(tree(tmp_path, service=service)))


@pytest.mark.parametrize(
    "wording",
    [
        "A young person aged 16 to 25 can ask for an assessment.",
        "Young people aged 16 to 25 can take part in their own right.",
        "The plan can carry on until you are 25.",
        "Professionals usually have 6 weeks to send advice.",
        "Personal Independence Payment is money for people aged 16 or over.",
    ],
)
def test_wordings_that_misstate_the_law_are_errors(tmp_path, wording):
    service = GOOD_SERVICE.replace("Help for families.", wording)
    assert any(": error: " in p and "write {{ fact:" in p for p in found(tree(tmp_path, service=service)))


# Settings' SEND sections -----------------------------------------------------------


def test_a_school_without_the_send_section_is_warned_about(tmp_path):
    school = GOOD_SERVICE.replace("title: Test service", "title: Testfield Primary School").replace(
        "category: health", "category: schools"
    )
    problems = found(tree(tmp_path, service=school))
    expected = "content/services/test-service.md:1: warning: a school, college or early years setting needs a"
    assert any(p.startswith(expected) for p in problems)
    with_section = school.replace(
        "## What we offer", "## How we support children with SEND\n\nWe do.\n\n## What we offer"
    )
    assert not any("needs a '## How we support" in p for p in found(tree(tmp_path / "2", service=with_section)))


def test_a_team_that_visits_schools_is_not_a_setting(tmp_path):
    team = GOOD_SERVICE.replace("category: health", "category: schools").replace("Test service", "Visiting team")
    assert not any("How we support" in p for p in found(tree(tmp_path, service=team)))


def test_the_glossary_is_checked_for_misstated_facts_too(tmp_path):
    root = tree(tmp_path)
    (root / "glossary.yaml").write_text(
        "- term: Education, health and care plan\n  abbreviation: EHCP\n  definition: >-\n"
        "    A plan. A parent or a young person aged 16 to 25 can ask for one.\n",
        encoding="utf-8",
    )
    assert any(p.startswith("content/glossary.yaml:4: error: in law a young person") for p in found(root))
