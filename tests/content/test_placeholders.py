"""Contacts and facts written once: placeholders, `contact: ORG`, and the consistency check."""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path

import pytest

from app.config import BASE_DIR, TestConfig
from app.content import ContentError, load_store
from app.content.check import check_content
from app.services import content_store
from tests.content.test_loader import GOOD_SERVICE, make_tree
from tests.pages import check_page_structure

CONTACTS = textwrap.dedent(
    """\
    council:
      name: {en: Testshire Council, pl: Rada Testshire}
    local-offer-team:
      name: Local Offer team
      phone: 0113 496 0001
      email: offer@testshire.example
    sendiass:
      name: Testshire SENDIASS
      aliases: [SENDIASS]
      phone: 0113 496 0002
      email: sendiass@testshire.example
      website: https://testshire.example/sendiass
      address: 1 High Street, Testshire TS1 1AA
      hours: {en: Monday to Friday, pl: Od poniedziałku do piątku}
    emergency-duty-team:
      name: Emergency Duty Team
      aliases: [EDT]
      phone: 0113 496 0003
    """
)
FACTS = "draft-plan-comment-days: 15\nplan-upper-age: {en: 25, pl: 25 lat}\n"
GUIDANCE = textwrap.dedent(
    """\
    ---
    title: Help
    summary: "Call {{ contact:sendiass.name }} on {{ contact:sendiass.phone }}."
    audience: [parents]
    section: start
    order: 1
    ---
    ## Who to call

    You have {{ fact:draft-plan-comment-days }} days. Ring {{contact:sendiass.phone}}.
    Out of hours: {{ contact:emergency-duty-team.phone }}.
    """
)


def tree(tmp_path: Path, service: str = GOOD_SERVICE, guidance: str = GUIDANCE) -> Path:
    root = make_tree(tmp_path, service)
    (root / "contacts.yaml").write_text(CONTACTS, encoding="utf-8")
    (root / "facts.yaml").write_text(FACTS, encoding="utf-8")
    (root / "guidance" / "help.md").write_text(guidance, encoding="utf-8")
    return root


def problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as raised:
        load_store(root)
    return [f"{p.path}:{p.line}: {p.message}" for p in raised.value.problems]


def test_placeholders_are_filled_in_the_body_and_front_matter(tmp_path):
    store = load_store(tree(tmp_path))
    doc = store.guidance["help"]
    assert doc.summary == "Call Testshire SENDIASS on 0113 496 0002."
    assert 'You have 15 days. Ring <a class="govuk-link" href="tel:+441134960002">0113 496 0002</a>.' in doc.html
    assert "0113 496 0003" in doc.text
    assert "{{" not in doc.html


def test_translations_get_their_language_and_fall_back_to_english(tmp_path):
    root = tree(tmp_path)
    translated = GUIDANCE.replace("## Who to call", "## Kto\n\n{{ contact:sendiass.hours }}, {{ fact:plan-upper-age }}")
    (root / "pl" / "guidance").mkdir(parents=True)
    (root / "pl" / "guidance" / "help.md").write_text(translated, encoding="utf-8")
    store = load_store(root)
    polish = store.translations["pl"]["guidance"]["help"]
    assert "Od poniedziałku do piątku, 25 lat" in polish.html
    assert 'Ring <a class="govuk-link" href="tel:+441134960002">0113 496 0002</a>' in polish.html  # the same everywhere
    assert "Monday to Friday, 25" not in polish.html


def test_a_service_can_take_its_contact_details_from_an_organisation(tmp_path):
    service = re.sub(r"contact:\n  phone: .*\n", "contact: sendiass\n", GOOD_SERVICE)
    meta = load_store(tree(tmp_path, service)).services["test-service"].meta
    assert (meta.contact.phone, meta.contact.email, meta.contact.website) == (
        "0113 496 0002",
        "sendiass@testshire.example",
        "https://testshire.example/sendiass",
    )
    assert meta.address == "1 High Street, Testshire TS1 1AA"
    assert meta.opening_times == "Monday to Friday"


def test_a_service_naming_an_unknown_organisation_is_reported(tmp_path):
    service = re.sub(r"contact:\n  phone: .*\n", "contact: nobody\n", GOOD_SERVICE)
    assert problems(tree(tmp_path, service)) == [
        "content/services/test-service.md:12: contact: unknown organisation 'nobody' (not in contacts.yaml)"
    ]


