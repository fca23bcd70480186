"""The Local Offer as a read-only Open Referral UK 3.0 API under /openreferral/v3."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from typing import Any

from flask import Blueprint, Response, abort, current_app, request, url_for
from werkzeug.exceptions import HTTPException

from ..content import oruk
from ..content.cache import code_digest
from ..content.oruk_openapi import openapi_document
from ..content.store import ContentStore
from ..extensions import csrf, limiter
from ..places.gazetteer import locate
from ..services import content_store

bp = Blueprint("openreferral", __name__, url_prefix="/openreferral/v3")
csrf.exempt(bp)


def _rate_limit() -> str:
    return current_app.config["OPENREFERRAL_RATE_LIMIT"]


limiter.limit(_rate_limit)(bp)


def _json(payload: Any, *, modified: dt.datetime | None = None) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return _answer(body, hashlib.sha256(body).hexdigest()[:32], modified)


def _answer(body: bytes, etag: str, modified: dt.datetime | None) -> Response:
    """A 200 JSON response that a client can cache, and ask again about with its ETag or date."""
    response = current_app.response_class(body, mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.set_etag(etag)
    if modified is not None:
        response.last_modified = modified
    response.cache_control.public = True
    response.cache_control.max_age = 60
    response.make_conditional(request)
    return response


def _list(store: ContentStore, query: oruk.Query, body: bytes) -> Response:
    """A list page: its ETag says which content, code and query (and where the postcode is) it
    was made from, so the body is never hashed."""
    key = f"{store.fingerprint}|{store.version}|{code_digest()}|{request.full_path}|{query.place}"
    return _answer(body, hashlib.sha256(key.encode()).hexdigest()[:32], oruk.newest(store))


def error(status: int, message: str) -> Response:
    """An ORUK-style error body."""
    response = current_app.response_class(
        json.dumps({"code": status, "message": message}), status=status, mimetype="application/json"
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.errorhandler(oruk.BadParameter)
def bad_parameter(exc: oruk.BadParameter) -> Response:
    return error(400, str(exc))


@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException) -> Response:
    return error(exc.code or 500, exc.description or exc.name)


def _query() -> oruk.Query:
    """The query's filters, its postcode (if any) found in the gazetteer."""
    query = oruk.parse_query(request.args)
    if query.postcode is None:
        return query
    found = locate(query.postcode, content_store().council.local_authority)
    return dataclasses.replace(query, place=oruk.Place(found.point, found.in_area) if found else None)


@bp.get("/")
def info() -> Response:
    """Which version and profile this API follows, and where its OpenAPI document is."""
    return _json(
        {
            "version": oruk.VERSION,
            "profile": oruk.PROFILE,
            "openapi_url": url_for("openreferral.openapi", _external=True),
        }
    )


@bp.get("/openapi.json")
def openapi() -> Response:
    """The ORUK 3.0 OpenAPI document, self-contained, its server pointed at this portal."""
    return _json(openapi_document(url_for("openreferral.info", _external=True).rstrip("/")))


@bp.get("/services")
def services() -> Response:
    store = content_store()
    query = _query()
    return _list(store, query, oruk.service_page(store, query))


@bp.get("/services/<wanted>")
def service(wanted: str) -> Response:
    store = content_store()
    doc = oruk.service_by_id(store, wanted)
    if doc is None:
        abort(404, "No service has this id.")
    return _json(oruk.service(store, doc), modified=oruk.last_modified(doc))


@bp.get("/service_at_locations")
def service_at_locations() -> Response:
    store = content_store()
    query = _query()
    return _list(store, query, oruk.service_at_location_page(store, query))


@bp.get("/service_at_locations/<wanted>")
def service_at_location(wanted: str) -> Response:
    record = oruk.service_at_location_by_id(content_store(), wanted)
    if record is None:
        abort(404, "No service at location has this id.")
    return _json(record)


@bp.get("/taxonomies")
def taxonomies() -> Response:
    items = [oruk.taxonomy(key) for key in oruk.TAXONOMIES]
    return _json(oruk.page_of(items, _query()))


@bp.get("/taxonomies/<wanted>")
def taxonomy(wanted: str) -> Response:
    record = oruk.taxonomy_by_id(wanted)
    if record is None:
        abort(404, "No taxonomy has this id.")
    return _json(record)


@bp.get("/taxonomy_terms")
def taxonomy_terms() -> Response:
    return _json(oruk.page_of(oruk.all_terms(), _query()))


@bp.get("/taxonomy_terms/<wanted>")
def taxonomy_term(wanted: str) -> Response:
    record = oruk.term_by_id(wanted)
    if record is None:
        abort(404, "No taxonomy term has this id.")
    return _json(record)
