"""`flask content check`: every problem in the content, with file and line."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path

from .contact_check import check_contacts
from .council import COUNCIL_FILE
from .loader import GLOSSARY_FILE, Problem, read_content
from .schema import CATEGORIES
from .store import ContentStore

#: Abbreviations that are everyday English or national names, not SEND jargon.
EVERYDAY_ABBREVIATIONS = frozenset(
    [
        "UK",
        "NHS",
        "GP",
        "DWP",
        "DFE",
        "ICO",
        "EASS",
        "WCAG",
        "GDPR",
        "PDF",
        "SMS",
        "BSL",
        "OK",
        "TV",
        "PE",
        "IT",
        "ICT",
        "CV",
        "ID",
        "AM",
        "PM",
        "BST",
        "GCSE",
        "GCSEs",
        "BTEC",
        "BTECs",
        "EHRC",
        "A",
        "AA",
        "I",
        "ESOL",
        "MP",
        "DBS",
        "PA",
        "NI",
        "HM",
        "WIFI",
        "USB",
        "FAQ",
        "PIN",
        "QR",
        "RE",
        "ENT",
        "A&E",
        "NHSE",
        "UCAS",
        "STEM",
        "KS",
        "KS1",
        "KS2",
        "KS3",
        "KS4",
        "YMCA",
        "LGBTQ",
    ]
)
#: Paths the content itself defines, valid even before the web layer is asked.
CONTENT_PATHS = frozenset({"/", "/services", "/guidance", "/glossary"} | {f"/categories/{key}" for key in CATEGORIES})
ACRONYM_RE = re.compile(r"\b[A-Z][A-Za-z]*[A-Z]\b")


def check_content(content_dir: Path, today: dt.date, site_paths: Iterable[str] = ()) -> list[Problem]:
    """Problems that stop the site starting, then warnings (links, review dates, jargon)."""
    store, problems = read_content(content_dir)
    if store is None:
        return problems
    return sorted(check_store(store, content_dir, today, set(site_paths)))


def check_store(store: ContentStore, content_dir: Path, today: dt.date, site_paths: set[str]) -> list[Problem]:
    problems: list[Problem] = []
    root = content_dir.parent
    known = set(site_paths) | {doc.url for doc in store.documents()} | CONTENT_PATHS
    anchors = {term.anchor for term in store.glossary}
    defined = {name for term in store.glossary for name in term.names}
    translated = [doc for kinds in store.translations.values() for docs in kinds.values() for doc in docs.values()]
    for doc in [*store.documents(), *translated]:
        rel = str(doc.path.relative_to(root))
        text = doc.path.read_text(encoding="utf-8")
        for href, line in _links(text):
            problem = _link_problem(href, known, anchors, store)
            if problem:
                problems.append(Problem(rel, line, problem))
        if doc.is_past_review(today):
            problems.append(
                Problem(
                    rel, _line_of(text, "review_due:"), f"review_due {doc.meta.review_due} is in the past", "warning"
                )
            )
        if doc.kind == "guidance":
            for slug in doc.meta.related:
                if store.lookup(slug) is None:
                    problems.append(Problem(rel, _line_of(text, "related:"), f"related page {slug!r} does not exist"))
        for number, line_text in enumerate(text.splitlines(), start=1):
            for word in ACRONYM_RE.findall(line_text):
                if word not in defined and word not in EVERYDAY_ABBREVIATIONS and not _in_url(line_text, word):
                    problems.append(Problem(rel, number, f"{word!r} looks like jargon but is not in {GLOSSARY_FILE}"))
    problems += check_contacts([*store.documents(), *translated], store.placeholders, root)
    for name, path in store.council.pages.items():
        problem = _link_problem(path, known, anchors, store)
        if problem:
            problems.append(Problem(f"{content_dir.name}/{COUNCIL_FILE}", 1, f"pages.{name}: {problem}"))
    return problems


def _links(text: str) -> list[tuple[str, int]]:
    return [
        (match.group(1), text.count("\n", 0, match.start()) + 1)
        for match in re.finditer(r"\]\((\S+?)(?:\s+\"[^\"]*\")?\)", text)
    ]


def _link_problem(href: str, known: set[str], anchors: set[str], store: ContentStore) -> str | None:
    if not href.startswith("/"):
        return None
    path, _, anchor = href.partition("#")
    path = path.rstrip("/") or "/"
    if path not in known:
        return f"link to {href} goes to a page that does not exist"
    if anchor and path == "/glossary" and anchor not in anchors:
        return f"link to {href}: no glossary term has the anchor {anchor!r}"
    if anchor and path != "/glossary":
        doc = next((d for d in store.documents() if d.url == path), None)
        if doc and anchor not in {h.id for h in doc.headings}:
            return f"link to {href}: that page has no heading with the anchor {anchor!r}"
    return None


def _line_of(text: str, prefix: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(prefix):
            return number
    return 1


def _in_url(line: str, word: str) -> bool:
    return any(word in url for url in re.findall(r"\S*[/@]\S*", line))
