"""Fuzzing every public form and query parameter: whatever is sent, never a server error.

Hypothesis generates text of every kind (control characters, NUL, right-to-left marks,
emoji, very long values, huge numbers) for each query parameter of the public pages and
each field of the public forms (survey code, every survey page, check and send, page
feedback, sign-in, set password, report a problem, review links). Bounded examples keep the run under a minute; on CI it
runs against PostgreSQL (TEST_DATABASE_URL), which refuses what SQLite accepts.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.config import TestConfig
from app.services import survey_definitions

from ..factories import create_invitation as invite
from ..helpers import running_app
from ..isolation import delete_all_rows

#: Examples per test: bounded so the whole file runs in well under a minute.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "30"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

#: Text a browser (or an attacker) can send: anything but lone surrogates, which cannot be encoded.
_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
_SPECIAL = st.sampled_from(
    [
        "",
        "\x00",
        "a\x00b",
        "\x0b\x0c\x1f",
        "\u202e\u200f",
        "😀" * 20,
        "9" * 30,
        "-1",
        "0",
        "1e999",
        "NaN",
        "9223372036854775808",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "../../etc/passwd",
        "%00",
        "x" * 5000,
        "ACDEF-GHJKM",
        "yes",
        "no",
        "on",
    ]
)
VALUES = st.one_of(_TEXT, _SPECIAL)

#: Every query parameter a public page reads.
QUERY_PARAMETERS = [
    "q",
    "kind",
    "age",
    "category",
    "need",
    "area",
    "free",
    "self_referral",
    "page",
    "theme",
    "status",
    "year",
    "lang",
    "next",
    "change",
    "stage",
]
PUBLIC_PAGES = [
    "/",
    "/services",
    "/guidance",
    "/guidance/the-20-week-journey",
    "/glossary",
    "/search",
    "/you-said-we-did",
    "/you-said-we-did/feed.atom",
    "/updates",
    "/updates/feed.atom",
    "/sitemap.xml",
    "/sign-in",
    "/survey",
    "/survey/local-offer-feedback",
    "/survey/local-offer-feedback/questions/found",
    "/survey/local-offer-feedback/check",
    "/survey/ehcp-finalisation",
]


class FuzzConfig(TestConfig):
    """The test settings without CSRF, so fuzzed fields reach the forms' own validation."""

    WTF_CSRF_ENABLED = False


@pytest.fixture(scope="module")
def fuzz_app() -> Iterator[Flask]:
    with running_app(FuzzConfig) as application:
        yield application
        delete_all_rows(application)