def test_unknown_and_malformed_placeholders_name_the_file_and_line(tmp_path):
    guidance = GUIDANCE + (
        "\nAsk {{ contact:nobody.phone }} or {{ contact:sendiass.fax }}.\n"
        "{{ fact:nope }} {{ name }}\n"
        "{{ contact:sendiass }} and {{ oops\n"
    )
    found = [p.removeprefix("content/guidance/help.md:") for p in problems(tree(tmp_path, guidance=guidance))]
    assert found == [
        "13: 'sendiass' has no 'fax' in contacts.yaml (it has: name, phone, email, address, website, hours)",
        "13: unknown organisation 'nobody' in {{ contact:nobody.phone }} (not in contacts.yaml)",
        "14: unknown fact 'nope' in {{ fact:nope }} (not in facts.yaml)",
        "14: {{ name }} is not a placeholder: use {{ contact:ORGANISATION.FIELD }} or {{ fact:NAME }}",
        "15: '{{' is not closed with '}}' on the same line",
        "15: {{ contact:sendiass }} must be {{ contact:ORGANISATION.FIELD }}, e.g. {{ contact:sendiass.phone }}",
    ]


def test_an_unknown_placeholder_stops_the_portal_starting(tmp_path):
    from app import create_app

    root = tree(tmp_path, guidance=GUIDANCE.replace("fact:draft-plan-comment-days", "fact:draft-plan-days"))

    class BrokenContent(TestConfig):
        CONTENT_DIR = root

    with pytest.raises(ContentError, match=r"guidance/help\.md:10: error: unknown fact 'draft-plan-days'"):
        create_app(BrokenContent)


@pytest.mark.parametrize(
    ("contacts", "expected"),
    [
        ("sendiass:\n  phone: 0113 496 0002\n", "content/contacts.yaml:1: sendiass.name is required"),
        ("sendiass:\n  name: S\n  fax: 1\n", "content/contacts.yaml:3: sendiass.fax is not a known field"),
        ("sendiass:\n  name: S\n  hours: true\n", "content/contacts.yaml:3: sendiass.hours must be text (put it in"),
        ("sendiass:\n  name: {pl: S}\n", "content/contacts.yaml:2: sendiass.name a value given per language must"),
        ("Send IASS:\n  name: S\n", "content/contacts.yaml:1: organisation key 'Send IASS' must be lowercase"),
        (
            "sendiass:\n  name: S\n  phone: {en: 0113 496 0002, pl: 0113 496 0009}\n",
            "content/contacts.yaml:3: sendiass.phone is the same in every language: give one value",
        ),
    ],
)
def test_contacts_file_problems_are_reported_with_their_line(tmp_path, contacts, expected):
    root = tree(tmp_path, guidance=GUIDANCE.replace("{{", "(").replace("}}", ")"))
    (root / "contacts.yaml").write_text(contacts, encoding="utf-8")
    assert any(p.startswith(expected) for p in problems(root)), problems(root)


def test_check_flags_a_number_that_contradicts_contacts_yaml(tmp_path):
    guidance = GUIDANCE + "\nIn an emergency, call the Emergency Duty Team on 0113 496 0999.\n"
    guidance += "Email SENDIASS at help@testshire.example.\n"
    found = [str(p) for p in check_content(tree(tmp_path, guidance=guidance), dt.date(2026, 6, 1))]
    assert (
        "content/guidance/help.md:13: error: 0113 496 0999 is not the phone of Emergency Duty Team: "
        "contacts.yaml gives 0113 496 0003 (write {{ contact:emergency-duty-team.phone }})"
    ) in found
    assert any("help.md:14: error: help@testshire.example is not the email of Testshire SENDIASS" in p for p in found)


def test_check_flags_a_contradiction_next_to_a_name_placeholder(tmp_path):
    guidance = GUIDANCE + "\nOut of hours, call the {{ contact:emergency-duty-team.name }} on 0113 496 0998.\n"
    found = [str(p) for p in check_content(tree(tmp_path, guidance=guidance), dt.date(2026, 6, 1))]
    assert any("help.md:13: error: 0113 496 0998 is not the phone of Emergency Duty Team" in p for p in found)


def test_check_warns_when_an_organisations_number_is_copied_out(tmp_path):
    guidance = GUIDANCE + "\nYou can ring 0113 496 0002 too.\n"
    found = [str(p) for p in check_content(tree(tmp_path, guidance=guidance), dt.date(2026, 6, 1))]
    assert (
        "content/guidance/help.md:13: warning: 0113 496 0002 is written out: write {{ contact:sendiass.phone }}"
        " so it follows contacts.yaml"
    ) in found


