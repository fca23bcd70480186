"""Personal details out of free text: the one set of patterns the portal uses.

Two uses, one set of patterns:

- `scrub()` when free text is stored (survey answers, page feedback): email addresses, web
  addresses, plan references, NHS and National Insurance numbers, dates of birth, phone
  numbers (UK, and international such as +48 601 234 567 or 0040 721 234 567), street
  addresses and postcodes. These are unambiguous, so removing them loses nothing.
- `redact()` before any comment is quoted on screen, in an export or in a report: all of the
  above, plus personal names where they can be detected: after a title ("Mrs Patel"), after
  words that introduce a name ("my son is called Ayaan", "our caseworker Sarah"), and common
  first names written with a capital letter (data/first_names.txt), with a following
  capitalised surname. Names are left to this second step because guessing them can be
  wrong, and an officer reads every comment before it is quoted.

Ordinary numbers ("20 weeks", "Year 11", "3 times", the date of a meeting) are left alone:
a date is removed only when it is said to be a date of birth.
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
    "nhs": "[NHS number]",
    "ni": "[National Insurance number]",
    "birth": "[date of birth]",
    "address": "[address]",
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
#: Phone numbers: international (+44, +48, 0040 ...), national with a leading 0 (UK, Romanian),
#: and nine digits in threes (Polish mobiles); spaces, dots, dashes and brackets allowed.
PHONE = re.compile(
    r"(?<![\w+/])(?:"
    r"(?:\+|00)\s?[1-9]\d{0,2}(?:[\s.-]?\(0\))?(?:[\s.-]?\(?\d\)?){7,12}"
    r"|\(?0\d{2,4}\)?(?:[\s.-]?\d){6,8}"
    r"|\d{3}[\s.-]\d{3}[\s.-]\d{3}"
    r")(?![\w/])"
)
#: NHS numbers: ten digits, written 3-3-4 or run together (a phone number would start with 0),
#: or any digits after "NHS number".
NHS_NUMBER = re.compile(
    r"\bNHS\s*(?:no\.?|number|num|#)?\s*[:#]?\s*(?P<number>\d(?:[\s-]?\d){9})\b"
    r"|(?<![\w+])(?P<plain>[1-9]\d{2}[\s-]\d{3}[\s-]\d{4}|[1-9]\d{9})(?![\w])",
    re.I,
)
#: National Insurance numbers, such as QQ 12 34 56 C.
NI_NUMBER = re.compile(r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", re.I)
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = (
    rf"(?:{_DAY}(?:\s+of)?[\s./-]+(?:\d{{1,2}}|{_MONTH})\.?,?[\s./-]+\d{{2,4}}"
    rf"|{_MONTH}\s+{_DAY},?\s+\d{{4}}"
    rf"|{_MONTH}\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2})"
)
#: A date said to be a date of birth ("DOB 03/04/2015", "born on 3rd March 2015").
BIRTH_DATE = re.compile(
    r"\b(?:date\s+of\s+birth|birth\s*date|d\.?o\.?b\.?|born(?:\s+(?:on|in))?|birthday(?:\s+is)?)"
    rf"\s*(?:is|was)?\s*[:-]?\s*(?:the\s+)?(?P<date>{_DATE})",
    re.I,
)
_STREET_TYPES = (
    r"(?:Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Close|Cl|Drive|Dr|Way|Crescent|Cres|Court|Ct|Place|Pl|Gardens|Gdns"
    r"|Terrace|Grove|Hill|Square|Sq|Walk|Mews|Rise|View|Row|Parade|Green|Park|Vale|Fold|Croft|Wharf|Chase|Hollow)"
)
#: A street address: a house number (or flat and number), capitalised words and a street type.
ADDRESS = re.compile(
    r"\b(?:(?:Flat|Apartment|Apt|Unit)\s+\d+[A-Za-z]?,?\s+)?\d{1,4}[A-Za-z]?,?\s+"
    rf"(?:[A-Z][a-z'’-]+\s+){{1,3}}{_STREET_TYPES}\b\.?"
    r"|(?<!email )(?<!e-mail )(?<!web )\b(?i:address\s+is)\s+(?P<after>(?!\[)[^.\n;]+)"
)
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
        text = _details(text, found)
        text = TITLED.sub(lambda m: _replace_name(m, found), text)
        text = INTRODUCED_NAME.sub(lambda m: _replace_name(m, found), text)
        text = self._first_names.sub(lambda m: _replace_name(m, found), text)
        return Redacted(text, found)


def _details(text: str, found: Counter[str]) -> str:
    """Everything but names, in a safe order (emails before web addresses, references and NHS
    numbers before phone numbers, addresses before postcodes)."""

    def whole(kind: str):
        def replace(match: re.Match[str]) -> str:
            found[kind] += 1
            return PLACEHOLDERS[kind]

        return replace

    def nhs(match: re.Match[str]) -> str:
        return _replace_group(match, "number" if match.group("number") else "plain", "nhs", found)

    def address(match: re.Match[str]) -> str:
        if match.group("after"):
            return _replace_group(match, "after", "address", found)
        found["address"] += 1
        return PLACEHOLDERS["address"]

    text = EMAIL.sub(whole("email"), text)
    text = URL.sub(whole("url"), text)
    text = PLAN_REFERENCE.sub(whole("reference"), text)
    text = INTRODUCED_REFERENCE.sub(lambda m: _replace_group(m, "ref", "reference", found), text)
    text = NHS_NUMBER.sub(nhs, text)
    text = NI_NUMBER.sub(whole("ni"), text)
    text = BIRTH_DATE.sub(lambda m: _replace_group(m, "date", "birth", found), text)
    text = PHONE.sub(whole("phone"), text)
    text = ADDRESS.sub(address, text)
    return POSTCODE.sub(whole("postcode"), text)


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
    """`text` with personal details, names included, replaced by placeholders (before quoting)."""
    return redactor().redact(text).text


def scrub(text: str) -> str:
    """`text` with every personal detail but names replaced by placeholders (when it is stored)."""
    return _details(text, Counter())
