"""Redaction of personal details before any comment is quoted on screen, in an export or in a report.

Removes email addresses, web addresses, UK phone numbers, postcodes, plan references (the
council's case numbers, such as AB-2026-00123, as used on survey invitations) and personal
names where they can be detected: after a title ("Mrs Patel"), after words that introduce a
name ("my son is called Ayaan", "our caseworker Sarah"), and common first names written with
a capital letter (data/first_names.txt), with a following capitalised surname.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from . import DATA_DIR

#: What each kind of detail is replaced with.
PLACEHOLDERS = {
    "email": "[email]",
    "url": "[web address]",
    "reference": "[plan reference]",
    "phone": "[phone number]",
    "postcode": "[postcode]",
    "name": "[name]",
}

EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
URL = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"']+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:co\.uk|org\.uk|gov\.uk|com|org|net|uk)(?:/[^\s<>\"']*)?",
    re.I,
)
#: The shape of the council's plan references (letters, year, number: AB-2026-00123).
PLAN_REFERENCE = re.compile(r"\b[A-Z]{2,4}[-/]?\d{2,4}[-/]\d{3,6}\b")
#: Any code with a digit written after words that introduce a case or plan number.
INTRODUCED_REFERENCE = re.compile(
    r"\b(?:plan|case|EHCP|EHC|ref|reference)\s*(?:ref(?:erence)?|no|number|num|id)?\.?\s*[:#]?\s*"
    r"(?P<ref>(?=[A-Za-z/_-]*\d)[A-Za-z0-9][A-Za-z0-9/_-]{3,39})",
    re.I,
)
PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)44[\s-]?(?:\(0\)[\s-]?)?|\(?0)(?:\d[\s)-]{0,2}){8,9}\d(?!\w)")
POSTCODE = re.compile(r"\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-HJKPSTUW\d]?|GIR)\s?\d[ABD-HJLNP-UW-Z]{2}\b", re.I)

_CAPITALISED = r"[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?"
#: Capitalised words that are not names, so "my son I think" or "Sarah And" are left alone.
NOT_NAMES = frozenset(
    """I A An The He She They We It Its His Her Their Our My Me Us You Your And But Or So If As At In On Of To For
    From With By Is Was Has Had Have Who Which What When Where Why How This That These Those Then There Here Also
    Not No Yes All Any Some Very Just Still Now After Before Since Because Although However Mum Dad Mr Mrs Ms Miss
    Dr Council School College SEN SEND EHC EHCP Year Monday Tuesday Wednesday Thursday Friday Saturday Sunday
    January February March April June July August September October November December""".split()  # noqa: SIM905
)
TITLED = re.compile(rf"\b(?P<title>(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?)\s+(?P<name>{_CAPITALISED}(?:\s+{_CAPITALISED})?)")
INTRODUCED_NAME = re.compile(
    r"\b(?i:(?:my|our|her|his|their)\s+(?:(?:\d+|\w+)\s+year\s+old\s+)?"
    r"(?:son|daughter|child|boy|girl|grandson|granddaughter|stepson|stepdaughter|twin|twins|kids?|children"
    r"|caseworker|case worker|case officer|social worker|senco|sendco|key worker|teacher|worker|officer|support worker)"
    r"(?:,)?(?:\s+(?:is|was)\s+called|\s+called|\s+named)?"
    r"|(?:is|was)\s+called|\bnamed|\bname\s+is|\bname\s+was)"
    rf"\s+(?P<name>{_CAPITALISED}(?:\s+{_CAPITALISED})?)"
)


@dataclass(frozen=True, slots=True)
class Redacted:
    """A redacted text and how many details of each kind were removed."""

    text: str
    found: Counter[str] = field(default_factory=Counter)


def _names_pattern(names: list[str]) -> re.Pattern[str]:
    alternatives = "|".join(sorted((re.escape(n) for n in names), key=len, reverse=True))
    return re.compile(rf"\b(?P<name>(?:{alternatives})(?:\s+{_CAPITALISED})?)\b")


class Redactor:
    """Applies every rule in a safe order (emails before web addresses, references before phone numbers)."""

    def __init__(self, names_file: Path = DATA_DIR / "first_names.txt") -> None:
        lines = names_file.read_text(encoding="utf-8").splitlines()
        names = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
        self._first_names = _names_pattern(names)

    def redact(self, text: str) -> Redacted:
        """Replace every detected personal detail with a placeholder such as "[email]"."""
        found: Counter[str] = Counter()

        def whole(kind: str):
            def replace(match: re.Match[str]) -> str:
                found[kind] += 1
                return PLACEHOLDERS[kind]

            return replace

        text = EMAIL.sub(whole("email"), text)
        text = URL.sub(whole("url"), text)
        text = PLAN_REFERENCE.sub(whole("reference"), text)
        text = INTRODUCED_REFERENCE.sub(lambda m: _replace_group(m, "ref", "reference", found), text)
        text = PHONE.sub(whole("phone"), text)
        text = POSTCODE.sub(whole("postcode"), text)
        text = TITLED.sub(lambda m: _replace_name(m, found), text)
        text = INTRODUCED_NAME.sub(lambda m: _replace_name(m, found), text)
        text = self._first_names.sub(lambda m: _replace_name(m, found), text)
        return Redacted(text, found)


def _replace_group(match: re.Match[str], group: str, kind: str, found: Counter[str]) -> str:
    start, end = match.span(group)
    found[kind] += 1
    whole = match.group(0)
    offset = match.start()
    return whole[: start - offset] + PLACEHOLDERS[kind] + whole[end - offset :]


def _replace_name(match: re.Match[str], found: Counter[str]) -> str:
    """Replace the name group, keeping a trailing word that is not a name ("Sarah And ...")."""
    words = match.group("name").split()
    if words[0] in NOT_NAMES:
        return match.group(0)
    kept = words[1:] if len(words) > 1 and words[1] in NOT_NAMES else []
    name_end = match.end("name") - (len(" ".join(kept)) + 1 if kept else 0)
    found["name"] += 1
    start = match.start()
    whole = match.group(0)
    replaced = whole[: match.start("name") - start] + PLACEHOLDERS["name"] + whole[name_end - start :]
    return replaced


@lru_cache(maxsize=1)
def redactor() -> Redactor:
    """The shared redactor (the names list is loaded once per process)."""
    return Redactor()


def redact(text: str) -> str:
    """`text` with personal details replaced by placeholders."""
    return redactor().redact(text).text
