"""Load and check `surveys/*.yaml` and their translations (`surveys/<locale>/*.yaml`).

Every problem is reported with its file and question (or page, or key).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..yaml_loader import YAMLError, load_yaml
from .definitions import QUESTION_TYPES, Survey, condition_problems
from .overlays import apply_overlay, orphan_overlays, overlay_paths, read_overlay


@dataclass(frozen=True)
class SurveyProblem:
    """Something wrong in a survey definition, with where to find it."""

    path: str
    where: str  # "question <id>", "page <id>" or "survey"
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.where}: {self.message}"


class SurveyError(Exception):
    """The survey definitions cannot be used; `problems` says where and why."""

    def __init__(self, problems: list[SurveyProblem]) -> None:
        self.problems = problems
        super().__init__("survey definitions have problems:\n" + "\n".join(f"  {p}" for p in problems))


def _where(raw: Any, loc: tuple) -> str:
    """Name the question (or page) a pydantic error location points into."""
    found = "survey"
    node = raw
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            found = f"{'page' if 'questions' in node else 'question'} {node['id']}"
    return found


def _message(error: dict) -> str:
    """A readable message for one pydantic error."""
    loc = [str(p) for p in error["loc"] if not isinstance(p, int)]
    if error["type"] == "union_tag_invalid":
        tag = error.get("ctx", {}).get("tag", "")
        return f"unknown question type {tag!r} (expected one of {', '.join(QUESTION_TYPES)})"
    if error["type"] == "union_tag_not_found":
        return f"missing question type (expected one of {', '.join(QUESTION_TYPES)})"
    # Drop the discriminator tag pydantic adds to the location (e.g. "yes_no").
    loc = [p for p in loc if p not in QUESTION_TYPES]
    field = loc[-1] if loc else ""
    if error["type"] == "missing":
        return f"missing {field}"
    if error["type"] == "extra_forbidden":
        return f"unknown field {field!r}"
    message = error["msg"].removeprefix("Value error, ")
    return f"{field}: {message}" if field else message


def read_survey(path: Path) -> tuple[Survey | None, list[SurveyProblem]]:
    """Parse and validate one definition file."""
    name = str(path)
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, YAMLError) as error:
        return None, [SurveyProblem(name, "survey", f"cannot be read: {error}")]
    if not isinstance(raw, dict):
        return None, [SurveyProblem(name, "survey", "must be a YAML mapping")]
    overlay_problems = apply_overlays(raw, path)
    try:
        survey = Survey.model_validate(raw)
    except ValidationError as error:
        problems = [SurveyProblem(name, _where(raw, e["loc"]), _message(e)) for e in error.errors()]
        return None, list(dict.fromkeys(problems))
    problems = [SurveyProblem(name, f"question {qid}", message) for qid, message in condition_problems(survey)]
    if survey.id != path.stem:
        problems.append(SurveyProblem(name, "survey", f"id {survey.id!r} must match the file name {path.stem!r}"))
    problems += overlay_problems
    return (None if problems else survey), problems


def apply_overlays(raw: dict, path: Path) -> list[SurveyProblem]:
    """Add the text of every translation (`<locale>/<id>.yaml` beside `path`) into `raw`."""
    problems: list[SurveyProblem] = []
    for locale, overlay_path in overlay_paths(path.parent, path.stem):
        overlay, error = read_overlay(overlay_path)
        if error:
            problems.append(SurveyProblem(str(overlay_path), "survey", error))
            continue
        found = apply_overlay(raw, locale, overlay)
        problems += [SurveyProblem(str(overlay_path), item.where, item.message) for item in found]
    return problems


def check_surveys(directory: Path) -> tuple[dict[str, Survey], list[SurveyProblem]]:
    """Every definition in `directory`, and every problem found."""
    surveys: dict[str, Survey] = {}
    problems: list[SurveyProblem] = []
    files = sorted(directory.glob("*.yaml")) if directory.is_dir() else []
    if not files:
        problems.append(SurveyProblem(str(directory), "survey", "no survey definitions found"))
    for path in files:
        survey, found = read_survey(path)
        problems += found
        if survey:
            surveys[survey.id] = survey
    for orphan in orphan_overlays(directory, {path.stem for path in files}):
        problems.append(SurveyProblem(str(orphan), "survey", f"translates {orphan.stem!r}, which is not a survey here"))
    return surveys, problems


def load_surveys(directory: Path) -> dict[str, Survey]:
    """The definitions, keyed by id; raises SurveyError if any is broken."""
    surveys, problems = check_surveys(directory)
    if problems:
        raise SurveyError(problems)
    return surveys
