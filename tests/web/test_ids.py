"""Any id in a URL that the database column cannot hold is a 404, never a 500,
on public and staff routes alike (and the largest id it can hold is a plain 404 too)."""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import IntegerConverter

from app.web.ids import MAX_ID, ids_from

from ..factories import create_user as make_user
from ..helpers import act_as, post_form
from ..pages import check_page_structure

pytestmark = pytest.mark.commits

TOO_BIG = ["2147483648", "9223372036854775807", "9223372036854775808", "99999999999999999999"]


def id_rules(app):
    """Every route with an integer argument."""
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if any(isinstance(converter, IntegerConverter) for converter in rule._converters.values())
    ]
    assert any(rule.rule.startswith("/staff/") for rule in rules) and any(
        not rule.rule.startswith("/staff/") for rule in rules
    )
    return rules


def fill(rule, value: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", value, rule.rule)


@pytest.mark.parametrize("value", [*TOO_BIG, str(MAX_ID)])
def test_out_of_range_ids_are_not_found(app, client, monkeypatch, value):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    with app.app_context():
        admin = make_user("admin", email="ids@kelderbridge.example")
    checked = []
    for rule in id_rules(app):
        path = fill(rule, value)
        for method in [m for m in ("GET", "POST") if m in rule.methods]:
            act_as(client, admin)
            response = client.open(path, method=method)
            assert response.status_code == 404, f"{method} {path}: {response.status_code}"
            if response.mimetype == "text/html":
                check_page_structure(response)
            checked.append(path)
    assert "/you-said-we-did/" + value in checked and "/updates/" + value in checked
    assert f"/staff/users/{value}" in checked


def test_out_of_range_ids_in_a_form_are_left_out(app, client):
    """The upload page's "mark all as sent" sends ids in a hidden field: huge ones are ignored."""
    with app.app_context():
        officer = make_user("officer", email="ids-form@kelderbridge.example")
    act_as(client, officer)
    response = post_form(
        client,
        "/staff/surveys/invitations/mark-sent",
        {"ids": "1,2147483648,99999999999999999999,-3,x"},
        token_from="/staff/surveys/upload",
    )
    assert response.status_code == 302


def test_ids_from_keeps_only_what_a_column_holds():
    assert ids_from(" 1, 2 ,2147483647,2147483648,99999999999999999999,0,-1,a,") == [1, 2, 2147483647]
