"""Placeholders in content, filled in when the content is loaded.

- `{{ contact:ORG.FIELD }}` comes from `content/contacts.yaml`: each organisation's contact
  details written once (name, phone, email, address, website, hours).
- `{{ fact:NAME }}` comes from `content/facts.yaml`: national facts (time limits, ages)
  written once.

Any value may be one text for every language, or a mapping of locale to text with at
least `en`; a language without its own text gets the English. An unknown key or a
malformed placeholder is a problem naming the file and line, and the portal will not
start with one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..yaml_loader import MappingNode, Node, YAMLError, compose_yaml, load_yaml
from .problems import Problem

CONTACTS_FILE = "contacts.yaml"
FACTS_FILE = "facts.yaml"

#: The details an organisation may have; `name` is required.
CONTACT_FIELDS = ("name", "phone", "email", "address", "website", "hours", "text_phone")
#: Details that are the same in every language: one value, never one per language.
SINGLE_VALUE_FIELDS = ("phone", "email", "website", "text_phone")
#: The details a service's `contact: ORG` takes from the organisation.
SERVICE_CONTACT_FIELDS = ("phone", "email", "website")

KEY_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
KEY_RE = re.compile(rf"^{KEY_PATTERN}$")
#: Anything between `{{` and `}}`; what is inside is checked separately.
PLACEHOLDER_RE = re.compile(r"\{\{(?P<inside>.*?)\}\}")
CONTACT_RE = re.compile(rf"^contact:(?P<org>{KEY_PATTERN})\.(?P<field>[a-z_]+)$")
FACT_RE = re.compile(rf"^fact:(?P<name>{KEY_PATTERN})$")

#: A value in each language that has one: locale -> text ("en" is always there).
Localised = Mapping[str, str]


@dataclass(frozen=True)
class Organisation:
    """One organisation's contact details, each possibly per language."""

    key: str
    details: Mapping[str, Localised]
    #: Other names the organisation goes by in text (e.g. "EDT"), used by the consistency check.
    aliases: tuple[str, ...] = ()

    def get(self, name: str, locale: str = "en") -> str | None:
        value = self.details.get(name)
        if value is None:
            return None
        return value.get(locale) or value["en"]

    @property
    def name(self) -> str:
        return self.details["name"]["en"]

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the organisation is known by, in any language."""
        return tuple(dict.fromkeys([*self.details["name"].values(), *self.aliases]))


@dataclass(frozen=True)
class Placeholders:
    """The contacts and facts that placeholders refer to."""

    contacts: Mapping[str, Organisation] = field(default_factory=dict)
    facts: Mapping[str, Localised] = field(default_factory=dict)

    def contact(self, org: str, name: str, locale: str = "en") -> str | None:
        """An organisation's detail in `locale` (English when it has none in that language)."""
        organisation = self.contacts.get(org)
        return organisation.get(name, locale) if organisation else None

    def fact(self, name: str, locale: str = "en") -> str | None:
        value = self.facts.get(name)
        return (value.get(locale) or value["en"]) if value else None

    def resolve(self, inside: str, locale: str = "en") -> str | None:
        """The text for what is inside `{{ }}`, or None when it names nothing known."""
        inside = inside.strip()
        if match := CONTACT_RE.match(inside):
            return self.contact(match["org"], match["field"], locale)
        if match := FACT_RE.match(inside):
            return self.fact(match["name"], locale)
        return None

    def why_unknown(self, inside: str) -> str | None:
        """Why a placeholder cannot be filled, or None when it can."""
        text = inside.strip()
        if match := CONTACT_RE.match(text):
            org, name = match["org"], match["field"]
            if org not in self.contacts:
                return f"unknown organisation {org!r} in {{{{ {text} }}}} (not in {CONTACTS_FILE})"
            if self.contacts[org].get(name) is None:
                known = ", ".join(k for k in CONTACT_FIELDS if self.contacts[org].get(k))
                return f"{org!r} has no {name!r} in {CONTACTS_FILE} (it has: {known})"
            return None
        if match := FACT_RE.match(text):
            if match["name"] not in self.facts:
                return f"unknown fact {match['name']!r} in {{{{ {text} }}}} (not in {FACTS_FILE})"
            return None
        if text.startswith("contact:"):
            example = "{{ contact:sendiass.phone }}"
            return f"{{{{ {text} }}}} must be {{{{ contact:ORGANISATION.FIELD }}}}, e.g. {example}"
        return f"{{{{ {text} }}}} is not a placeholder: use {{{{ contact:ORGANISATION.FIELD }}}} or {{{{ fact:NAME }}}}"

    def problems_in(self, text: str, path: str, first_line: int = 1) -> list[Problem]:
        """Every unknown or malformed placeholder in `text`, by line."""
        problems = []
        for number, line in enumerate(text.splitlines(), start=first_line):
            for match in PLACEHOLDER_RE.finditer(line):
                reason = self.why_unknown(match["inside"])
                if reason:
                    problems.append(Problem(path, number, reason))
            if "{{" in PLACEHOLDER_RE.sub("", line):
                problems.append(Problem(path, number, "'{{' is not closed with '}}' on the same line"))
        return problems

    def fill(self, text: str, locale: str = "en") -> str:
        """`text` with every known placeholder replaced (unknown ones are left as written)."""
        if "{{" not in text:
            return text

        def replace(match: re.Match[str]) -> str:
            value = self.resolve(match["inside"], locale)
            return match.group(0) if value is None else value

        return PLACEHOLDER_RE.sub(replace, text)

    def fill_data(self, data: Any, locale: str = "en") -> Any:
        """Front matter with placeholders filled in every text value, however deeply nested."""
        if isinstance(data, str):
            return self.fill(data, locale)
        if isinstance(data, list):
            return [self.fill_data(item, locale) for item in data]
        if isinstance(data, dict):
            return {key: self.fill_data(value, locale) for key, value in data.items()}
        return data

    def service_contact(self, org: str, locale: str = "en") -> dict[str, str]:
        """A service's `contact:` block taken from an organisation (`contact: ORG`)."""
        return {
            name: value for name in SERVICE_CONTACT_FIELDS if (value := self.contact(org, name, locale)) is not None
        }


