"""Reads content/ from disk into a ContentStore, collecting every problem it finds."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import replace
from pathlib import Path

from pydantic import ValidationError

from .. import clock
from ..yaml_loader import MappingNode, SequenceNode, YAMLError, compose_yaml, load_yaml
from .cache import read_cached, write_cache
from .council import Council, load_council
from .placeholders import Placeholders, key_lines, load_placeholders, read_yaml
from .problems import ContentError, Problem
from .render import Renderer, slugify
from .schema import META_MODELS, GlossaryEntry, ServiceTranslation
from .store import ContentStore, Document, GlossaryTerm

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LOCALE_RE = re.compile(r"^[a-z]{2,3}$")
DOCUMENT_KINDS = tuple(META_MODELS)
GLOSSARY_FILE = "glossary.yaml"
#: content/<locale>/services.yaml: each service's title and summary in that language, by slug.
SERVICE_TITLES_FILE = "services.yaml"


FINGERPRINT_SUFFIXES = (".md", ".yaml", ".yml")


def content_fingerprint(content_dir: Path) -> str:
    """A hash of every content file's path and bytes: changes whenever content does.

    Files are taken in the order of their relative paths' parts (as sorted Paths would be),
    walked with os.scandir rather than pathlib, which took most of the time at 10,000 files.
    """
    files: list[tuple[tuple[str, ...], str]] = []
    pending: list[tuple[str, tuple[str, ...]]] = [(str(content_dir), ())]
    while pending:
        folder, parts = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir():
                    pending.append((entry.path, (*parts, entry.name)))
                elif _suffix(entry.name) in FINGERPRINT_SUFFIXES and entry.is_file():
                    files.append(((*parts, entry.name), entry.path))
    digest = hashlib.sha256()
    for parts, path in sorted(files):
        digest.update("/".join(parts).encode())
        with open(path, "rb") as handle:
            digest.update(handle.read())
    return digest.hexdigest()[:16]


def _suffix(name: str) -> str:
    """`name`'s last extension, as pathlib gives it ("" for ".hidden" and "name.")."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, body's first line number), or None without front matter."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    return None


def _key_lines(front: str) -> dict[str, int]:
    """Line number (1-based, in the file) of each top-level front-matter key."""
    try:
        node = compose_yaml(front)
    except YAMLError:
        return {}
    if not isinstance(node, MappingNode):
        return {}
    return {key.value: key.start_mark.line + 2 for key, _ in node.value}


def _validation_problems(rel: str, error: ValidationError, key_lines: dict[str, int]) -> list[Problem]:
    problems = []
    for item in error.errors():
        loc = [str(part) for part in item["loc"]]
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "missing":
            message = "is required"
        elif item["type"] == "extra_forbidden":
            message = "is not a known field"
        field = ".".join(loc)
        line = key_lines.get(loc[0], 1) if loc else 1
        problems.append(Problem(rel, line, f"{field}: {message}" if field else message))
    return problems


def _read_document(
    kind: str,
    path: Path,
    root: Path,
    renderer: Renderer,
    placeholders: Placeholders | None = None,
    locale: str = "en",
    council: Council | None = None,
) -> tuple[Document | None, list[Problem]]:
    rel = str(path.relative_to(root.parent)) if path.is_relative_to(root.parent) else str(path)
    slug = path.stem
    if not SLUG_RE.match(slug):
        return None, [Problem(rel, 1, f"file name {path.name!r} must be lowercase words joined by '-'")]
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [Problem(rel, 1, "file is not UTF-8 text")]
    return document_from_text(kind, slug, text, rel, path, renderer, placeholders, locale, council)


def document_from_text(
    kind: str,
    slug: str,
    text: str,
    rel: str,
    path: Path,
    renderer: Renderer,
    placeholders: Placeholders | None = None,
    locale: str = "en",
    council: Council | None = None,
) -> tuple[Document | None, list[Problem]]:
    """A page's source (front matter and markdown) validated and rendered, or its problems.

    `rel` names the source in problems; `path` is where the page lives (or would) in content/.
    """
    placeholders = placeholders or Placeholders()
    council = council or Council()
    unknown = placeholders.problems_in(text, rel)
    if unknown:
        return None, unknown
    parts = split_front_matter(text)
    if parts is None:
        return None, [Problem(rel, 1, "front matter missing: the file must start with '---', the fields, then '---'")]
    front, body, body_line = parts
    try:
        data = load_yaml(front)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        reason = getattr(exc, "problem", None) or "not valid YAML"
        if "{{" in front:
            reason += " (put a value that starts with a {{ placeholder }} in quotes)"
        return None, [Problem(rel, line, f"front matter is not valid YAML: {reason}")]
    if not isinstance(data, dict):
        return None, [Problem(rel, 2, "front matter must be a set of 'field: value' lines")]
    key_lines = _key_lines(front)
    if kind == "services" and isinstance(data.get("contact"), str):
        problem = _use_organisation(data, placeholders, locale)
        if problem:
            return None, [Problem(rel, key_lines.get("contact", 1), problem)]
    data = placeholders.fill_data(data, locale)
    body = placeholders.fill(body, locale)
    try:
        meta = META_MODELS[kind].model_validate(data, context={"areas": tuple(council.areas)})
    except ValidationError as exc:
        return None, _validation_problems(rel, exc, key_lines)
    if not body.strip():
        return None, [Problem(rel, body_line, "the page has no text below the front matter")]
    rendered = renderer.render(body, line_offset=body_line - 1)
    doc = Document(kind, slug, meta, rendered.html, rendered.headings, rendered.text, str(path))
    return doc, []


