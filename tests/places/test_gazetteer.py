"""Postcodes as families type them, the gazetteer loaded from the ONS Postcode Directory, and distances."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models.places import Postcode
from app.places import Point, distance_miles, nearest_miles, normalise_postcode
from app.places.gazetteer import import_gazetteer, locate

from ..factories import load_demo_gazetteer
from ..helpers import audit_actions

ONSPD_HEADER = "pcd,pcd2,pcds,dointr,doterm,oslaua,osward,ctry,lat,long\n"


@pytest.mark.parametrize(
    ("typed", "written"),
    [("kb1 2ab", "KB1 2AB"), ("  KB12AB ", "KB1 2AB"), ("sw1a 1aa", "SW1A 1AA"), ("m1  1ae", "M1 1AE")],
)
def test_a_postcode_is_read_however_it_is_typed(typed, written):
    assert normalise_postcode(typed) == written


@pytest.mark.parametrize("typed", ["", "KB1", "KB1 2A", "12345", "KB1 2AB 3", "K1B 2AB!", None])
def test_something_that_is_not_a_full_postcode_is_refused(typed):
    assert normalise_postcode(typed) is None


def test_distances_are_in_miles():
    leeds, york = Point(53.7997, -1.5492), Point(53.9600, -1.0873)
    assert 20 < distance_miles(leeds, york) < 23
    assert nearest_miles(leeds, [york, leeds]) == 0
    assert nearest_miles(leeds, []) is None


def _write(tmp_path: Path, rows: str, header: str = ONSPD_HEADER) -> Path:
    path = tmp_path / "onspd.csv"
    path.write_text(header + rows, encoding="utf-8")
    return path


def test_only_the_council_s_area_and_its_neighbours_are_kept(app, tmp_path):
    path = _write(
        tmp_path,
        "KB1 2AB,KB1  2AB,KB1 2AB,198001,,E06000990,,E92000001,53.7,-1.6\n"
        "FM1 1AA,FM1  1AA,FM1 1AA,198001,,E06000991,,E92000001,53.6,-1.64\n"
        "LS1 1AA,LS1  1AA,LS1 1AA,198001,,E08000035,,E92000001,53.79,-1.54\n"
        "KB9 9ZZ,KB9  9ZZ,KB9 9ZZ,198001,,E06000990,,E92000001,99.999999,0.000000\n",
    )
    with app.app_context():
        result = import_gazetteer(path, ["E06000990", "E06000991"])
        assert (result.kept, result.skipped) == (2, 2)
        assert set(db.session.scalars(select(Postcode.postcode))) == {"KB1 2AB", "FM1 1AA"}
        assert locate("KB1 2AB", "E06000990").in_area
        assert not locate("FM1 1AA", "E06000990").in_area
        assert locate("LS1 1AA", "E06000990") is None


def test_newer_directories_name_the_local_authority_column_by_year(app, tmp_path):
    path = _write(tmp_path, "KB1 2AB,53.7,-1.6,E06000990\n", header="pcds,lat,long,lad24cd\n")
    with app.app_context():
        assert import_gazetteer(path, ["E06000990"]).kept == 1


def test_a_file_that_is_not_the_postcode_directory_is_refused_and_nothing_changes(app, tmp_path):
    path = _write(tmp_path, "a,b\n", header="name,email\n")
    with app.app_context():
        load_demo_gazetteer()
        before = db.session.scalar(select(db.func.count()).select_from(Postcode))
        with pytest.raises(ValueError, match="not an ONS Postcode Directory file"):
            import_gazetteer(path, ["E06000990"])
        assert db.session.scalar(select(db.func.count()).select_from(Postcode)) == before > 0


def test_the_import_command_loads_the_demo_gazetteer_and_records_it(app, runner):
    result = runner.invoke(args=["places", "import", "content/gazetteer.csv"])
    assert result.exit_code == 0, result.output
    assert "Kept 63 postcodes in E06000990, E06000991; skipped 3 others" in result.output
    with app.app_context():
        assert locate("KB2 4CB", "E06000990") is not None
        assert [event.detail for event in audit_actions("gazetteer_imported")] == [{"count": 63}]


def test_the_import_command_says_what_is_wrong_with_a_file(runner, tmp_path):
    path = _write(tmp_path, "a,b\n", header="name,email\n")
    result = runner.invoke(args=["places", "import", str(path)])
    assert result.exit_code == 1
    assert "not an ONS Postcode Directory file: no column pcds, lat, long, oslaua (or ladNNcd)" in result.output