def localised_value(value: Any) -> Localised | str:
    """A value as {locale: text}, or a message saying why it cannot be one."""
    if isinstance(value, bool) or value is None:
        return "must be text (put it in quotes if it is yes, no, true or false)"
    if isinstance(value, int | float | str):
        text = str(value).strip()
        return MappingProxyType({"en": text}) if text else "must not be empty"
    if isinstance(value, dict):
        if "en" not in value:
            return "a value given per language must include 'en'"
        out: dict[str, str] = {}
        for locale, text in value.items():
            if not isinstance(locale, str) or not re.fullmatch(r"[a-z]{2,3}", locale):
                return f"{locale!r} is not a language code such as en or pl"
            if isinstance(text, bool) or not isinstance(text, int | float | str) or not str(text).strip():
                return f"the {locale!r} text must be non-empty text"
            out[locale] = str(text).strip()
        return MappingProxyType(out)
    return "must be text, or a mapping of language code to text"


def read_yaml(path: Path, rel: str) -> tuple[Any, Node | None, list[Problem]]:
    try:
        text = path.read_text(encoding="utf-8")
        return load_yaml(text), compose_yaml(text), []
    except UnicodeDecodeError:
        return None, None, [Problem(rel, 1, "file is not UTF-8 text")]
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or "not valid YAML"
        return None, None, [Problem(rel, mark.line + 1 if mark else 1, f"not valid YAML: {reason}")]


def key_lines(node: Node | None) -> dict[str, tuple[int, dict[str, int]]]:
    """Line of each top-level key, and of each key one level below it."""
    lines: dict[str, tuple[int, dict[str, int]]] = {}
    if not isinstance(node, MappingNode):
        return lines
    for key, value in node.value:
        inner = {k.value: k.start_mark.line + 1 for k, _ in value.value} if isinstance(value, MappingNode) else {}
        lines[str(key.value)] = (key.start_mark.line + 1, inner)
    return lines


