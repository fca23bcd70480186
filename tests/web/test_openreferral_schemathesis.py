"""The Open Referral API fuzzed against the OpenAPI document it serves itself (schemathesis).

Every operation in the served document gets generated requests, valid ones and ones that
break the document's rules; each response must match the document (status, content type,
schema) and nothing may be a server error.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode

from app import create_app
from app.config import TestConfig
from app.content.oruk_openapi import remote_references
from app.extensions import db

API = "/openreferral/v3"
APP = create_app(TestConfig)
with APP.app_context():
    db.create_all()  # the gazetteer that postcodes are looked up in (empty: every postcode is unknown)
SERVED = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", APP)
OPERATIONS = {result.ok().label: result.ok() for result in SERVED.get_all_operations()}
#: Operations with query parameters: the ones a request can break the rules of.
WITH_QUERY = sorted(label for label, operation in OPERATIONS.items() if operation.query)


def test_the_served_document_is_self_contained(client):
    document = client.get(f"{API}/openapi.json").json
    assert remote_references(document) == []
    assert {"Service", "ServiceInList", "ServiceAtLocation", "Taxonomy", "TaxonomyTerm"} <= set(
        document["components"]["schemas"]
    )
    assert len(OPERATIONS) == 9


def _fuzz(label: str, mode: GenerationMode) -> None:
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True)
    @given(case=OPERATIONS[label].as_strategy(generation_mode=mode))
    def check(case):
        case.call_and_validate()

    check()


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_every_operation_answers_valid_requests_as_its_document_says(label):
    _fuzz(label, GenerationMode.POSITIVE)


@pytest.mark.parametrize("label", WITH_QUERY)
def test_requests_that_break_the_document_get_a_400(label):
    _fuzz(label, GenerationMode.NEGATIVE)