def _no_server_error(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"


@FUZZ
@given(
    path=st.sampled_from(PUBLIC_PAGES),
    query=st.lists(st.tuples(st.sampled_from(QUERY_PARAMETERS), VALUES), max_size=5),
)
def test_query_parameters_never_give_a_server_error(fuzz_app, path, query):
    client = fuzz_app.test_client()
    response = client.get(path, query_string=query)
    _no_server_error(response, f"GET {path} {query!r}")


@FUZZ
@given(code=VALUES, extra=VALUES)
def test_the_code_form_never_gives_a_server_error(fuzz_app, code, extra):
    client = fuzz_app.test_client()
    _no_server_error(client.post("/survey", data={"code": code, "website": extra}), f"code {code!r}")


@FUZZ
@given(path=st.one_of(st.sampled_from(["/guidance/the-20-week-journey", "/services", "/"]), VALUES), data=st.data())
def test_page_feedback_never_gives_a_server_error(fuzz_app, path, data):
    client = fuzz_app.test_client()
    form = {"path": path, "helpful": data.draw(VALUES), "text": data.draw(VALUES), "website": data.draw(VALUES)}
    _no_server_error(client.post("/page-feedback", data=form), f"page feedback {form!r}")


@FUZZ
@given(email=VALUES, password=VALUES, next_url=VALUES)
def test_sign_in_never_gives_a_server_error(fuzz_app, email, password, next_url):
    client = fuzz_app.test_client()
    response = client.post("/sign-in", query_string={"next": next_url}, data={"email": email, "password": password})
    _no_server_error(response, f"sign in {email!r}")


@FUZZ
@given(token=st.text(st.characters(exclude_categories=("Cs",), exclude_characters="/?#"), min_size=1, max_size=80))
def test_links_and_set_password_never_give_a_server_error(fuzz_app, token):
    client = fuzz_app.test_client()
    for link in (f"/s/{token}", f"/set-password/{token}", f"/no-reminders/{token}"):
        response = client.get(link)
        _no_server_error(response, f"link {link!r}")
        if response.status_code == 302:
            _no_server_error(client.get(response.headers["Location"]), f"where {link!r} leads")
    with client.session_transaction() as session:  # a session that holds something odd
        session["set_password"] = {"user": token, "check": token}
        session["no_reminders"] = {"inv": token, "check": token}
    response = client.post("/set-password", data={"password": token, "confirm": token})
    _no_server_error(response, f"set password {token!r}")
    _no_server_error(client.post("/no-reminders", data={}), f"no reminders {token!r}")


@FUZZ
@given(
    page=st.one_of(st.sampled_from(["services/all-wheels-adapted-cycling", "guidance/the-20-week-journey"]), VALUES),
    data=st.data(),
)
def test_report_a_problem_never_gives_a_server_error(fuzz_app, page, data):
    client = fuzz_app.test_client()
    form = {"kind": data.draw(VALUES), "details": data.draw(VALUES), "website": data.draw(VALUES)}
    path = "/report-a-problem/" + quote(page, safe="/")
    _no_server_error(client.get(path), f"report form {page!r}")
    _no_server_error(client.post(path, data=form), f"report {page!r} {form!r}")


@FUZZ
@given(token=st.text(st.characters(exclude_categories=("Cs",), exclude_characters="/?#"), min_size=1, max_size=80))
def test_review_links_and_listing_forms_never_give_a_server_error(fuzz_app, token):
    client = fuzz_app.test_client()
    _no_server_error(client.get(f"/review/{token}"), f"review link {token!r}")
    with client.session_transaction() as session:
        session["listing_review"] = token  # a session that holds something odd
    for path in ("/check-your-listing", "/check-your-listing/changes", "/check-your-listing/done"):
        _no_server_error(client.post(path, data={"correct": token, "note": token}), f"{path} {token!r}")


def _page_fields(fuzz_app: Flask, survey_id: str) -> list[tuple[str, list[str]]]:
    survey = survey_definitions(fuzz_app)[survey_id]
    return [(page.id, [question.id for question in page.questions]) for page in survey.pages]


@FUZZ
@given(data=st.data())
def test_every_page_of_the_open_survey_and_sending_never_give_a_server_error(fuzz_app, data):
    client = fuzz_app.test_client()
    for page_id, fields in _page_fields(fuzz_app, "local-offer-feedback"):
        form = {field: data.draw(st.lists(VALUES, max_size=3)) for field in fields}
        form["website"] = data.draw(st.sampled_from(["", "x"]))
        path = f"/survey/local-offer-feedback/questions/{page_id}"
        _no_server_error(client.post(path, data=form), f"POST {path} {form!r}")
    response = client.post("/survey/local-offer-feedback/check", data={"website": data.draw(VALUES)})
    _no_server_error(response, "send the open survey")


@FUZZ
@given(data=st.data())
def test_every_page_of_the_invitation_surveys_never_gives_a_server_error(fuzz_app, data):
    invited = [s.id for s in survey_definitions(fuzz_app).values() if not s.open]
    assert invited
    for survey_id in invited:
        client = fuzz_app.test_client()
        with fuzz_app.app_context():
            _id, token, _code = invite(f"KB-FZ-{os.urandom(4).hex()}1", survey_id=survey_id)
        client.get(f"/s/{token}")
        for page_id, fields in _page_fields(fuzz_app, survey_id):
            form = {field: data.draw(st.lists(VALUES, max_size=2)) for field in fields}
            path = f"/survey/{survey_id}/questions/{page_id}"
            response = client.post(path, data=form, query_string={"change": data.draw(VALUES)})
            _no_server_error(response, f"POST {path}")
        _no_server_error(client.post(f"/survey/{survey_id}/check", data={}), f"send {survey_id}")
