"""The form factory: every question type, its GOV.UK widget and its validation messages."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from app.surveys.definitions import Survey
from app.web.forms.surveys import answers_from, page_form

SURVEY = Survey.model_validate(
    {
        "id": "every-type",
        "version": "3",
        "access": "open",
        "audience": "anyone",
        "minutes": 1,
        "title": "Every type",
        "summary": "Every question type.",
        "intro": ["Intro."],
        "how_used": "Used.",
        "pages": [
            {"id": "yn", "questions": [{"id": "yn", "type": "yes_no", "label": "Plain yes or no"}]},
            {"id": "yns", "questions": [{"id": "yns", "type": "yes_no", "not_sure": True, "label": "With not sure"}]},
            {
                "id": "custom",
                "questions": [
                    {
                        "id": "custom",
                        "type": "yes_no",
                        "label": "Listened",
                        "errors": {"required": "Select yes if you felt listened to"},
                    }
                ],
            },
            {
                "id": "single",
                "questions": [
                    {
                        "id": "single",
                        "type": "single_choice",
                        "label": "Pick one",
                        "options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
                    }
                ],
            },
            {
                "id": "multi",
                "questions": [
                    {
                        "id": "multi",
                        "type": "multiple_choice",
                        "label": "Pick some",
                        "options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
                    }
                ],
            },
            {"id": "sat", "questions": [{"id": "sat", "type": "satisfaction", "label": "How satisfied"}]},
            {
                "id": "text",
                "questions": [
                    {"id": "text", "type": "free_text", "label": "Tell us", "max_length": 10, "required": True}
                ],
            },
            {
                "id": "limited",
                "questions": [
                    {
                        "id": "limited",
                        "type": "free_text",
                        "label": "What went well",
                        "max_length": 1000,
                        "errors": {"too_long": "Enter what went well in {max} characters or fewer"},
                    }
                ],
            },
            {
                "id": "optional",
                "questions": [{"id": "optional", "type": "yes_no", "label": "Optional", "required": False}],
            },
        ],
    }
)


@pytest.fixture()
def no_csrf(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)


def validate(app, page_id: str, data: MultiDict | dict):
    page = SURVEY.page(page_id)
    with app.test_request_context(method="POST", data=data):
        from flask import request

        form = page_form(SURVEY, page, {}, "en", formdata=request.form)
        valid = form.validate()
        return valid, {name: [str(e) for e in errors] for name, errors in form.errors.items()}, form


@pytest.mark.parametrize(
    ("page_id", "data", "message"),
    [
        ("yn", {}, "Select yes or no"),
        ("yn", {"yn": "not-sure"}, "Select yes or no"),
        ("yns", {}, "Select yes, no or not sure"),
        ("yns", {"yns": "perhaps"}, "Select yes, no or not sure"),
        ("custom", {}, "Select yes if you felt listened to"),
        ("single", {}, "Select an answer"),
        ("single", {"single": "z"}, "Select an answer"),
        ("multi", {}, "Select at least one answer"),
        ("multi", MultiDict([("multi", "a"), ("multi", "z")]), "Select at least one answer"),
        ("sat", {}, "Select how satisfied you are"),
        ("sat", {"sat": "6"}, "Select how satisfied you are"),
        ("text", {}, "Enter your answer"),
        ("text", {"text": "   "}, "Enter your answer"),
        ("text", {"text": "x" * 11}, "Enter your answer in 10 characters or fewer"),
        ("limited", {"limited": "x" * 1001}, "Enter what went well in 1000 characters or fewer"),
    ],
)
def test_each_question_type_gives_a_specific_message(app, no_csrf, page_id, data, message):
    valid, errors, _form = validate(app, page_id, data)
    assert not valid
    assert errors[page_id] == [message]


@pytest.mark.parametrize(
    ("page_id", "data", "expected"),
    [
        ("yn", {"yn": "no"}, "no"),
        ("yns", {"yns": "not-sure"}, "not-sure"),
        ("single", {"single": "b"}, "b"),
        ("multi", MultiDict([("multi", "a"), ("multi", "b")]), ["a", "b"]),
        ("sat", {"sat": "1"}, "1"),
        ("text", {"text": "  ten chars "}, "ten chars"),
        ("limited", {"limited": "x" * 1000}, "x" * 1000),
        ("limited", {}, None),
        ("optional", {}, None),
    ],
)
def test_valid_answers_are_accepted(app, no_csrf, page_id, data, expected):
    valid, errors, form = validate(app, page_id, data)
    assert valid, errors
    assert answers_from(form, form.questions)[page_id] == expected


@pytest.mark.parametrize(
    ("page_id", "markup"),
    [
        ("yn", 'class="govuk-radios'),
        ("multi", 'class="govuk-checkboxes'),
        ("sat", "Very satisfied"),
        ("text", "govuk-character-count"),
    ],
)
def test_fields_use_govuk_widgets(app, page_id, markup):
    with app.test_request_context():
        form = page_form(SURVEY, SURVEY.page(page_id), {}, "en")
        assert markup in str(form[page_id]())


def test_open_survey_forms_carry_a_honeypot(app):
    with app.test_request_context():
        form = page_form(SURVEY, SURVEY.page("yn"), {}, "en")
        html = str(form.website())
        assert "council-honeypot" in html and 'aria-hidden="true"' in html and 'tabindex="-1"' in html
