"""content/council.yaml: each setting is checked, with the file and line of any problem."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from app.config import TestConfig
from app.content import ContentError, load_store
from app.content.check import check_content
from app.content.council import contrast, load_council

OTHER = Path(__file__).parents[1] / "data" / "other-council" / "content"


@pytest.fixture()
def other_copy(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(OTHER, root)
    return root


def edit(root: Path, old: str, new: str) -> None:
    path = root / "council.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as raised:
        load_store(root)
    return [f"{p.path}:{p.line}: {p.message}" for p in raised.value.problems]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "place: Fenmoor\n",
            "place: Fenmoor\nmotto: Onwards\n",
            "content/council.yaml:7: motto is not a known setting",
        ),
        ('brand: "#00703c"', "brand: green", 'content/council.yaml:22: colours.brand must be like "#1d70b8"'),
        (
            'header_text: "#ffffff"',
            'header_text: "#1d8a50"',
            "content/council.yaml:24: colours.header_text on colours.header has contrast 1.4:1; it needs 4.5:1",
        ),
        ("  borough-wide:\n", "  whole-county:\n", "content/council.yaml:7: areas must include borough-wide"),
        (
            "logo: crest.svg",
            "logo: ../../secrets.svg",
            "content/council.yaml:25: logo file '../../secrets.svg' is not in",
        ),
        ("logo: crest.svg", "logo: crest.gif", "content/council.yaml:25: logo must be an SVG or PNG file"),
        ("postcode_area: FX", "postcode_area: fenmoor", "content/council.yaml:19: postcode_area must be one or two"),
        (
            "  sendiass: /services/fenmoor-sendiass\n",
            "",
            "content/council.yaml:26: pages must give the page for: sendiass",
        ),
        ("  east:\n", "  East side:\n", "content/council.yaml:11: area key 'East side' must be lowercase words"),
    ],
)
def test_bad_settings_are_reported_with_their_line(other_copy, old, new, expected):
    edit(other_copy, old, new)
    found = problems(other_copy)
    assert any(p.startswith(expected) for p in found), found


def test_a_service_in_an_area_the_council_does_not_have_is_reported(other_copy):
    edit(other_copy, "  west:\n", "  westby:\n")
    found = problems(other_copy)
    assert any(
        p.startswith("content/services/westby-swim.md:14: area_served: unknown area 'west' (use one of: borough-wide,")
        for p in found
    ), found


def test_areas_and_names_are_read_in_each_language(other_copy):
    council, found = load_council(other_copy)
    assert found == []
    assert council.local_areas == ("east", "west", "marsh")
    assert council.area_labels("pl")["borough-wide"] == "Całe hrabstwo"
    assert council.area_labels("ro")["east"] == "East Fenmoor (Eastwick)"  # no Romanian: English
    assert council.text("service_name", "pl") == "Oferta lokalna SEND hrabstwa Fenmoor"


def test_outside_the_postcode_area(other_copy):
    council, _ = load_council(other_copy)
    assert council.is_outside("Marsh End School, Marsh Road, Marsh End ME9 4QP")
    assert not council.is_outside("County Hall, Fen Road, Fenmoor FX1 1AA")
    assert not council.is_outside("Somewhere without a postcode")
    assert not council.is_outside(None)


def test_contrast_follows_wcag():
    assert round(contrast("#ffffff", "#000000"), 1) == 21.0
    assert round(contrast("#ffffff", "#1d70b8"), 1) == 5.2


def test_check_reports_a_linked_page_that_does_not_exist(other_copy):
    edit(other_copy, "parent-carer-forum: /services/fenmoor-family-voice", "parent-carer-forum: /services/nowhere")
    found = [str(p) for p in check_content(other_copy, dt.date(2026, 10, 1))]
    assert (
        "content/council.yaml:1: error: pages.parent-carer-forum: link to /services/nowhere goes to a page that does "
        "not exist"
    ) in found


def test_the_portal_will_not_start_without_the_pages_it_links_to(other_copy):
    from app import create_app

    (other_copy / "pages" / "cookies.md").unlink()

    class Missing(TestConfig):
        CONTENT_DIR = other_copy

    with pytest.raises(ContentError, match=r"the portal links to /pages/cookies from every page"):
        create_app(Missing)


def test_without_council_yaml_the_portal_will_not_start(other_copy):
    from app import create_app

    (other_copy / "council.yaml").unlink()

    class NoCouncil(TestConfig):
        CONTENT_DIR = other_copy

    # the services use areas that only council.yaml defines, and the interface needs its pages
    with pytest.raises(ContentError, match=r"unknown area 'east'"):
        create_app(NoCouncil)