def _use_organisation(data: dict, placeholders: Placeholders, locale: str) -> str | None:
    """`contact: ORG` in a service: its phone, email and website (and, unless the service
    gives its own, address and hours) come from contacts.yaml. A problem, or None."""
    org = data["contact"]
    if org not in placeholders.contacts:
        return f"contact: unknown organisation {org!r} (not in contacts.yaml)"
    details = placeholders.service_contact(org, locale)
    if not details:
        return f"contact: {org!r} has no phone, email or website in contacts.yaml"
    data["contact"] = details
    for meta_field, contact_field in (("address", "address"), ("opening_times", "hours")):
        value = placeholders.contact(org, contact_field, locale)
        if meta_field not in data and value:
            data[meta_field] = value
    return None


def load_glossary(
    path: Path, root: Path, placeholders: Placeholders | None = None
) -> tuple[list[GlossaryTerm], list[Problem]]:
    rel = str(path.relative_to(root.parent))
    if not path.exists():
        return [], [Problem(rel, 1, "glossary file is missing")]
    return glossary_from_text(path.read_text(encoding="utf-8"), rel, placeholders)


def glossary_from_text(
    text: str, rel: str, placeholders: Placeholders | None = None
) -> tuple[list[GlossaryTerm], list[Problem]]:
    """The glossary's terms from its YAML source, or the problems in it (named as `rel`)."""
    placeholders = placeholders or Placeholders()
    unknown = placeholders.problems_in(text, rel)
    if unknown:
        return [], unknown
    try:
        node = compose_yaml(text)
        data = load_yaml(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return [], [Problem(rel, mark.line + 1 if mark else 1, "glossary is not valid YAML")]
    if not isinstance(data, list):
        return [], [Problem(rel, 1, "glossary must be a list of terms")]
    terms: list[GlossaryTerm] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(data):
        line = node.value[index].start_mark.line + 1 if isinstance(node, SequenceNode) else 1
        try:
            entry = GlossaryEntry.model_validate(placeholders.fill_data(item))
        except ValidationError as exc:
            problems.extend(Problem(p.path, line, p.message) for p in _validation_problems(rel, exc, {}))
            continue
        anchor = slugify(entry.abbreviation or entry.term)
        for name in (anchor, *(slugify(a) for a in entry.aliases)):
            if name in seen:
                problems.append(Problem(rel, line, f"{name!r} is already defined on line {seen[name]}"))
            seen[name] = line
        terms.append(GlossaryTerm(entry.term, anchor, entry.definition, entry.abbreviation, entry.aliases))
    return terms, problems


def abbreviation_map(terms: list[GlossaryTerm]) -> dict[str, tuple[str, str]]:
    """Abbreviations (and all-capital aliases) to (term, anchor), for <abbr> mark-up."""
    mapping: dict[str, tuple[str, str]] = {}
    for term in terms:
        for name in (term.abbreviation, *term.aliases):
            if (
                name
                and len(name) >= 2
                and name[0].isupper()
                and sum(c.isupper() for c in name) >= 2
                and " " not in name
            ):
                mapping.setdefault(name, (term.term, term.anchor))
    return mapping


def read_content(content_dir: Path) -> tuple[ContentStore | None, list[Problem]]:
    """Load everything under `content_dir`; the store is None when any file has an error."""
    placeholders, problems = load_placeholders(content_dir)
    council, council_problems = load_council(content_dir)
    problems += council_problems
    glossary, glossary_problems = load_glossary(content_dir / GLOSSARY_FILE, content_dir, placeholders)
    problems += glossary_problems
    renderer = Renderer(abbreviation_map(glossary))
    documents: dict[str, dict[str, Document]] = {kind: {} for kind in DOCUMENT_KINDS}
    for kind in DOCUMENT_KINDS:
        folder = content_dir / kind
        if not folder.is_dir():
            problems.append(Problem(f"{content_dir.name}/{kind}", 1, "folder is missing"))
            continue
        for path in sorted(folder.glob("*.md")):
            doc, found = _read_document(kind, path, content_dir, renderer, placeholders, "en", council)
            problems += found
            if doc:
                documents[kind][doc.slug] = doc
    translations, translation_problems = _read_translations(content_dir, renderer, documents, placeholders, council)
    problems += translation_problems
    if any(problem.severity == "error" for problem in problems):
        return None, sorted(problems)
    store = ContentStore.build(
        documents["services"],
        documents["guidance"],
        documents["pages"],
        glossary,
        content_fingerprint(content_dir),
        translations,
        placeholders,
        council,
    )
    return store, []


def _read_translations(
    content_dir: Path,
    renderer: Renderer,
    english: dict[str, dict[str, Document]],
    placeholders: Placeholders | None = None,
    council: Council | None = None,
) -> tuple[dict[str, dict[str, dict[str, Document]]], list[Problem]]:
    """Translated pages in content/<locale>/<kind>/<slug>.md, each of an English page."""
    translations: dict[str, dict[str, dict[str, Document]]] = {}
    problems: list[Problem] = []
    for folder in sorted(p for p in content_dir.iterdir() if p.is_dir() and LOCALE_RE.match(p.name)):
        locale = folder.name
        translations[locale] = {kind: {} for kind in DOCUMENT_KINDS}
        for kind in DOCUMENT_KINDS:
            for path in sorted((folder / kind).glob("*.md")):
                doc, found = _read_document(kind, path, content_dir, renderer, placeholders, locale, council)
                problems += found
                if doc is None:
                    continue
                original = english[kind].get(doc.slug)
                rel = str(path.relative_to(content_dir.parent))
                if original is None:
                    message = f"translates {kind}/{doc.slug}.md, which does not exist in English"
                    problems.append(Problem(rel, 1, message))
                elif kind == "guidance" and (doc.meta.section, doc.meta.order) != (
                    original.meta.section,
                    original.meta.order,
                ):
                    problems.append(Problem(rel, 1, "section and order must match the English page"))
                else:
                    translations[locale][kind][doc.slug] = doc
        titles, title_problems = _read_service_titles(
            folder / SERVICE_TITLES_FILE,
            content_dir,
            english["services"],
            translations[locale]["services"],
            locale,
            placeholders,
        )
        translations[locale]["services"].update(titles)
        problems += title_problems
    return translations, problems


def _read_service_titles(
    path: Path,
    content_dir: Path,
    english: dict[str, Document],
    translated: dict[str, Document],
    locale: str,
    placeholders: Placeholders | None = None,
) -> tuple[dict[str, Document], list[Problem]]:
    """Services whose title and summary are translated in `path` (slug: {title, summary}).

    Each becomes a Document with the English page's details and text, marked as having
    an English body, so pages say the text is not translated yet.
    """
    if not path.is_file():
        return {}, []
    rel = str(path.relative_to(content_dir.parent))
    placeholders = placeholders or Placeholders()
    data, node, problems = read_yaml(path, rel)
    if problems:
        return {}, problems
    if not isinstance(data, dict):
        return {}, [Problem(rel, 1, "must be a list of 'service-slug:' entries, each with a title and a summary")]
    lines = key_lines(node)
    found: dict[str, Document] = {}
    for slug, item in data.items():
        line = lines.get(str(slug), (1, {}))[0]
        original = english.get(str(slug))
        if original is None:
            # a service that was retired: its translated title is left out, with a warning
            problems.append(Problem(rel, line, f"{slug}: there is no service {slug}.md in English", "warning"))
            continue
        if slug in translated:
            problems.append(Problem(rel, line, f"{slug}: already translated in services/{slug}.md"))
            continue
        try:
            text = ServiceTranslation.model_validate(placeholders.fill_data(item, locale))
        except ValidationError as exc:
            problems.extend(Problem(rel, line, f"{slug}: {p.message}") for p in _validation_problems(rel, exc, {}))
            continue
        meta = original.meta.model_copy(update={"title": text.title, "summary": text.summary})
        found[str(slug)] = replace(original, meta=meta, source=str(path), body_translated=False)
    return found, problems


def load_store(content_dir: Path, cache_dir: Path | None = None) -> ContentStore:
    """The content store, or ContentError listing every file and line at fault.

    With `cache_dir`, content read before (the same files, folder and code) is taken from
    the cache there instead of being parsed again (see `app/content/cache.py`).
    """
    if cache_dir is not None:
        cached = read_cached(cache_dir, content_dir, content_fingerprint(content_dir))
        if cached is not None:
            return cached
    store, problems = read_content(content_dir)
    if store is None:
        raise ContentError(problems)
    if cache_dir is not None:
        write_cache(cache_dir, content_dir, store)
    return store


def today() -> dt.date:
    return clock.today()
