"""The Open Referral UK 3.0 API: every record it returns validates against the official schemas."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator, FormatChecker

from app import create_app
from app.config import TestConfig
from app.content import oruk

from ..helpers import form_fields, signed_in_as

SCHEMAS = Path(__file__).parent.parent / "content" / "oruk_schemas"
OPENAPI = Path(__file__).parents[2] / "app" / "openreferral" / "openapi.json"
API = "/openreferral/v3"


def _validator(name: str) -> Draft7Validator:
    return Draft7Validator(json.loads((SCHEMAS / name).read_text(encoding="utf-8")), format_checker=FormatChecker())


PAGE = Draft7Validator(json.loads(OPENAPI.read_text(encoding="utf-8"))["components"]["schemas"]["Page"])
PAGE_FIELDS = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"}


def _errors(validator: Draft7Validator, record: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(record)]


def _all_pages(client, path: str) -> list[dict]:
    pages, page = [], 1
    while True:
        response = client.get(f"{API}{path}?per_page=10&page={page}")
        assert response.status_code == 200
        pages.append(response.json)
        if response.json["last_page"]:
            return pages
        page += 1


def test_every_service_validates_against_the_official_schema(client, app):
    full, listed = _validator("service.json"), _validator("service_list.json")
    pages = _all_pages(client, "/services")
    ids = [record["id"] for page in pages for record in page["contents"]]
    with app.app_context():
        from app.services import content_store

        assert len(ids) == len(set(ids)) == len(content_store().services)
    for page in pages:
        assert set(page) == PAGE_FIELDS and not _errors(PAGE, page)
        for record in page["contents"]:
            assert not _errors(listed, record), record["id"]
    for sid in ids:
        record = client.get(f"{API}/services/{sid}").json
        assert not _errors(full, record), (sid, _errors(full, record))


def test_every_service_at_location_validates(client):
    full, listed = _validator("service_at_location.json"), _validator("service_at_location_list.json")
    pages = _all_pages(client, "/service_at_locations")
    records = [record for page in pages for record in page["contents"]]
    assert records
    for record in records:
        assert not _errors(listed, record)
        one = client.get(f"{API}/service_at_locations/{record['id']}").json
        assert not _errors(full, one)
        assert one["location"]["addresses"][0]["address_1"]


def test_a_service_carries_what_the_page_says(client, app):
    with app.app_context():
        from app.services import content_store

        doc = content_store().services["camhs"]
    record = client.get(f"{API}/services/{oruk.service_id(doc)}").json
    assert record["name"] == doc.meta.title
    assert record["minimum_age"] == 0 and record["maximum_age"] == 18
    assert record["organization"]["name"] == doc.meta.organisation
    assert record["phones"][0]["number"] == "0113 496 0651"
    assert record["schedules"][0]["description"].startswith("Monday to Friday")
    assert record["cost_options"][0]["option"] == "free"
    assert record["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] == "KB2 4CB"
    terms = {a["taxonomy_term"]["term"] for a in record["attributes"]}
    assert {"health", "semh", "self-referral"} <= terms
    assert "alert" not in record and "accreditations" not in record


def test_ids_follow_the_slug_not_the_title(app):
    with app.app_context():
        from app.services import content_store

        doc = content_store().services["camhs"]
    renamed = doc.meta.model_copy(update={"title": "A new name"})
    assert oruk.service_id(doc) == oruk.service_id(type(doc)(**{**doc.__dict__, "meta": renamed}))
    fixed = uuid.uuid4()
    overridden = doc.meta.model_copy(update={"id": fixed})
    assert oruk.service_id(type(doc)(**{**doc.__dict__, "meta": overridden})) == str(fixed)


def test_filters(client):
    all_items = client.get(f"{API}/services?per_page=100").json["total_items"]
    teen = client.get(f"{API}/services?per_page=100&minimum_age=19").json
    assert 0 < teen["total_items"] < all_items
    assert all(s["maximum_age"] >= 19 for s in teen["contents"])
    young = client.get(f"{API}/services?per_page=100&maximum_age=2").json
    assert all(s["minimum_age"] <= 2 for s in young["contents"])
    found = client.get(f"{API}/services?search=mental+health").json
    assert any("CAMHS" in s["name"] for s in found["contents"])
    health = oruk.term_id("category", "health")
    by_term = client.get(f"{API}/services?per_page=100&taxonomy_term_id={health}").json
    assert 0 < by_term["total_items"] < all_items
    assert client.get(f"{API}/services?modified_after=2999-01-01T00:00:00Z").json["empty"] is True
    paged = client.get(f"{API}/services?per_page=5&page=2").json
    assert paged["page_number"] == 2 and paged["size"] == 5 and not paged["first_page"]


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=x",
        "per_page=1000",
        "per_page=-1",
        "minimum_age=old",
        "maximum_age=nan",
        "taxonomy_term_id=abc",
        "modified_after=yesterday",
        "day=someday",
        "start_time=9am",
        "end_time=25:00",
        "page=1&page=2",
        "postcode=not-a-postcode",
        "postcode=KB1",
        "postcode=KB1++2AB",
        "proximity=-1",
        "postcode=KB1+2AB&proximity=far",
        "postcode=KB1+2AB&proximity=inf",
    ],
)
def test_bad_parameters_get_an_oruk_error(client, query):
    response = client.get(f"{API}/services?{query}")
    assert response.status_code == 400
    assert response.json["code"] == 400 and response.json["message"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_unknown_ids_are_404_json(client):
    for path in ("services", "taxonomies", "taxonomy_terms", "service_at_locations"):
        response = client.get(f"{API}/{path}/{uuid.uuid4()}")
        assert response.status_code == 404 and response.json["code"] == 404


def test_taxonomies_and_terms(client):
    taxonomies = client.get(f"{API}/taxonomies").json["contents"]
    assert {t["name"] for t in taxonomies} >= {"SEND Local Offer categories", "SEND areas of need"}
    terms = client.get(f"{API}/taxonomy_terms?per_page=100").json
    assert terms["total_items"] == sum(len(t[2]) for t in oruk.TAXONOMIES.values())
    one = terms["contents"][0]
    assert client.get(f"{API}/taxonomy_terms/{one['id']}").json == one
    assert client.get(f"{API}/taxonomies/{taxonomies[0]['id']}").json == taxonomies[0]


def test_cors_etag_and_conditional_requests(client):
    first = client.get(f"{API}/services")
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    again = client.get(f"{API}/services", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    since = client.get(f"{API}/services", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304


def test_api_info_and_openapi_document(client):
    info = client.get(f"{API}/").json
    assert info["version"] == "3.0"
    document = client.get(info["openapi_url"].replace("http://localhost", "")).json
    assert document["servers"][0]["url"].endswith("/openreferral/v3")
    assert "/services" in document["paths"]
    for path in ("/services", "/service_at_locations"):
        listed = document["paths"][path]["get"]["parameters"]
        assert {"$ref": "#/components/parameters/postcode"} in listed
        assert {"$ref": "#/components/parameters/proximity"} in listed
    parameters = document["components"]["parameters"]
    assert "metres" in parameters["proximity"]["description"]
    assert "the list is empty" in parameters["postcode"]["description"]


def test_developers_page_is_linked_from_the_footer_and_links_the_openapi_document(app):
    client = app.test_client()
    home = client.get("/").get_data(as_text=True)
    assert 'href="/open-data">Open data</a>' in home
    from tests.conftest import check_page_structure

    response = client.get("/open-data")
    page = check_page_structure(response)
    assert page.h1.startswith("Open data")
    body = response.get_data(as_text=True)
    assert f'href="{API}/openapi.json"' in body and "Open Government Licence" in body
    client.get("/open-data?lang=pl")
    polish = client.get("/open-data").get_data(as_text=True)
    assert "Otwarte dane" in polish and "Read the OpenAPI document" not in polish


def _export(client, folder: Path) -> Path:
    """Every service, fully nested, as another directory would fetch them from the API."""
    folder.mkdir()
    for page in _all_pages(client, "/services"):
        full = [client.get(f"{API}/services/{s['id']}").json for s in page["contents"]]
        (folder / f"page-{page['page_number']}.json").write_text(json.dumps(full), encoding="utf-8")
    return folder


def _at_a_glance(client, path: str) -> dict[str, str]:
    """The facts a family reads on a service page: its title and the "At a glance" rows."""
    from bs4 import BeautifulSoup

    page = BeautifulSoup(client.get(path).get_data(as_text=True), "lxml")
    rows = {
        " ".join(row.dt.get_text().split()): " ".join(row.dd.get_text().split())
        for row in page.select(".govuk-summary-list__row")
    }
    return {
        "title": page.h1.get_text(strip=True),
        "summary": page.select_one(".govuk-body-l").get_text(strip=True),
        **rows,
    }


def test_import_round_trips_the_published_services(client, app, tmp_path):
    """Export through the API, import into a folder with no services: the content checks
    pass and every service page shows the same facts under the same address."""
    import shutil

    from app.content.check import check_content
    from app.content.oruk_import import area_names, import_services, known_slugs
    from app.services import content_store

    exported = _export(client, tmp_path / "export")
    rebuilt = tmp_path / "content"
    shutil.copytree(app.config["CONTENT_DIR"], rebuilt, ignore=shutil.ignore_patterns("services"))
    with app.app_context():
        store = content_store()
        originals = sorted(store.services)
        areas = area_names(store.council)
    results = import_services(
        exported, rebuilt / "services", force=False, today=dt.date(2026, 12, 1), slugs=known_slugs(rebuilt), areas=areas
    )
    assert len(results) == len(originals) and all(outcome == "written" for _s, outcome, _u in results)
    errors = [str(p) for p in check_content(rebuilt, dt.date(2026, 12, 4)) if p.severity == "error"]
    assert errors == []

    class Rebuilt(TestConfig):
        CONTENT_DIR = rebuilt
        SEARCH_INDEX_DIR = tmp_path / "no-index"

    imported_app = create_app(Rebuilt)
    with imported_app.app_context():
        imported = content_store()
        linked = known_slugs(rebuilt) & set(originals)
        assert linked <= set(imported.services), "every page the guidance links to kept its address"
        by_id = {oruk.service_id(doc): doc.slug for doc in imported.services.values()}
    second = imported_app.test_client()
    for slug in originals:
        with app.app_context():
            sid = oruk.service_id(store.services[slug])
        assert _at_a_glance(second, f"/services/{by_id[sid]}") == _at_a_glance(client, f"/services/{slug}"), slug
    again = import_services(
        exported, rebuilt / "services", force=False, today=dt.date(2026, 12, 1), slugs=known_slugs(rebuilt)
    )
    assert all(outcome.startswith("skipped") for _s, outcome, _u in again)


def test_import_reports_what_it_cannot_map(tmp_path):
    from app.content.oruk_import import to_page

    page = to_page(
        {"id": str(uuid.uuid4()), "name": "Swim club", "status": "active", "alert": "Closed in August"},
        dt.date(2026, 12, 1),
    )
    joined = "\n".join(page.unmapped)
    assert "category" in joined and "organization" in joined and "alert" in joined and "contact" in joined


PARAMETERS = [
    "page",
    "per_page",
    "search",
    "taxonomy_term_id",
    "taxonomy_id",
    "minimum_age",
    "maximum_age",
    "modified_after",
    "postcode",
    "proximity",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from(["/services", "/service_at_locations", "/taxonomies", "/taxonomy_terms"]),
    args=st.dictionaries(st.sampled_from(PARAMETERS), st.text(max_size=30), max_size=4),
)
def test_any_query_gets_a_page_or_a_400_never_a_500(client, path, args):
    response = client.get(f"{API}{path}", query_string=args)
    assert response.status_code in (200, 400), (args, response.status_code)
    assert response.is_json


def test_cli_import_refuses_to_overwrite_without_force(app, tmp_path):
    source = tmp_path / "one.json"
    source.write_text(json.dumps({"id": str(uuid.uuid4()), "name": "Swim club", "status": "active"}), encoding="utf-8")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["content", "import-oruk", str(source), "--to", str(tmp_path / "out")])
    assert first.exit_code == 0 and "swim-club: written" in first.output and "not mapped: category" in first.output
    (tmp_path / "out" / "swim-club.md").write_text("mine", encoding="utf-8")
    second = runner.invoke(args=["content", "import-oruk", str(source), "--to", str(tmp_path / "out")])
    assert "skipped" in second.output and (tmp_path / "out" / "swim-club.md").read_text(encoding="utf-8") == "mine"
    forced = runner.invoke(args=["content", "import-oruk", str(source), "--to", str(tmp_path / "out"), "--force"])
    assert "written" in forced.output and (tmp_path / "out" / "swim-club.md").read_text(encoding="utf-8") != "mine"
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    bad = runner.invoke(args=["content", "import-oruk", str(broken), "--to", str(tmp_path / "out")])
    assert bad.exit_code != 0 and "cannot read" in bad.output


def test_services_are_found_by_the_day_and_hours_they_open(client):
    found = client.get(f"{API}/services?day=SA&per_page=100").json["contents"]
    assert found, "some demo services open on Saturdays"
    for listed in found:
        full = client.get(f"{API}/services/{listed['id']}").json
        assert any("SA" in schedule.get("byday", "") for schedule in full["schedules"]), full["name"]
    everyone = client.get(f"{API}/services?per_page=100").json["total_items"]
    assert len(found) < everyone
    assert client.get(f"{API}/services?day=saturday").json["total_items"] == len(found)
    evening = client.get(f"{API}/services?start_time=17:00&per_page=100").json["contents"]
    for listed in evening:
        full = client.get(f"{API}/services/{listed['id']}").json
        assert any(schedule.get("opens_at", "00:00") >= "17:00" for schedule in full["schedules"]), full["name"]
    assert (
        client.get(f"{API}/services?end_time=23:59").json["total_items"]
        > client.get(f"{API}/services?end_time=12:00").json["total_items"]
    )


def _near(client, path: str, query: str) -> list[dict]:
    """Every record of a list for `query`, all pages."""
    records, page = [], 1
    while True:
        response = client.get(f"{API}{path}?per_page=100&page={page}&{query}")
        assert response.status_code == 200, response.json
        records.extend(response.json["contents"])
        if response.json["last_page"]:
            return records
        page += 1


def _gazetteer_point(postcode: str):
    from app.extensions import db
    from app.models.places import Postcode
    from app.places import Point

    row = db.session.get(Postcode, postcode)
    return Point(row.latitude, row.longitude)


@pytest.fixture()
def gazetteer(app):
    """The demo gazetteer, loaded for one test (rolled back after it)."""
    from ..factories import load_demo_gazetteer

    with app.app_context():
        load_demo_gazetteer()
        yield


def test_a_postcode_and_proximity_keep_the_places_within_that_many_metres(client, gazetteer):
    from app.places import Point, distance_miles
    from app.services import content_store

    origin = _gazetteer_point("KB2 4CB")
    store = content_store()
    whole_area = {oruk.service_id(doc) for doc in store.services.values() if doc.meta.covers_whole_area}
    everyone = client.get(f"{API}/services").json["total_items"]
    by_name = {}
    for proximity in (1000, 3000):
        places = _near(client, "/service_at_locations", f"postcode=KB2+4CB&proximity={proximity}")
        assert places
        for record in places:
            location = record["location"]
            if "latitude" in location:
                metres = distance_miles(origin, Point(location["latitude"], location["longitude"])) * 1609.344
                assert metres <= proximity, (location["name"], metres)
            else:  # a place without coordinates: only a service for the whole area reaches the postcode
                assert record["service_id"] in whole_area
        services = _near(client, "/services", f"postcode=kb24cb&proximity={proximity}")
        assert {s["id"] for s in services} == {r["service_id"] for r in places} | (
            whole_area & {oruk.service_id(d) for d in store.services.values() if not d.meta.locations}
        )
        by_name[proximity] = {s["name"] for s in services}
        assert 0 < len(services) < everyone
    camhs = store.services["camhs"].meta.title  # given at KB2 4CB itself
    assert camhs in by_name[1000] and by_name[1000] < by_name[3000]


def test_proximity_is_in_metres(client, gazetteer):
    from app.places import Point, distance_miles
    from app.services import content_store

    origin = _gazetteer_point("KB1 1KC")
    doc = content_store().services["camhs"]
    place = doc.meta.locations[0]
    metres = distance_miles(origin, Point(place.latitude, place.longitude)) * 1609.344
    assert 1000 < metres < 10_000  # so a reading in miles or kilometres would give another answer
    near = {s["id"] for s in _near(client, "/services", f"postcode=KB1+1KC&proximity={metres + 50:.0f}")}
    far = {s["id"] for s in _near(client, "/services", f"postcode=KB1+1KC&proximity={metres - 50:.0f}")}
    assert oruk.service_id(doc) in near and oruk.service_id(doc) not in far


def test_a_postcode_in_the_area_is_in_every_services_area(client, gazetteer):
    """Service areas are named parts of the area, not shapes: a postcode in the area leaves every service."""
    for path in ("/services", "/service_at_locations"):
        everyone = client.get(f"{API}{path}").json
        with_postcode = client.get(f"{API}{path}?postcode=KB4+1AB").json
        assert with_postcode["total_items"] == everyone["total_items"] > 0
        assert with_postcode["contents"] == everyone["contents"]
        alone = client.get(f"{API}{path}?proximity=10").json  # nowhere to measure from: no filter
        assert alone["total_items"] == everyone["total_items"]


@pytest.mark.parametrize(
    "postcode",
    [
        "FM1 1AA",  # a neighbouring council's: in the gazetteer, outside the area
        "ZZ9 1AA",  # elsewhere in the country
        "SW1A 1AA",  # a real postcode the gazetteer does not have
        "KB9 9ZZ",  # in the area's postcode directory without a grid reference, so not kept
    ],
)
def test_a_postcode_outside_the_area_or_not_known_gives_an_empty_list(client, gazetteer, postcode):
    for path in ("/services", "/service_at_locations"):
        for query in (f"postcode={postcode}", f"postcode={postcode}&proximity=100000"):
            response = client.get(f"{API}{path}", query_string=query)
            assert response.status_code == 200
            page = response.json
            assert page["total_items"] == 0 and page["empty"] and page["contents"] == [] and page["last_page"]


def test_the_etag_follows_the_postcode_and_the_query(client, gazetteer):
    plain = client.get(f"{API}/services").headers["ETag"]
    near = client.get(f"{API}/services?postcode=KB2+4CB&proximity=1000").headers["ETag"]
    farther = client.get(f"{API}/services?postcode=KB2+4CB&proximity=3000").headers["ETag"]
    assert len({plain, near, farther}) == 3
    again = client.get(f"{API}/services?postcode=KB2+4CB&proximity=1000", headers={"If-None-Match": near})
    assert again.status_code == 304


def test_a_word_searched_for_again_after_a_publish_finds_the_published_words(app, client):
    family = app.test_client()
    search = f"{API}/services?search=velomobiles"
    assert family.get(search).get_json()["total_items"] == 0
    assert family.get(search).get_json()["total_items"] == 0  # the answer for the word is kept...
    signed_in_as(app, client, "officer")
    edit = "/staff/local-offer/services/all-wheels-adapted-cycling/edit"
    data = form_fields(client.get(edit).get_data(as_text=True))
    data.update(summary="Adapted bikes, trikes and velomobiles for all ages.", note="Velomobiles", publish="Publish")
    assert client.post(edit, data=data).status_code == 302
    found = family.get(search).get_json()  # ...for that content only
    assert [service["name"] for service in found["contents"]] == ["All Wheels adapted cycling club"]
