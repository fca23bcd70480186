"""`content check`: every organisation has one phone number and one email.

contacts.yaml holds each organisation's details once. In the content:
- a phone number or email written next to an organisation's name that is not that
  organisation's is an error (it contradicts contacts.yaml);
- a service named after an organisation whose contact block gives other details is an error;
- an organisation's own phone number or email written out instead of its placeholder is a
  warning (it would not follow a change to contacts.yaml).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from .placeholders import CONTACTS_FILE, Organisation, Placeholders
from .problems import Problem
from .store import Document

#: A UK phone number as written in content: 11 digits starting with 0, spaces allowed.
PHONE_RE = re.compile(r"(?<![\w+])0(?: ?\d){10}(?!\d)")
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
SENTENCE_END_RE = re.compile(r"(?<=[.!?;])\s+")
CONTACT_PLACEHOLDER_RE = re.compile(r"\{\{\s*contact:(?P<org>[a-z0-9-]+)\.[a-z_]+\s*\}\}")


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)


def _owners(placeholders: Placeholders) -> tuple[dict[str, str], dict[str, str]]:
    """Which organisation each phone number (as digits) and email (lowercase) belongs to."""
    phones: dict[str, str] = {}
    emails: dict[str, str] = {}
    for key, org in placeholders.contacts.items():
        for value in (org.details.get("phone") or {}).values():
            phones.setdefault(_digits(value), key)
        for value in (org.details.get("email") or {}).values():
            emails.setdefault(value.lower(), key)
    return phones, emails


def _name_pattern(org: Organisation) -> re.Pattern[str]:
    names = sorted(org.names, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)", re.IGNORECASE)


def _mentions(sentence: str, patterns: dict[str, re.Pattern[str]]) -> list[tuple[int, str]]:
    """(position, organisation key) of every organisation named in the sentence."""
    found = [(m.start(), m["org"]) for m in CONTACT_PLACEHOLDER_RE.finditer(sentence)]
    plain = CONTACT_PLACEHOLDER_RE.sub(lambda m: " " * len(m.group(0)), sentence)
    for key, pattern in patterns.items():
        found += [(m.start(), key) for m in pattern.finditer(plain)]
    return sorted(found)


def _nearest(position: int, mentions: list[tuple[int, str]]) -> str | None:
    """The organisation named closest before `position` (else the first named after it)."""
    before = [key for start, key in mentions if start < position]
    if before:
        return before[-1]
    return mentions[0][1] if mentions else None


def check_contacts(documents: Iterable[Document], placeholders: Placeholders, root: Path) -> list[Problem]:
    """Problems where content disagrees with, or copies, an organisation's details."""
    if not placeholders.contacts:
        return []
    phones, emails = _owners(placeholders)
    patterns = {key: _name_pattern(org) for key, org in placeholders.contacts.items()}
    problems: list[Problem] = []
    for doc in documents:
        rel = str(doc.path.relative_to(root))
        text = doc.path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            for sentence in SENTENCE_END_RE.split(line):
                problems += _sentence_problems(sentence, rel, number, placeholders, phones, emails, patterns)
        if doc.kind == "services":
            problems += _service_problems(doc, rel, text, placeholders)
    return problems


def _sentence_problems(
    sentence: str,
    rel: str,
    line: int,
    placeholders: Placeholders,
    phones: dict[str, str],
    emails: dict[str, str],
    patterns: dict[str, re.Pattern[str]],
) -> list[Problem]:
    problems: list[Problem] = []
    found = [(m.start(), m.group(0), "phone", phones.get(_digits(m.group(0)))) for m in PHONE_RE.finditer(sentence)]
    found += [(m.start(), m.group(0), "email", emails.get(m.group(0).lower())) for m in EMAIL_RE.finditer(sentence)]
    if not found:
        return problems
    mentions = _mentions(sentence, patterns)
    for position, literal, detail, owner in found:
        named = _nearest(position, mentions)
        expected = placeholders.contact(named, detail) if named else None
        if named and owner != named and expected is not None:
            org = placeholders.contacts[named]
            problems.append(
                Problem(
                    rel,
                    line,
                    f"{literal} is not the {detail} of {org.name}: {CONTACTS_FILE} gives {expected}"
                    f" (write {{{{ contact:{named}.{detail} }}}})",
                )
            )
        elif owner is not None:
            problems.append(
                Problem(
                    rel,
                    line,
                    f"{literal} is written out: write {{{{ contact:{owner}.{detail} }}}} so it follows {CONTACTS_FILE}",
                    "warning",
                )
            )
    return problems


def _service_problems(doc: Document, rel: str, text: str, placeholders: Placeholders) -> list[Problem]:
    """A service named after an organisation must show that organisation's details."""
    title = doc.meta.title.strip().lower()
    for key, org in placeholders.contacts.items():
        if title not in (name.lower() for name in org.names):
            continue
        problems = []
        for detail in ("phone", "email"):
            given = getattr(doc.meta.contact, detail)
            expected = placeholders.contact(key, detail)
            if given and expected and _same(given, expected, detail) is False:
                line = next((n for n, t in enumerate(text.splitlines(), 1) if t.strip().startswith(f"{detail}:")), 1)
                problems.append(
                    Problem(
                        rel,
                        line,
                        f"this is {org.name}'s page but its {detail} is {given}: {CONTACTS_FILE} gives {expected}"
                        f" (write 'contact: {key}')",
                    )
                )
        return problems
    return []


def _same(given: str, expected: str, detail: str) -> bool:
    if detail == "phone":
        return _digits(given) == _digits(expected)
    return given.strip().lower() == expected.strip().lower()
