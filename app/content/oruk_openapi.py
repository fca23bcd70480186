"""The ORUK 3.0 OpenAPI document as this portal serves it: self-contained, so tools can use it offline.

The official document (`app/openreferral/openapi.json`) points its response schemas at
files on GitHub. The served copy carries those schemas in `components/schemas` instead,
from the compiled schemas shipped beside it (`app/openreferral/schemas/`), cleaned of the
data-package keys that are not JSON Schema. Two corrections, both to match what the
standard describes in words:

- `/service_at_locations/{id}` is documented as returning a "fully nested
  service_at_location" but points at the service schema; it gets the service-at-location one.
- Taxonomies have no compiled schema; the ORUK 3.0 taxonomy table (id, name, description,
  uri, version) is written out here.

It also says what this portal does where the standard leaves it open: the limits of each
query parameter (`per_page` at most 100, ids are UUIDs ...), the two parameter types the
official document spells in a way OpenAPI does not know (`time`, `datetime`), and the
400 and 404 answers with their error body. An empty parameter ("?page=") counts as left out.
`postcode` and `proximity`, listed for services at locations, are read for services too, and
their descriptions say how this portal answers them.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SOURCE = Path(__file__).resolve().parent.parent / "openreferral"

#: Keys of the compiled schemas that describe the CSV data package, not the JSON.
_NOT_JSON_SCHEMA = {
    "name",
    "path",
    "datapackage_metadata",
    "datapackage_type",
    "constraints",
    "core",
    "tabular_required",
}

_TAXONOMY = {
    "type": "object",
    "description": "A taxonomy used to categorise services (ORUK 3.0 `taxonomy`).",
    "properties": {
        "id": {"type": "string", "format": "uuid", "description": "The identifier of the taxonomy."},
        "name": {"type": "string", "description": "The name of the taxonomy."},
        "description": {"type": "string", "description": "A free text description of the taxonomy."},
        "uri": {"type": "string", "format": "uri", "description": "The URI of the taxonomy."},
        "version": {"type": "string", "description": "The version of the taxonomy."},
    },
    "required": ["id", "name", "description"],
}

#: This portal's rules for the standard's query parameters (see `oruk.parse_query`).
_PARAMETERS = {
    "page": {"type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1},
    "per_page": {"type": "integer", "minimum": 1, "maximum": 100, "default": 50},
    "search": {"type": "string", "maxLength": 200},
    "taxonomy_term_id": {"type": "string", "format": "uuid"},
    "taxonomy_id": {"type": "string", "format": "uuid"},
    "minimum_age": {"type": "number", "minimum": 0},
    "maximum_age": {"type": "number", "minimum": 0},
    "modified_after": {"type": "string", "format": "date-time"},
    "start_time": {"type": "string", "format": "time"},
    "end_time": {"type": "string", "format": "time"},
    "day": {"type": "string", "enum": ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]},
    "postcode": {"type": "string", "pattern": "^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}$"},
    "proximity": {"type": "number", "minimum": 0},
}

#: What this portal does with a parameter, added to the standard's description of it.
_HOW_WE_READ = {
    "postcode": (
        " Here: a full UK postcode, looked up in the gazetteer of the council's area and its neighbours."
        " Service areas are named parts of the council's area, so a postcode in the area is within every"
        " service's area; a postcode outside the area, or one the gazetteer does not have, is within none,"
        " and the list is empty (200, not an error)."
    ),
    "proximity": (
        " Here: metres from the postcode's centroid, read only with a postcode. A service is within it when"
        " one of its locations is, or when it has no location of its own and covers the whole area (it"
        " reaches families wherever they live). A service at location is within it when its own location is."
    ),
}
#: Parameters this portal reads on a path where the official document does not list them.
_ALSO_READ = {"/services": ("postcode", "proximity")}

_ERROR = {
    "type": "object",
    "description": "Why the request could not be answered.",
    "properties": {
        "code": {"type": "integer", "description": "The HTTP status code."},
        "message": {"type": "string", "description": "What was wrong, for the developer."},
    },
    "required": ["code", "message"],
}


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


#: Component name -> where its schema comes from (a compiled file, or a path inside one).
_COMPONENTS = {
    "Service": ("service.json", ()),
    "ServiceInList": ("service_list.json", ()),
    "ServiceAtLocation": ("service_at_location.json", ()),
    "ServiceAtLocationInList": ("service_at_location_list.json", ()),
    "TaxonomyTerm": ("service.json", ("properties", "attributes", "items", "properties", "taxonomy_term")),
}

#: The remote reference (by file name) -> the component it becomes, per path where they differ.
_REFERENCES = {
    "service.json": "Service",
    "service_list.json": "ServiceInList",
    "service_at_location_list.json": "ServiceAtLocationInList",
    "taxonomy.json": "Taxonomy",
    "taxonomy_term.json": "TaxonomyTerm",
}
_CORRECTIONS = {"/service_at_locations/{id}": "ServiceAtLocation"}


def _json_schema(schema: Any) -> Any:
    """`schema` without the data-package keys (property names are kept, whatever they are)."""
    if isinstance(schema, list):
        return [_json_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    cleaned: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "properties":
            cleaned[key] = {name: _json_schema(sub) for name, sub in value.items()}
        elif key not in _NOT_JSON_SCHEMA:
            cleaned[key] = _json_schema(value)
    return cleaned


def _component(file: str, inside: tuple[str, ...]) -> dict[str, Any]:
    schema = json.loads((SOURCE / "schemas" / file).read_text(encoding="utf-8"))
    for key in inside:
        schema = schema[key]
    return _json_schema(schema)


def _localise(node: Any, path: str) -> None:
    """Point every remote `$ref` under `node` at the local component."""
    if isinstance(node, list):
        for item in node:
            _localise(item, path)
    elif isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("http"):
            name = _CORRECTIONS.get(path) or _REFERENCES[ref.rsplit("/", 1)[1]]
            node["$ref"] = f"#/components/schemas/{name}"
        for value in node.values():
            _localise(value, path)


@cache
def _document() -> str:
    document = json.loads((SOURCE / "openapi.json").read_text(encoding="utf-8"))
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas.update({name: _component(file, inside) for name, (file, inside) in _COMPONENTS.items()})
    schemas["Taxonomy"] = _TAXONOMY
    schemas["Error"] = _ERROR
    for name, parameter in document["components"]["parameters"].items():
        parameter["schema"] = _PARAMETERS.get(name, parameter["schema"])
        parameter["allowEmptyValue"] = True  # "?page=" is the same as leaving it out
        parameter["description"] += _HOW_WE_READ.get(name, "")
    for path, names in _ALSO_READ.items():
        listed = document["paths"][path]["get"]["parameters"]
        refs = [f"#/components/parameters/{name}" for name in names]
        listed.extend({"$ref": ref} for ref in refs if {"$ref": ref} not in listed)
    for path, item in document["paths"].items():
        _localise(item, path)
        responses = item["get"]["responses"]
        if item["get"].get("parameters"):
            responses["400"] = _error_response("A query parameter is not valid.")
        if "{id}" in path:
            responses["404"] = _error_response("Nothing has this id.")
    return json.dumps(document)


def openapi_document(server_url: str) -> dict[str, Any]:
    """The self-contained OpenAPI document, its server set to `server_url`."""
    document = json.loads(_document())
    document["servers"] = [{"url": server_url}]
    return document


def remote_references(document: Any) -> list[str]:
    """Every `$ref` in `document` that points outside it (none, in the served document)."""
    found: list[str] = []
    if isinstance(document, dict):
        ref = document.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            found.append(ref)
        for value in document.values():
            found.extend(remote_references(value))
    elif isinstance(document, list):
        for item in document:
            found.extend(remote_references(item))
    return found
