"""Translations of a survey's text, one file per language: `surveys/<locale>/<survey id>.yaml`.

An overlay names pages, questions and options by the English file's ids and values and
gives only text. At load time its text is added to the English definition's per-locale
text (`{"en": ..., "<locale>": ...}`) before the definition is validated, so a survey
with an overlay is one definition like any other. Anything the English file does not have
(an unknown question, an option value, an extra intro paragraph, a hint the English has
no hint for, a `too_long` message without `{max}`) is reported with the file and key.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..yaml_loader import YAMLError, load_yaml

#: A locale folder's name: a language code, optionally with a region or script (pt_BR, pa_Guru).
LOCALE_PATTERN = re.compile(r"^[a-z]{2,3}(?:_[A-Za-z]{2,4})?$")
SURVEY_KEYS = ("title", "name", "summary", "intro", "how_used", "pages", "questions")
PAGE_KEYS = ("heading", "hint")
QUESTION_KEYS = ("label", "hint", "options", "scale", "errors")
ERROR_KEYS = ("required", "too_long")
SCALE_POINTS = 5


@dataclass(frozen=True)
class OverlayProblem:
    """Something wrong in an overlay: where (survey, page <id>, question <id>) and which key."""

    where: str
    message: str


def overlay_paths(directory: Path, survey_id: str) -> list[tuple[str, Path]]:
    """(locale, path) for every overlay of `survey_id` in the locale folders of `directory`."""
    if not directory.is_dir():
        return []
    return [
        (folder.name, folder / f"{survey_id}.yaml")
        for folder in sorted(directory.iterdir())
        if folder.is_dir() and LOCALE_PATTERN.match(folder.name) and (folder / f"{survey_id}.yaml").is_file()
    ]


def orphan_overlays(directory: Path, survey_ids: set[str]) -> list[Path]:
    """Overlay files in locale folders that translate no English survey."""
    if not directory.is_dir():
        return []
    return [
        path
        for folder in sorted(directory.iterdir())
        if folder.is_dir() and LOCALE_PATTERN.match(folder.name)
        for path in sorted(folder.glob("*.yaml"))
        if path.stem not in survey_ids
    ]


def apply_overlay(raw: dict[str, Any], locale: str, overlay: Any) -> list[OverlayProblem]:
    """Add `overlay`'s text for `locale` into the raw English definition `raw`, in place.

    Returns every problem found; the text that could be placed is placed regardless.
    """
    merger = _Merger(locale)
    if not isinstance(overlay, dict):
        return [OverlayProblem("survey", "must be a YAML mapping")]
    if locale == "en":
        return [OverlayProblem("survey", "English is the survey file itself, not an overlay")]
    merger.unknown_keys(overlay, SURVEY_KEYS, "survey", "")
    for key in ("title", "name", "summary", "how_used"):
        if key in overlay:
            merger.text(raw, key, overlay[key], "survey", key)
    if "intro" in overlay:
        merger.intro(raw, overlay["intro"])
    pages = {page.get("id"): page for page in _dicts(raw.get("pages"))}
    questions = {q.get("id"): q for page in pages.values() for q in _dicts(page.get("questions"))}
    merger.each(overlay.get("pages"), "pages", pages, "page", merger.page)
    merger.each(overlay.get("questions"), "questions", questions, "question", merger.question)
    return merger.problems


def _dicts(value: Any) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


class _Merger:
    """Places one overlay's text, collecting problems as it goes."""

    def __init__(self, locale: str) -> None:
        self.locale = locale
        self.problems: list[OverlayProblem] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(OverlayProblem(where, message))

    def unknown_keys(self, node: dict, known: tuple[str, ...], where: str, prefix: str) -> None:
        for key in node:
            if key not in known:
                self.problem(where, f"{prefix}{key}: unknown key (expected one of {', '.join(known)})")

    def _clean(self, value: Any, where: str, key: str) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.problem(where, f"{key}: must be a non-empty string")
            return None
        return value.strip()

    def text(self, target: dict, field: str, value: Any, where: str, key: str) -> None:
        """Add the locale's text to `target[field]`, which the English must already have."""
        english = target.get(field)
        if english is None:
            self.problem(where, f"{key}: the English has no {field}, so there is nothing to translate")
            return
        cleaned = self._clean(value, where, key)
        if cleaned is not None:
            target[field] = self._with_locale(english, cleaned)

    def _with_locale(self, english: Any, text: str) -> Any:
        if isinstance(english, str):
            return {"en": english, self.locale: text}
        if isinstance(english, dict):
            return {**english, self.locale: text}
        return english  # not text: the English file's own check reports it

    def intro(self, raw: dict, value: Any) -> None:
        english = raw.get("intro")
        if not isinstance(value, list) or not isinstance(english, list):
            self.problem("survey", "intro: must be a list of paragraphs")
            return
        if len(value) != len(english):
            self.problem(
                "survey", f"intro: has {len(value)} paragraph(s) but the English has {len(english)}: keep them in step"
            )
            return
        for position, paragraph in enumerate(value):
            cleaned = self._clean(paragraph, "survey", f"intro[{position + 1}]")
            if cleaned is not None:
                english[position] = self._with_locale(english[position], cleaned)

    def each(self, value: Any, key: str, known: dict, kind: str, place: Callable[[dict, dict, str], None]) -> None:
        if value is None:
            return
        if not isinstance(value, dict):
            self.problem("survey", f"{key}: must be a mapping of {kind} ids")
            return
        for item_id, item in value.items():
            where = f"{kind} {item_id}"
            target = known.get(item_id)
            if target is None:
                self.problem(where, f"{key}.{item_id}: unknown {kind} id (not in the English survey)")
            elif not isinstance(item, dict):
                self.problem(where, f"{key}.{item_id}: must be a mapping")
            else:
                place(target, item, where)

    def page(self, target: dict, item: dict, where: str) -> None:
        self.unknown_keys(item, PAGE_KEYS, where, "")
        for field in PAGE_KEYS:
            if field in item:
                self.text(target, field, item[field], where, field)

    def question(self, target: dict, item: dict, where: str) -> None:
        self.unknown_keys(item, QUESTION_KEYS, where, "")
        for field in ("label", "hint"):
            if field in item:
                self.text(target, field, item[field], where, field)
        if "options" in item:
            self.options(target, item["options"], where)
        if "scale" in item:
            self.scale(target, item["scale"], where)
        if "errors" in item:
            self.errors(target, item["errors"], where)

    def options(self, target: dict, value: Any, where: str) -> None:
        english = {str(o.get("value")): o for o in _dicts(target.get("options"))}
        if not english:
            self.problem(where, "options: the English question has no options (its answers are built in)")
            return
        if not isinstance(value, dict):
            self.problem(where, "options: must be a mapping of option values to labels")
            return
        for option_value, text in value.items():
            key = f"options.{option_value}"
            option = english.get(str(option_value))
            if option is None:
                self.problem(where, f"{key}: unknown option value (expected one of {', '.join(english)})")
            elif isinstance(text, dict):
                self.unknown_keys(text, ("label", "hint"), where, f"{key}.")
                for field in ("label", "hint"):
                    if field in text:
                        self.text(option, field, text[field], where, f"{key}.{field}")
            else:
                self.text(option, "label", text, where, key)

    def scale(self, target: dict, value: Any, where: str) -> None:
        english = target.get("scale")
        if not isinstance(english, list):
            self.problem(where, "scale: the English question has no scale of its own")
            return
        if not isinstance(value, list) or len(value) != SCALE_POINTS:
            self.problem(where, f"scale: must list exactly {SCALE_POINTS} labels, most positive first")
            return
        for position, label in enumerate(value):
            cleaned = self._clean(label, where, f"scale[{position + 1}]")
            if cleaned is not None and position < len(english):
                english[position] = self._with_locale(english[position], cleaned)

    def errors(self, target: dict, value: Any, where: str) -> None:
        english = target.get("errors")
        if not isinstance(english, dict):
            self.problem(where, "errors: the English question has no error messages of its own")
            return
        if not isinstance(value, dict):
            self.problem(where, "errors: must be a mapping")
            return
        self.unknown_keys(value, ERROR_KEYS, where, "errors.")
        for field in ERROR_KEYS:
            if field not in value:
                continue
            text = value[field]
            if field == "too_long" and isinstance(text, str) and "{max}" not in text:
                self.problem(where, "errors.too_long: must contain {max}, the character limit")
                continue
            self.text(english, field, text, where, f"errors.{field}")


def read_overlay(path: Path) -> tuple[Any, str | None]:
    """The parsed overlay, or an explanation of why it cannot be read."""
    try:
        return load_yaml(path.read_text(encoding="utf-8")), None
    except (OSError, UnicodeDecodeError, YAMLError) as error:
        return None, f"cannot be read: {error}"
