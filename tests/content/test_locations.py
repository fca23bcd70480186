"""Services' locations and `covers: whole area` in front matter, and the council's ONS codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import BASE_DIR
from app.content import load_store

from .test_council import edit, other_copy, problems  # noqa: F401  (other_copy is a fixture)
from .test_loader import GOOD_SERVICE, problems_for

LOCATION = """locations:
  - name: Riverside Children's Centre
    address: 12 Quay Road, Kelderbridge
    postcode: {postcode}
    latitude: {latitude}
    longitude: -1.58
    accessibility: Step-free entrance
"""


def _service(extra: str) -> str:
    return GOOD_SERVICE.replace("last_reviewed:", extra + "last_reviewed:", 1)


def test_a_service_can_give_its_places_and_cover_the_whole_area(tmp_path):
    from .test_loader import make_tree

    text = _service(LOCATION.format(postcode="kb2 3rq", latitude=53.69) + "covers: whole area\n")
    meta = load_store(make_tree(tmp_path, text)).services["test-service"].meta
    assert meta.locations[0].postcode == "KB2 3RQ"
    assert (meta.locations[0].latitude, meta.locations[0].accessibility) == (53.69, "Step-free entrance")
    assert meta.covers_whole_area


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (LOCATION.format(postcode="KB2", latitude=53.69), "postcode 'KB2' is not a full UK postcode, like SW1A 1AA"),
        (LOCATION.format(postcode="KB2 3RQ", latitude=5.69), "latitude"),
        ("covers: the north\n", "covers must be 'whole area' (or leave it out and give locations)"),
    ],
)
def test_a_wrong_location_is_reported_with_its_line(tmp_path, extra, expected):
    found = problems_for(tmp_path, _service(extra))
    assert any(expected in problem for problem in found), found


def test_every_demo_service_says_where_it_is_or_what_it_covers():
    store = load_store(BASE_DIR / "content")
    without = [slug for slug, doc in store.services.items() if not (doc.meta.locations or doc.meta.covers_whole_area)]
    assert len(without) <= 1, without
    located = [doc for doc in store.services.values() if doc.meta.locations]
    assert len(located) >= 40
    assert all(place.postcode.startswith("KB") for doc in located for place in doc.meta.locations)


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        ("local_authority: fenmoor\n", "local_authority must be an ONS code like E06000001"),
        ("local_authority: E06000991\nneighbours: E06000990\n", "neighbours must be a list of ONS local authority"),
    ],
)
def test_wrong_local_authority_codes_are_reported(other_copy, new, expected):  # noqa: F811
    edit(other_copy, "place: Fenmoor\n", "place: Fenmoor\n" + new)
    found = problems(other_copy)
    assert any(expected in problem for problem in found), found


def test_the_gazetteer_keeps_the_council_s_own_area_and_its_neighbours():
    council = load_store(BASE_DIR / "content").council
    assert council.gazetteer_authorities == ("E06000990", "E06000991")
    assert load_store(Path(BASE_DIR / "tests/data/other-council/content")).council.gazetteer_authorities == ()
