"""Survey definitions: the shipped files, bad definitions reported by file and question, show-if logic."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from app.surveys import check_surveys, load_surveys
from app.surveys.definitions import Survey, pick
from app.surveys.loader import SurveyError

SURVEYS_DIR = Path(__file__).resolve().parents[2] / "surveys"

HEADER = """\
id: {id}
version: "1"
access: open
audience: anyone
minutes: 2
title: A test survey
summary: For tests.
intro: [Why we ask.]
how_used: How we use answers.
"""


def write(tmp_path: Path, body: str, name: str = "sample") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(HEADER.format(id=name) + textwrap.dedent(body), encoding="utf-8")
    return path


def test_shipped_surveys_are_valid(runner):
    surveys, problems = check_surveys(SURVEYS_DIR)
    assert problems == []
    assert set(surveys) == {"ehcp-finalisation", "young-person", "local-offer-feedback"}
    result = runner.invoke(args=["surveys", "check"])
    assert result.exit_code == 0, result.output
    assert "3 survey(s) OK, 0 problem(s)" in result.output


def test_shipped_surveys_feed_the_improvement_plan_measures():
    surveys = load_surveys(SURVEYS_DIR)
    for survey_id in ("ehcp-finalisation", "young-person"):
        kpis = {q.kpi for q in surveys[survey_id].questions() if q.kpi}
        assert {"listened", "seen_plan", "satisfied"} <= kpis, survey_id
        assert not surveys[survey_id].open
    feedback = surveys["local-offer-feedback"]
    assert feedback.open and feedback.audience == "anyone"
    kinds = {q.kind for q in feedback.questions() if q.kind}
    assert {"gaps", "accessibility", "development", "improvement"} <= kinds  # regulation 56 (a), (b), (c)
    assert surveys["young-person"].easy_read


def test_yes_and_no_stay_words_in_yaml():
    """YAML 1.1 would read `equals: yes` as true; our loader keeps it the word."""
    survey = load_surveys(SURVEYS_DIR)["ehcp-finalisation"]
    accurate = survey.question("accurate")
    assert accurate.show_if.equals == "yes"


BAD_DEFINITIONS = [
    pytest.param(
        """\
        pages:
          - id: one
            questions:
              - {id: colour, type: slider, label: Pick a colour}
        """,
        "question colour",
        "unknown question type 'slider'",
        id="unknown-type",
    ),
    pytest.param(
        """\
        pages:
          - id: one
            questions:
              - {id: happy, type: yes_no, label: Happy}
          - id: two
            questions:
              - {id: happy, type: yes_no, label: Happy again}
        """,
        "question happy",
        "duplicate question id 'happy'",
        id="duplicate-id",
    ),
    pytest.param(
        """\
        pages:
          - id: one
            questions:
              - {id: nameless, type: yes_no}
        """,
        "question nameless",
        "missing label",
        id="missing-label",
    ),
    pytest.param(
        """\
        pages:
          - id: one
            questions:
              - {id: why, type: free_text, label: Why, show_if: {question: ghost, equals: yes}}
        """,
        "question why",
        "show_if refers to an unknown question 'ghost'",
        id="condition-unknown",
    ),
    pytest.param(
        """\
        pages:
          - id: one
            questions:
              - {id: why, type: free_text, label: Why, show_if: {question: happy, equals: no}}
          - id: two
            questions:
              - {id: happy, type: yes_no, label: Happy}
        """,
        "question why",
        "show_if refers to a later question 'happy'",
        id="condition-later",
    ),
    pytest.param(
        """\
        pages:
          - id: one
            heading: Both
            questions:
              - {id: happy, type: yes_no, label: Happy}
              - {id: why, type: free_text, label: Why, show_if: {question: happy, equals: no}}
        """,
        "question why",
        "show_if must refer to a question on an earlier page",
        id="condition-same-page",
    ),
    pytest.param(
        """\
        pages:
          - id: one
            questions:
              - {id: happy, type: yes_no, label: Happy}
          - id: two
            questions:
              - {id: why, type: free_text, label: Why, show_if: {question: happy, equals: maybe}}
        """,
        "question why",
        "values ['maybe']",
        id="condition-unknown-value",
    ),
    pytest.param(
        """\
        pages:
          - id: one
            questions:
              - {id: happy, type: yes_no, label: Happy, kpi: happiness}
        """,
        "question happy",
        "unknown kpi 'happiness'",
        id="unknown-kpi",
    ),
    pytest.param(
        """\
        pages:
          - id: one
            questions:
              - {id: why, type: free_text, label: Why, errors: {too_long: Too long}}
        """,
        "question why",
        "must contain {max}",
        id="too-long-without-limit",
    ),
    pytest.param(
        """\
        pages:
          - id: one
            questions:
              - {id: pick, type: single_choice, label: Pick one, options: [{value: a, label: A}]}
        """,
        "question pick",
        "options",
        id="too-few-options",
    ),
    pytest.param(
        """\
        pages:
          - id: one
            questions:
              - {id: website, type: free_text, label: Your website}
        """,
        "question website",
        "reserved",
        id="reserved-id",
    ),
]


@pytest.mark.parametrize(("body", "where", "message"), BAD_DEFINITIONS)
def test_bad_definitions_are_reported_with_file_and_question(tmp_path, runner, body, where, message):
    path = write(tmp_path, body)
    surveys, problems = check_surveys(tmp_path)
    assert surveys == {}
    assert problems, "the problem is found"
    text = [str(p) for p in problems]
    assert any(p.startswith(f"{path}: {where}: ") and message in p for p in text), text
    with pytest.raises(SurveyError):
        load_surveys(tmp_path)
    result = runner.invoke(args=["surveys", "check", "--dir", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{path}: {where}:" in result.output


def test_file_name_must_match_id(tmp_path):
    path = tmp_path / "other.yaml"
    path.write_text(HEADER.format(id="sample") + "pages: [{id: one, questions: [{id: a, type: yes_no, label: A}]}]\n")
    _surveys, problems = check_surveys(tmp_path)
    assert [str(p) for p in problems] == [f"{path}: survey: id 'sample' must match the file name 'other'"]


def test_text_can_be_given_per_locale(tmp_path):
    write(
        tmp_path,
        """\
        pages:
          - id: one
            questions:
              - id: happy
                type: yes_no
                label: {en: "Are you happy?", pl: "Czy jesteś zadowolony?"}
        """,
    )
    survey = load_surveys(tmp_path)["sample"]
    label = survey.question("happy").label
    assert pick(label, "pl") == "Czy jesteś zadowolony?"
    assert pick(label, "ro") == "Are you happy?", "falls back to English"
    bad = write(tmp_path, "pages: [{id: one, questions: [{id: a, type: yes_no, label: {pl: Tak}}]}]\n", "nolish")
    _surveys, problems = check_surveys(tmp_path)
    assert any(str(p).startswith(f"{bad}: question a: label") and "English" in str(p) for p in problems)


@pytest.fixture(scope="module")
def feedback() -> Survey:
    return load_surveys(SURVEYS_DIR)["local-offer-feedback"]


@pytest.mark.parametrize(
    ("answers", "shown", "hidden"),
    [
        ({"found": "yes"}, [], ["gaps"]),
        ({"found": "partly"}, ["gaps"], []),
        ({"found": "no"}, ["gaps"], []),
        ({}, [], ["gaps", "barriers_more"]),
        ({"barriers": ["phone", "words"]}, ["barriers_more"], []),
        ({"barriers": []}, [], ["barriers_more"]),
    ],
)
def test_show_if_follows_earlier_answers(feedback, answers, shown, hidden):
    pages = [p.id for p in feedback.shown_pages(answers)]
    for page_id in shown:
        assert page_id in pages
    for page_id in hidden:
        assert page_id not in pages


def test_show_if_chains_and_navigation(feedback):
    answers = {"who": "parent-carer", "found": "yes"}
    assert feedback.next_page("found", answers).id == "content", "skips the gaps page"
    assert feedback.previous_page("content", answers).id == "found"
    answers["found"] = "no"
    assert feedback.next_page("found", answers).id == "gaps"
    assert feedback.previous_page("content", answers).id == "gaps"


def test_clean_drops_answers_to_hidden_questions(feedback):
    answers = {"found": "yes", "missing": "Something I typed before changing my mind", "who": "other"}
    assert feedback.clean(answers) == {"found": "yes", "who": "other"}


def test_first_unanswered_finds_required_gaps_and_unseen_pages(feedback):
    seen = {p.id for p in feedback.pages}
    complete = {"who": "other", "found": "yes", "clear": "yes", "up_to_date": "yes", "ease": "easy", "satisfied": "4"}
    assert feedback.first_unanswered(complete, seen) is None
    assert feedback.first_unanswered({**complete, "ease": ""}, seen).id == "ease"
    assert feedback.first_unanswered(complete, seen - {"barriers"}).id == "barriers", "an optional page never seen"