def test_check_flags_an_organisations_own_service_page_with_other_details(tmp_path):
    service = GOOD_SERVICE.replace("title: Test service", "title: Testshire SENDIASS")
    found = [str(p) for p in check_content(tree(tmp_path, service), dt.date(2026, 6, 1))]
    assert any(
        "test-service.md:13: error: this is Testshire SENDIASS's page but its phone is 0113 496 0000" in p
        for p in found
    )


def test_other_numbers_next_to_no_organisation_are_fine(tmp_path):
    guidance = GUIDANCE + "\nThe nursery is on 0113 496 0777.\n"
    found = check_content(tree(tmp_path, guidance=guidance), dt.date(2026, 6, 1))
    assert [p for p in found if "0113 496 0777" in p.message] == []


# --- the shipped site -------------------------------------------------------------------

PHONE_RE = re.compile(r"(?<![\w+])0(?: ?\d){10}(?!\d)")
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@pytest.fixture(scope="module")
def every_page(app) -> dict[str, str]:
    """The text of every public page in English, and in each other language every page
    translated into it plus the pages around the content."""
    store = content_store(app)
    client = app.test_client()
    paths = ["/", "/services", "/guidance", "/glossary", "/search?q=zzzzqqq", "/survey"]
    paths += [doc.url for doc in store.documents()]
    texts = {}
    for locale in app.config["LANGUAGES"]:
        translated = {doc.url for docs in store.translations.get(locale, {}).values() for doc in docs.values()}
        for path in paths if locale == "en" else [*paths[:6], *sorted(translated), "/pages/contact"]:
            response = client.get(f"{path}{'&' if '?' in path else '?'}lang={locale}")
            assert response.status_code == 200, path
            page = check_page_structure(response)
            texts[f"{path} ({locale})"] = page.soup.get_text(" ")
    return texts


def test_one_emergency_duty_team_number_across_the_site(app, every_page):
    edt = content_store(app).placeholders.contacts["emergency-duty-team"]
    pages_with_edt = {path for path, text in every_page.items() if "Emergency Duty Team" in text}
    assert "/pages/contact (en)" in pages_with_edt
    assert "/services/children-with-disabilities-team (en)" in pages_with_edt
    for path in pages_with_edt:
        text = every_page[path]
        for sentence in re.split(r"(?<=[.!?])\s+|\n", text):
            if "Emergency Duty Team" in sentence:
                for phone in PHONE_RE.findall(sentence):
                    assert phone == edt.get("phone"), f"{path}: {sentence!r}"
    site = " ".join(every_page.values())
    assert "0113 496 0999" not in site and edt.get("phone") in site


def test_each_organisation_has_one_phone_and_one_email_across_the_site(app, every_page):
    placeholders = content_store(app).placeholders
    for key in ("local-offer-team", "sendiass", "send-assessment-team", "family-information-service"):
        org = placeholders.contacts[key]
        for path, text in every_page.items():
            for sentence in re.split(r"(?<=[.!?])\s+|\n", text):
                if not any(name in sentence for name in org.names if len(name) > 4):
                    continue
                others = {name for k, o in placeholders.contacts.items() if k != key for name in o.names}
                if any(name in sentence for name in others if len(name) > 4):
                    continue  # two organisations in one sentence: each number checked where it stands alone
                for phone in PHONE_RE.findall(sentence):
                    assert phone == org.get("phone"), f"{key} on {path}: {sentence!r}"
                for email in EMAIL_RE.findall(sentence):
                    assert email == org.get("email"), f"{key} on {path}: {sentence!r}"


def test_old_contradicting_details_are_gone_from_the_site(every_page):
    site = " ".join(every_page.values())
    for old in ("0113 496 0123", "0113 496 0300", "0113 496 0150", "sendassessment@", "Town Hall", "KB1 1AA"):
        assert old not in site, old


def test_shipped_content_copies_no_organisations_details():
    shipped = check_content(BASE_DIR / "content", dt.date(2026, 1, 1))
    assert [str(p) for p in shipped if "contacts.yaml" in p.message] == []


def test_the_footer_and_survey_pages_use_the_local_offer_teams_details(app, client):
    team = content_store(app).placeholders.contacts["local-offer-team"]
    for path in ("/", "/survey"):
        html = client.get(path).get_data(as_text=True)
        assert team.get("phone") in html and team.get("email") in html


def test_contacts_the_interface_needs_are_required(tmp_path):
    from app import create_app

    root = tree(tmp_path)
    (root / "contacts.yaml").write_text(CONTACTS.replace("  email: offer@testshire.example\n", ""), "utf-8")

    class NoTeamEmail(TestConfig):
        CONTENT_DIR = root

    with pytest.raises(ContentError, match=r"contacts.yaml:1: error: the portal needs local-offer-team.email"):
        create_app(NoTeamEmail)
