""" "My list": add and remove services without an account or JavaScript, print the list, share it."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from flask import Flask

from app.services import content_store
from app.web.my_list import MAX_SERVICES

from ..helpers import csrf_token

CAMHS = "camhs"
SCHOOL = "brookfield-school"


def _add(client, slug: str, next_path: str | None = None, path: str = "/my-list/add"):
    token = csrf_token(client, f"/services/{slug}")
    data = {"csrf_token": token, "slug": slug}
    if next_path is not None:
        data["next"] = next_path
    return client.post(path, data=data)


def _header(page) -> str:
    return page.select(".govuk-service-navigation__item a, .govuk-service-navigation__item strong")[-1].get_text(
        strip=True
    )


def _listed(get_page) -> list[str]:
    return [a.get_text(strip=True) for a in get_page("/my-list").select("#my-list h2 a")]


def test_a_family_adds_a_service_and_the_header_counts_it(client, get_page):
    page = get_page(f"/services/{CAMHS}")
    assert "Add to my list" in page.select(f"#my-list-{CAMHS} button")[0].get_text()
    assert _header(page) == "My list (0)"
    added = _add(client, CAMHS, f"/services/{CAMHS}")
    assert added.status_code == 302
    assert added.headers["Location"] == f"/services/{CAMHS}#my-list-{CAMHS}"
    page = get_page(f"/services/{CAMHS}")
    assert "Remove from my list" in page.select(f"#my-list-{CAMHS} button")[0].get_text()
    assert page.select(f"#my-list-{CAMHS}")[0]["action"] == "/my-list/remove"
    assert _header(page) == "My list (1)"
    assert _listed(get_page) == ["CAMHS (Children and Young People's Mental Health Service)"]


def test_adding_twice_keeps_one_and_removing_takes_it_off(client, get_page):
    _add(client, CAMHS)
    _add(client, CAMHS)
    _add(client, SCHOOL)
    assert len(_listed(get_page)) == 2
    removed = _add(client, CAMHS, "/my-list", path="/my-list/remove")
    assert removed.headers["Location"] == "/my-list"
    assert _listed(get_page) == ["Brookfield School"]


def test_clear_all_empties_the_list(client, get_page):
    _add(client, CAMHS)
    cleared = client.post("/my-list/clear", data={"csrf_token": csrf_token(client, "/my-list")})
    assert cleared.status_code == 302
    page = get_page("/my-list")
    assert page.select("#my-list-empty") and _header(page) == "My list (0)"


@pytest.mark.parametrize(
    "data",
    [
        {"slug": CAMHS},  # no CSRF token
        {"slug": "no-such-service", "csrf_token": None},
        {"slug": "", "csrf_token": None},
    ],
)
def test_a_forged_or_unknown_add_changes_nothing(client, get_page, data):
    if "csrf_token" in data:
        data["csrf_token"] = csrf_token(client, f"/services/{CAMHS}")
    response = client.post("/my-list/add", data=data)
    assert response.status_code == 400
    assert _listed(get_page) == []


def test_the_way_back_never_leaves_the_site(client):
    for next_path in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = _add(client, CAMHS, next_path)
        assert urlsplit(response.headers["Location"]).netloc == ""
        assert response.headers["Location"].startswith(f"/services/{CAMHS}")


def test_the_list_is_bounded(client, get_page, app: Flask):
    with app.app_context():
        slugs = list(content_store().services)[: MAX_SERVICES + 1]
    token = csrf_token(client, f"/services/{CAMHS}")
    for slug in slugs:
        response = client.post("/my-list/add", data={"csrf_token": token, "slug": slug})
    assert response.headers["Location"] == "/my-list"
    page = get_page("/my-list")
    assert len(page.select("#my-list > li")) == MAX_SERVICES
    assert f"Your list is full: it can hold {MAX_SERVICES} services" in page.text()


def test_the_print_view_has_each_service_s_key_facts_address_date_and_phone(client, get_page, app: Flask):
    _add(client, CAMHS)
    _add(client, SCHOOL)
    page = get_page("/my-list/print")
    text = page.text()
    assert page.h1 == "My list of services"
    for label in ("Who it is for", "Ages", "Cost", "How to get it", "Contact", "Where it is", "Opening times"):
        assert text.count(label) >= 2, label
    assert f"http://localhost/services/{CAMHS}" in text and f"http://localhost/services/{SCHOOL}" in text
    assert "40 Hollins Road, Kelderbridge, KB2 4CB" in text
    assert re.search(r"Printed on \d{1,2} \w+ 20\d\d", page.select("#printed-on")[0].get_text())
    with app.app_context():
        phone = content_store().placeholders.contact("local-offer-team", "phone", "en")
    assert phone in page.select("#local-offer-phone")[0].get_text()
    assert page.select('a[href^="https://www.openstreetmap.org/?mlat="]')


def test_a_shared_link_rebuilds_the_list_on_another_device(app: Flask, client, get_page):
    _add(client, CAMHS)
    _add(client, SCHOOL)
    share = get_page("/my-list").select("#share-link")[0]["href"]
    assert share == "http://localhost/my-list/shared?services=camhs,brookfield-school"
    other = app.test_client()
    page = check = other.get(share.removeprefix("http://localhost"))
    assert check.status_code == 200
    body = page.get_data(as_text=True)
    assert "Brookfield School" in body and "My list (0)" in body
    token = csrf_token(other, share.removeprefix("http://localhost"))
    kept = other.post("/my-list/shared", data={"csrf_token": token, "services": "camhs,brookfield-school"})
    assert kept.headers["Location"] == "/my-list"
    assert "My list (2)" in other.get("/my-list").get_data(as_text=True)


def test_unknown_pages_in_a_shared_link_are_dropped_with_a_note(get_page):
    page = get_page("/my-list/shared?services=camhs,gone-away,../../etc,brookfield-school")
    assert [a.get_text(strip=True) for a in page.select("#shared-list a")][1] == "Brookfield School"
    assert "2 pages in this link are no longer on the Local Offer" in page.select("#dropped-note")[0].get_text()


@pytest.mark.parametrize("lang", ["pl", "ur", "ro", "pa"])
def test_my_list_speaks_every_language(client, get_page, lang):
    _add(client, CAMHS)
    page = get_page(f"/my-list?lang={lang}")
    assert page.soup.html["dir"] == ("rtl" if lang == "ur" else "ltr")
    assert "Remove from my list" not in page.text() and "Print or share your list" not in page.text()
    printed = get_page(f"/my-list/print?lang={lang}")
    assert "Who it is for" not in printed.text() and "Printed on" not in printed.text()
