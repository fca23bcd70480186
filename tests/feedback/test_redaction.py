"""Redaction of personal details before anything is quoted."""

from __future__ import annotations

import pytest

from app.feedback.redaction import redact, redactor


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Email me at jo.bloggs+send@example.co.uk please", "Email me at [email] please"),
        ("Call 07700 900123 after 3", "Call [phone number] after 3"),
        ("Ring (0113) 496 0100 any time", "Ring [phone number] any time"),
        ("My number is +44 7700 900456", "My number is [phone number]"),
        ("Office on 020 7946 0958.", "Office on [phone number]."),
        ("We live near LS6 2AB.", "We live near [postcode]."),
        ("postcode kb1 4xy", "postcode [postcode]"),
        ("Our plan KB-2026-00123 was lost", "Our plan [plan reference] was lost"),
        ("case number 55123/B was wrong", "case number [plan reference] was wrong"),
        ("See www.kelderbridge.gov.uk/send for more", "See [web address] for more"),
        ("It was on https://example.com/a?b=1 somewhere", "It was on [web address] somewhere"),
        ("My son is called Ayaan and he loves school", "My son is called [name] and he loves school"),
        ("my 9 year old daughter Oksana is thriving", "my 9 year old daughter [name] is thriving"),
        ("Mrs Patel was wonderful", "Mrs [name] was wonderful"),
        ("Dr. Okafor Mensah explained it", "Dr. [name] explained it"),
        ("Our caseworker Gemma was kind", "Our caseworker [name] was kind"),
        ("Sarah Jones from the SEN team was great", "[name] from the SEN team was great"),
        ("His name is Kofi", "His name is [name]"),
    ],
)
def test_redacts_each_kind_of_detail(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The plan took 20 weeks and 3 days",
        "It was finalised on 01/02/2026",
        "He is in Year 9 now",
        "I think Will was helpful",  # ordinary words that are also names are not guessed at
        "My son I think needs more help",
        "We spoke to the SEN team in March",
    ],
)
def test_leaves_ordinary_text_alone(text):
    assert redact(text) == text


def test_counts_what_it_removed():
    result = redactor().redact("Sarah (sarah@example.com, 07700 900123) said LS6 2AB")
    assert result.found == {"name": 1, "email": 1, "phone": 1, "postcode": 1}
    assert "sarah" not in result.text.lower()
