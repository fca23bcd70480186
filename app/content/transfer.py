"""`flask content export` and `flask content import`: the published Local Offer as markdown files.

Export copies the content folder and writes each page edited in the browser over its file
(a page nobody edited comes out byte for byte as it went in; a closed page, and its
translations, are left out). It also writes `.published.json`, naming the version of each
page it wrote, so a later import knows what the folder started from.

Import publishes every page of a folder that differs from what is published, unless the
page was changed in the browser since the folder's version: those are reported as
conflicts and left alone. Nothing is published when any page fails the content check.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from . import editing
from .editing import GLOSSARY, KINDS, ContentInvalid
from .loader import GLOSSARY_FILE, LOCALE_RE, SLUG_RE
from .problems import Problem

#: In an exported folder: page name -> the revision id written (null: the original file).
MANIFEST = ".published.json"


def export_content(content_dir: Path, target: Path) -> list[str]:
    """Write the published Local Offer into `target` (new or empty); the pages that differ from content/."""
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"{target} is not empty")
    shutil.copytree(content_dir, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(MANIFEST))
    written: list[str] = []
    manifest: dict[str, int | None] = {}
    for row in editing.edited_pages():
        revision = row.revision
        path = target / (GLOSSARY_FILE if row.page == GLOSSARY else f"{row.page}.md")
        manifest[row.page] = revision.id
        if revision.retired:
            path.unlink(missing_ok=True)
            for locale in (p for p in target.iterdir() if p.is_dir() and LOCALE_RE.match(p.name)):
                (locale / f"{row.page}.md").unlink(missing_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(revision.text, encoding="utf-8", newline="\n")
        written.append(row.page)
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return written


@dataclass
class ImportPlan:
    """What importing a folder would do, page by page."""

    publish: dict[str, tuple[str, int | None]] = field(default_factory=dict)  # page -> (text, base)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[tuple[str, editing.Revision]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _folder_pages(source: Path) -> dict[str, Path]:
    pages = {f"{kind}/{path.stem}": path for kind in KINDS for path in sorted((source / kind).glob("*.md"))}
    if (source / GLOSSARY_FILE).is_file():
        pages[GLOSSARY] = source / GLOSSARY_FILE
    return pages


def plan_import(source: Path) -> ImportPlan:
    """Compare the folder `source` with what is published; check every changed page."""
    plan = ImportPlan()
    try:
        started_from: dict[str, int | None] = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        started_from = {}
    for page, path in _folder_pages(source).items():
        if page != GLOSSARY and not SLUG_RE.match(path.stem):
            plan.problems.append(Problem(str(path), 1, "file name must be lowercase words joined by '-'"))
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            plan.problems.append(Problem(str(path), 1, "file is not UTF-8 text"))
            continue
        head = editing.published_revision(page)
        current = editing.current_text(page)
        if text == current and not (head and head.retired):
            plan.unchanged.append(page)
            continue
        if head is not None and head.id != started_from.get(page):  # changed in the browser since
            plan.conflicts.append((page, head))
            continue
        base = head.id if head is not None else None
        try:
            editing.validate(page, text)
        except ContentInvalid as invalid:
            plan.problems += [Problem(str(path), p.line, p.message) for p in invalid.problems]
            continue
        plan.publish[page] = (text, base)
    return plan


def apply_import(plan: ImportPlan, *, note: str, author_id: int | None = None) -> list[editing.Revision]:
    """Publish the plan's pages (the caller audits and commits); nothing when it has problems."""
    if plan.problems:
        raise ContentInvalid(plan.problems)
    return [
        editing.save(page, text, status="published", note=note, author_id=author_id, base_revision_id=base)
        for page, (text, base) in sorted(plan.publish.items())
    ]
