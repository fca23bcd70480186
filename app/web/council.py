"""What templates know about the council: each organisation's contact details, in the reader's language."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app
from flask_babel import get_locale

from ..content import ContentError, ContentStore, Problem
from ..content.placeholders import CONTACTS_FILE

#: Organisations and details the interface itself shows (footer, error and survey pages).
REQUIRED_CONTACTS: dict[str, tuple[str, ...]] = {
    "council": ("name",),
    "local-offer-team": ("name", "phone", "email"),
    "sendiass": ("name",),
}


def _language() -> str:
    locale = get_locale()
    return locale.language if locale else "en"


def contact(org: str, detail: str) -> str:
    """An organisation's detail from contacts.yaml, in the reader's language."""
    store: ContentStore = current_app.extensions["content"]
    value = store.placeholders.contact(org, detail, _language())
    if value is None:
        raise LookupError(f"{CONTACTS_FILE} has no {detail!r} for {org!r}")
    return value


def missing_contacts(store: ContentStore, content_dir_name: str) -> list[Problem]:
    """A problem for each organisation or detail the interface needs but contacts.yaml lacks."""
    problems = []
    for org, details in REQUIRED_CONTACTS.items():
        for detail in details:
            if store.placeholders.contact(org, detail) is None:
                message = f"the portal needs {org}.{detail} (shown on every page): add it"
                problems.append(Problem(f"{content_dir_name}/{CONTACTS_FILE}", 1, message))
    return problems


def register_council(app: Flask) -> None:
    """Check contacts.yaml has what the interface shows, and give templates `contact()`."""
    store: ContentStore = app.extensions["content"]
    problems = missing_contacts(store, Path(app.config["CONTENT_DIR"]).name)
    if problems:
        raise ContentError(problems)
    app.jinja_env.globals["contact"] = contact
