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

from app.content import oruk

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


def test_import_round_trips_the_published_services(client, app, tmp_path):
    from app.content.oruk_import import import_services
    from app.content.schema import ServiceMeta
    from app.yaml_loader import load_yaml

    exported = tmp_path / "export"
    exported.mkdir()
    for page in _all_pages(client, "/services"):
        full = [client.get(f"{API}/services/{s['id']}").json for s in page["contents"]]
        (exported / f"page-{page['page_number']}.json").write_text(json.dumps(full), encoding="utf-8")
    target = tmp_path / "services"
    results = import_services(exported, target, force=False, today=dt.date(2026, 12, 1))
    with app.app_context():
        from app.services import content_store

        store = content_store()
        areas = list(store.council.areas) or ["borough-wide"]
        originals = {oruk.service_id(doc): doc for doc in store.services.values()}
    assert len(results) == len(originals) and all(outcome == "written" for _s, outcome, _u in results)
    from app.content.loader import split_front_matter

    for path in target.glob("*.md"):
        front, _body, _line = split_front_matter(path.read_text(encoding="utf-8"))
        meta = ServiceMeta.model_validate(load_yaml(front), context={"areas": areas})
        original = originals[str(meta.id)].meta
        for name in (
            "title",
            "organisation",
            "age_min",
            "age_max",
            "category",
            "access",
            "contact",
            "cost",
            "locations",
            "opening_times",
            "accessibility",
            "languages",
            "last_reviewed",
        ):
            assert getattr(meta, name) == getattr(original, name), (path.name, name)
        if not original.locations:  # a place with coordinates comes back as a location, not as an address
            assert meta.address == original.address, path.name
        assert set(meta.need_areas) == set(original.need_areas)
    again = import_services(exported, target, force=False, today=dt.date(2026, 12, 1))
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


def test_each_place_of_a_service_is_a_location_with_its_coordinates(app, client):
    with app.app_context():
        from app.services import content_store

        doc = content_store().services["kelderbridge-libraries-relaxed-sessions"]
    record = client.get(f"{API}/services/{oruk.service_id(doc)}").json
    places = [sal["location"] for sal in record["service_at_locations"]]
    assert [place["addresses"][0]["postal_code"] for place in places] == ["KB1 2AB", "KB8 1PQ"]
    assert [place["name"] for place in places] == ["Kelderbridge Central Library", "Lowmoor Library"]
    assert all(53 < place["latitude"] < 54 and -2 < place["longitude"] < -1 for place in places)
    second = record["service_at_locations"][1]["id"]
    one = client.get(f"{API}/service_at_locations/{second}").json
    assert one["location"]["name"] == "Lowmoor Library" and one["service"]["id"] == record["id"]
