"""The content loader: valid files load, each kind of bad front matter is reported exactly."""

from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from app.config import BASE_DIR
from app.content import ContentError, load_store
from app.content.check import check_content
from app.content.render import Renderer, sanitise

GOOD_SERVICE = textwrap.dedent(
    """\
    ---
    title: Test service
    summary: A service for testing.
    category: health
    organisation: Test organisation
    age_min: 0
    age_max: 25
    need_areas: [all]
    cost:
      type: free
    access: self-referral
    contact:
      phone: 0113 496 0000
    area_served: [borough-wide]
    last_reviewed: 2026-01-01
    review_due: 2027-01-01
    ---
    ## What we offer

    Help for families.
    """
)


def make_tree(tmp_path: Path, service: str = GOOD_SERVICE) -> Path:
    root = tmp_path / "content"
    for kind in ("services", "guidance", "pages"):
        (root / kind).mkdir(parents=True, exist_ok=True)
    (root / "services" / "test-service.md").write_text(service)
    (root / "glossary.yaml").write_text(
        "- term: Education, health and care plan\n  abbreviation: EHCP\n  definition: A plan.\n"
    )
    return root


def problems_for(tmp_path: Path, service: str) -> list[str]:
    with pytest.raises(ContentError) as raised:
        load_store(make_tree(tmp_path, service))
    return [f"{p.line}: {p.message}" for p in raised.value.problems]


def test_shipped_content_loads_and_is_big_enough():
    store = load_store(BASE_DIR / "content")
    assert len(store.services) >= 60
    assert len(store.guidance) >= 12
    assert len(store.glossary) >= 40
    for key in ("early-years", "schools", "post-16", "health", "social-care", "training", "travel", "advice"):
        assert store.services_in(key), key


def test_shipped_content_passes_the_check():
    problems = check_content(BASE_DIR / "content", dt.date.today())
    errors = [str(p) for p in problems if p.severity == "error"]
    assert errors == []


def test_a_valid_file_loads(tmp_path):
    store = load_store(make_tree(tmp_path))
    service = store.services["test-service"]
    assert service.url == "/services/test-service"
    assert service.meta.need_areas == ("communication-interaction", "cognition-learning", "semh", "sensory-physical")
    assert service.headings[0].id == "what-we-offer"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("category: health", "category: wizardry"),
            "4: category: unknown category 'wizardry' (use one of: early-years",
        ),
        (("need_areas: [all]", "need_areas: [magic]"), "8: need_areas: unknown need area 'magic'"),
        (("age_max: 25", "age_max: 30"), "7: age_max: Input should be less than or equal to 25"),
        (("age_min: 0", "age_min: -1"), "6: age_min: Input should be greater than or equal to 0"),
        (("age_min: 0", "age_min: 12\nage_max_x: 1"), "7: age_max_x: is not a known field"),
        (("title: Test service\n", ""), "1: title: is required"),
        (("access: self-referral", "access: by-magic"), "11: access: unknown access route 'by-magic'"),
        (("review_due: 2027-01-01", "review_due: 2025-01-01"), "1: review_due must be after last_reviewed"),
        (("last_reviewed: 2026-01-01", "last_reviewed: someday"), "15: last_reviewed: Input should be a valid date"),
        (("  phone: 0113 496 0000", "  fax: 0113 496 0000"), "12: contact.fax: is not a known field"),
        (("cost:\n  type: free", "cost:\n  type: cheap"), "9: cost.type: Input should be 'free' or 'paid'"),
        (("summary: A service for testing.", "summary: [unclosed"), "front matter is not valid YAML"),
    ],
)
def test_each_kind_of_bad_front_matter_is_reported(tmp_path, change, expected):
    old, new = change
    found = problems_for(tmp_path, GOOD_SERVICE.replace(old, new, 1))
    assert any(expected in problem for problem in found), found


def test_missing_front_matter_and_empty_body(tmp_path):
    assert problems_for(tmp_path, "Just text\n") == [
        "1: front matter missing: the file must start with '---', the fields, then '---'"
    ]
    body_line = GOOD_SERVICE.splitlines().index("## What we offer") + 1
    empty = GOOD_SERVICE.split("## What we offer")[0]
    assert problems_for(tmp_path, empty) == [f"{body_line}: the page has no text below the front matter"]


def test_broken_file_stops_the_app_starting(tmp_path, monkeypatch):
    from app import create_app
    from app.config import TestConfig

    root = make_tree(tmp_path, GOOD_SERVICE.replace("category: health", "category: nope"))

    class BrokenContent(TestConfig):
        CONTENT_DIR = root

    with pytest.raises(ContentError, match=r"test-service\.md:4"):
        create_app(BrokenContent)


def test_check_reports_links_review_dates_and_jargon(tmp_path):
    body = "## Help\n\nSee [missing](/guidance/nowhere) and [glossary](/glossary#nope). Ask your SENCO or EHCP.\n"
    root = make_tree(tmp_path, GOOD_SERVICE.replace("## What we offer\n\nHelp for families.\n", body))
    found = [str(p) for p in check_content(root, dt.date(2027, 6, 1), {"/glossary"})]
    assert (
        "content/services/test-service.md:20: error: link to /guidance/nowhere goes to a page that does not exist"
        in found
    )
    assert any("no glossary term has the anchor 'nope'" in p for p in found)
    assert "content/services/test-service.md:16: warning: review_due 2027-01-01 is in the past" in found
    assert any("'SENCO' looks like jargon" in p for p in found)
    assert not any("'EHCP'" in p for p in found)


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src='https://evil.example'></iframe>",
        '<p onclick="steal()">hi</p>',
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
    ],
)
def test_hostile_markdown_is_sanitised(hostile):
    soup = BeautifulSoup(Renderer().render(hostile).html, "html.parser")
    assert not soup.find_all(["script", "iframe", "img"])
    for element in soup.find_all(True):
        assert not [name for name in element.attrs if name.startswith("on")], element
    for link in soup.find_all("a"):
        assert link.get("href", "").startswith(("/", "http:", "https:", "mailto:", "tel:")) or not link.get("href")


def test_sanitise_keeps_govuk_classes_and_safe_links():
    html = sanitise('<p>See <a href="/glossary#ehcp" onclick="x()">this</a></p>')
    assert html == '<p class="govuk-body">See <a href="/glossary#ehcp" class="govuk-link">this</a></p>'


def test_abbreviations_link_to_the_glossary_once():
    renderer = Renderer({"EHCP": ("Education, health and care plan", "ehcp")})
    html = renderer.render("Your EHCP and your EHCP again. [EHCP link](/x)").html
    assert html.count('<abbr title="Education, health and care plan">EHCP</abbr>') == 2
    assert html.count('href="/glossary#ehcp"') == 1


def test_store_is_read_only(tmp_path):
    store = load_store(make_tree(tmp_path))
    with pytest.raises(TypeError):
        store.services["new"] = store.services["test-service"]  # type: ignore[index]


def test_copy_of_shipped_content_with_one_broken_file_names_it(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(BASE_DIR / "content", root)
    target = next((root / "services").glob("*.md"))
    target.write_text(target.read_text().replace("category:", "categry:", 1))
    with pytest.raises(ContentError) as raised:
        load_store(root)
    assert any(p.path.endswith(target.name) for p in raised.value.problems)