def _read_mapping(
    path: Path, rel: str, shape: str
) -> tuple[dict | None, dict[str, tuple[int, dict[str, int]]], list[Problem]]:
    """A YAML file that must be a mapping: (data, line of each key, problems); data is None when
    there is nothing to read (no file, an empty file) or the file has a problem."""
    if not path.exists():
        return None, {}, []
    data, node, problems = read_yaml(path, rel)
    if problems or data is None:
        return None, {}, problems
    if not isinstance(data, dict):
        return None, {}, [Problem(rel, 1, shape)]
    return data, key_lines(node), []


def load_contacts(path: Path, rel: str) -> tuple[dict[str, Organisation], list[Problem]]:
    """Organisations from contacts.yaml; a missing file means there are none."""
    shape = "must be a set of 'organisation-key:' entries, each with its details"
    data, lines, problems = _read_mapping(path, rel, shape)
    if data is None:
        return {}, problems
    organisations: dict[str, Organisation] = {}
    for key, entry in data.items():
        line, field_lines = lines.get(str(key), (1, {}))
        if not isinstance(key, str) or not KEY_RE.match(key):
            problems.append(Problem(rel, line, f"organisation key {key!r} must be lowercase words joined by '-'"))
            continue
        if not isinstance(entry, dict):
            problems.append(Problem(rel, line, f"{key}: give the organisation's details (name, phone, email ...)"))
            continue
        details: dict[str, Localised] = {}
        aliases: tuple[str, ...] = ()
        for name, value in entry.items():
            where = field_lines.get(str(name), line)
            if name == "aliases":
                if not isinstance(value, list) or not all(isinstance(a, str) and a.strip() for a in value):
                    problems.append(Problem(rel, where, f"{key}.aliases must be a list of names"))
                else:
                    aliases = tuple(a.strip() for a in value)
                continue
            if name not in CONTACT_FIELDS:
                allowed = ", ".join((*CONTACT_FIELDS, "aliases"))
                problems.append(Problem(rel, where, f"{key}.{name} is not a known field (use: {allowed})"))
                continue
            localised = localised_value(value)
            if isinstance(localised, str):
                problems.append(Problem(rel, where, f"{key}.{name} {localised}"))
            elif name in SINGLE_VALUE_FIELDS and isinstance(value, dict):
                message = f"{key}.{name} is the same in every language: give one value, not one per language"
                problems.append(Problem(rel, where, message))
            else:
                details[name] = localised
        if "name" not in entry:
            problems.append(Problem(rel, line, f"{key}.name is required"))
        elif "name" in details:
            organisations[key] = Organisation(key, MappingProxyType(details), aliases)
    return organisations, problems


def load_facts(path: Path, rel: str) -> tuple[dict[str, Localised], list[Problem]]:
    """Named facts from facts.yaml; a missing file means there are none."""
    data, lines, problems = _read_mapping(path, rel, "must be a set of 'fact-name: value' lines")
    if data is None:
        return {}, problems
    facts: dict[str, Localised] = {}
    for name, value in data.items():
        line = lines.get(str(name), (1, {}))[0]
        if not isinstance(name, str) or not KEY_RE.match(name):
            problems.append(Problem(rel, line, f"fact name {name!r} must be lowercase words joined by '-'"))
            continue
        localised = localised_value(value)
        if isinstance(localised, str):
            problems.append(Problem(rel, line, f"{name} {localised}"))
        else:
            facts[name] = localised
    return facts, problems


def load_placeholders(content_dir: Path) -> tuple[Placeholders, list[Problem]]:
    """Contacts and facts from `content_dir`, and every problem in their files."""
    prefix = content_dir.name
    contacts, contact_problems = load_contacts(content_dir / CONTACTS_FILE, f"{prefix}/{CONTACTS_FILE}")
    facts, fact_problems = load_facts(content_dir / FACTS_FILE, f"{prefix}/{FACTS_FILE}")
    placeholders = Placeholders(MappingProxyType(contacts), MappingProxyType(facts))
    return placeholders, [*contact_problems, *fact_problems]
