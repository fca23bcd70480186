"""Editing the Local Offer in the browser: revisions, proposals, approval and publishing.

A page is named `services/<slug>`, `guidance/<slug>`, `pages/<slug>`, or `glossary` (the
whole glossary). Every save is a `Revision` holding the page's whole source text, checked
with the same schema and messages as `flask content check`. A published revision overlays
the page's file in content/ (see `app.content.overlay`); `PublishedPage` says which revision
each edited page shows, and is moved only from the revision the editor started from, so a
second save against an old version is refused (`StaleRevision`) instead of overwriting.

Publishing bumps the "content" live stamp in the same transaction: every process reloads
the changed pages within seconds (`app.live`). These functions add and flush; the caller
records the audit event and commits.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from .. import live
from ..clock import utcnow
from ..extensions import db
from ..models.content import SOURCES, PublishedPage, Revision
from ..yaml_loader import YAMLError, load_yaml
from .loader import GLOSSARY_FILE, SLUG_RE, abbreviation_map, document_from_text, glossary_from_text, split_front_matter
from .problems import Problem
from .render import Renderer
from .store import ContentStore, Document

__all__ = [
    "GLOSSARY",
    "KINDS",
    "ContentInvalid",
    "Diff",
    "FieldChange",
    "LineChange",
    "Revision",
    "StaleRevision",
    "UnknownPage",
    "approve",
    "current_text",
    "diff",
    "diff_revisions",
    "history",
    "merge_fields",
    "pending_proposals",
    "preview",
    "propose_change",
    "publish_change",
    "published_revision",
    "reject",
    "restore",
    "retire",
    "save",
    "split_source",
]

#: The kinds of page staff edit one by one; the glossary is edited as one page.
KINDS = ("services", "guidance", "pages")
GLOSSARY = "glossary"
#: The live stamp every process watches for published content.
LIVE_NAME = "content"
#: `base_revision_id` meaning "whatever is published now" (callers that did not show an old version).
CURRENT: Literal["current"] = "current"
Base = int | None | Literal["current"]

_KEY_LINE = re.compile(r"^([A-Za-z_][\w-]*)\s*:")


class ContentInvalid(ValueError):
    """The text would not pass `flask content check`; `problems` say what and where."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(problem.message for problem in self.problems))


class UnknownPage(LookupError):
    """No such page, revision or proposal."""


class StaleRevision(Exception):
    """Someone published the page after this editor started: nothing was saved.

    `current` is the revision published now (None: the file in content/), `current_text`
    its text and `attempted` the text that was refused, to show the difference.
    """

    def __init__(self, page: str, current: Revision | None, current_text: str, attempted: str) -> None:
        self.page = page
        self.current = current
        self.current_text = current_text
        self.attempted = attempted
        super().__init__(f"{page} changed since this edit started")


# Names and sources ------------------------------------------------------------------------


def parse_page(page: str) -> tuple[str, str]:
    """(kind, slug) of a page name; ("glossary", "") for the glossary. UnknownPage if malformed."""
    if page == GLOSSARY:
        return GLOSSARY, ""
    kind, _, slug = page.partition("/")
    if kind not in KINDS or not SLUG_RE.match(slug):
        raise UnknownPage(page)
    return kind, slug


def _content_dir() -> Path:
    return Path(current_app.config["CONTENT_DIR"])


def _store() -> ContentStore:
    from ..services import content_store  # the store this process serves

    return content_store()


def seed_path(page: str) -> Path:
    """Where the page's file is (or would be) in content/."""
    kind, slug = parse_page(page)
    return _content_dir() / (GLOSSARY_FILE if kind == GLOSSARY else f"{kind}/{slug}.md")


def seed_text(page: str) -> str | None:
    """The page's file in content/, or None when it has none."""
    path = seed_path(page)
    try:
        return path.read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError):
        return None


def published_revision(page: str) -> Revision | None:
    """The revision the page shows now, or None when it shows its file (or does not exist)."""
    return db.session.scalar(
        select(Revision).join(PublishedPage, PublishedPage.revision_id == Revision.id).where(PublishedPage.page == page)
    )


def published_revisions(since_version: int = 0) -> dict[str, Revision]:
    """Every page's published revision published after live version `since_version`."""
    rows = db.session.scalars(
        select(Revision)
        .join(PublishedPage, PublishedPage.revision_id == Revision.id)
        .where(Revision.content_version > since_version)
    )
    return {revision.page: revision for revision in rows}


def current_text(page: str) -> str | None:
    """The source the page shows now (its published revision, else its file), or None."""
    head = published_revision(page)
    return head.text if head is not None else seed_text(page)


def is_retired(page: str) -> bool:
    head = published_revision(page)
    return bool(head and head.retired)


def revision(revision_id: int) -> Revision:
    """A revision by id, or UnknownPage."""
    found = db.session.get(Revision, revision_id)
    if found is None:
        raise UnknownPage(str(revision_id))
    return found


def history(page: str) -> list[Revision]:
    """Every revision of a page, newest first (the file in content/ comes before them all)."""
    return list(db.session.scalars(select(Revision).where(Revision.page == page).order_by(Revision.id.desc())))


def pending_proposals() -> list[Revision]:
    """Changes awaiting an officer's approval, oldest first."""
    return list(db.session.scalars(select(Revision).where(Revision.status == "proposed").order_by(Revision.id)))


def edited_pages() -> list[PublishedPage]:
    """Every page that shows a revision made in the browser."""
    return list(db.session.scalars(select(PublishedPage).order_by(PublishedPage.page)))


# Source text ------------------------------------------------------------------------------


def split_source(text: str) -> tuple[dict[str, Any], str]:
    """(front matter as written, markdown body) of a page's source; ({}, text) without front matter."""
    parts = split_front_matter(text)
    if parts is None:
        return {}, text
    try:
        data = load_yaml(parts[0])
    except YAMLError:
        return {}, parts[1]
    return (data if isinstance(data, dict) else {}), parts[1]


def _dump(key: str, value: Any) -> str:
    """`key: value` as YAML lines: lists of words in brackets, like the files in content/."""
    options: dict[str, Any] = {"sort_keys": False, "allow_unicode": True, "width": 100000}
    if isinstance(value, list | tuple) and not any(isinstance(item, dict | list | tuple) for item in value):
        return f"{key}: " + yaml.safe_dump(list(value), default_flow_style=True, **options)
    return yaml.safe_dump({key: value}, default_flow_style=False, **options)


def merge_fields(text: str | None, fields: Mapping[str, Any], body: str | None) -> str:
    """`text` with front-matter `fields` replaced (None removes one) and, unless None, a new body.

    Lines of fields that do not change are kept exactly as written.
    """
    if text is None or split_front_matter(text) is None:
        front_lines: list[str] = []
        old_body = "" if text is None else text
    else:
        lines = text.splitlines(keepends=True)
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        front_lines = lines[1:end]
        old_body = "".join(lines[end + 1 :])
    blocks: list[tuple[str | None, list[str]]] = []
    for line in front_lines:
        match = _KEY_LINE.match(line)
        if match:
            blocks.append((match.group(1), [line]))
        elif blocks:
            blocks[-1][1].append(line)
        else:
            blocks.append((None, [line]))
    remaining = dict(fields)
    out: list[str] = []
    for key, block in blocks:
        if key is not None and key in remaining:
            value = remaining.pop(key)
            if value is not None:
                out.append(_dump(key, value))
        else:
            if block and not block[-1].endswith("\n"):
                block[-1] += "\n"
            out.extend(block)
    out.extend(_dump(key, value) for key, value in remaining.items() if value is not None)
    new_body = old_body if body is None else body.replace("\r\n", "\n")
    if new_body and not new_body.endswith("\n"):
        new_body += "\n"
    return "---\n" + "".join(out) + "---\n" + new_body


# Checking ---------------------------------------------------------------------------------


def _renderer(store: ContentStore) -> Renderer:
    return Renderer(abbreviation_map(list(store.glossary)))


def preview(page: str, text: str) -> Document:
    """The page as families would see it (same checks, rendering and sanitising), or ContentInvalid."""
    kind, slug = parse_page(page)
    if kind == GLOSSARY:
        raise UnknownPage(page)
    store = _store()
    rel = f"{_content_dir().name}/{page}.md"
    doc, problems = document_from_text(
        kind, slug, text, rel, seed_path(page), _renderer(store), store.placeholders, "en", store.council
    )
    if doc is None:
        raise ContentInvalid(problems)
    return doc


def validate(page: str, text: str) -> None:
    """Raise ContentInvalid when `text` would not pass `flask content check` as this page."""
    kind, _slug = parse_page(page)
    if kind == GLOSSARY:
        _terms, problems = glossary_from_text(text, f"{_content_dir().name}/{GLOSSARY_FILE}", _store().placeholders)
        if problems:
            raise ContentInvalid(problems)
        return
    preview(page, text)


def _exists(page: str) -> bool:
    return published_revision(page) is not None or seed_path(page).is_file()


# Saving and publishing --------------------------------------------------------------------


def _head_id(page: str) -> int | None:
    return db.session.scalar(select(PublishedPage.revision_id).where(PublishedPage.page == page))


def _refuse_if_stale(page: str, base: Base, attempted: str) -> int | None:
    """The base revision id to publish on; StaleRevision when the page moved since `base`."""
    head = _head_id(page)
    if base in (CURRENT, head):
        return head
    current = published_revision(page)
    raise StaleRevision(page, current, current_text(page) or "", attempted)


def _move_head(page: str, new: Revision, base: int | None) -> None:
    """Point the page at `new`, only if it still shows `base`; bump the live stamp."""
    now = utcnow()
    if base is None:
        try:
            with db.session.begin_nested():
                db.session.add(PublishedPage(page=page, revision_id=new.id, updated_at=now))
        except IntegrityError:
            raise StaleRevision(page, published_revision(page), current_text(page) or "", new.text) from None
    else:
        moved = db.session.execute(
            update(PublishedPage)
            .where(PublishedPage.page == page, PublishedPage.revision_id == base)
            .values(revision_id=new.id, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount != 1:
            raise StaleRevision(page, published_revision(page), current_text(page) or "", new.text)
    live.bump(LIVE_NAME)
    new.content_version = live.version(LIVE_NAME)
    new.status = "published"
    new.decided_at = new.decided_at or now
    db.session.flush()


def save(
    page: str,
    text: str,
    *,
    status: str,
    note: str,
    author_id: int | None = None,
    base_revision_id: Base = CURRENT,
    source: str = "staff",
    retired: bool = False,
    reply_to: str | None = None,
    changed_fields: Sequence[str] = (),
    restored_from_id: int | None = None,
    proposal_id: int | None = None,
    decided_by_id: int | None = None,
) -> Revision:
    """Save `text` as a new revision of `page`: a draft, a proposal, or published at once.

    Raises ContentInvalid (nothing saved) when the text would not pass the content check,
    and StaleRevision when the page was published since `base_revision_id`.
    """
    parse_page(page)
    if status not in ("draft", "proposed", "published"):
        raise ValueError(f"cannot save a revision as {status!r}")
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    text = text.replace("\r\n", "\n")
    validate(page, text)
    base = _refuse_if_stale(page, base_revision_id, text)
    with db.session.begin_nested():
        new = Revision(
            page=page,
            status="draft" if status == "published" else status,
            text=text,
            retired=retired,
            base_revision_id=base,
            restored_from_id=restored_from_id,
            proposal_id=proposal_id,
            changed_fields=list(changed_fields),
            source=source,
            note=(note or "").strip(),
            author_id=author_id,
            reply_to=reply_to,
            created_at=utcnow(),
            decided_by_id=decided_by_id if status == "published" else None,
        )
        db.session.add(new)
        db.session.flush()
        if status == "published":
            _move_head(page, new, base)
    return new


def propose_change(
    page: str,
    fields: Mapping[str, Any],
    body: str | None,
    *,
    source: str,
    note: str,
    author_id: int | None = None,
    reply_to: str | None = None,
    base_revision_id: Base = CURRENT,
) -> Revision:
    """A change awaiting approval: `fields` (front-matter keys; None removes one) and, unless None, a new body.

    Raises ContentInvalid with the content check's problems when the result is not valid.
    `reply_to` is where a rejection is sent; it is never shown publicly.
    """
    return _save_fields(
        page,
        fields,
        body,
        status="proposed",
        note=note,
        author_id=author_id,
        base_revision_id=base_revision_id,
        source=source,
        reply_to=reply_to,
    )


def publish_change(
    page: str,
    fields: Mapping[str, Any],
    body: str | None,
    *,
    note: str,
    author_id: int | None = None,
    source: str = "staff",
    base_revision_id: Base = CURRENT,
) -> Revision:
    """Publish `fields` (and, unless None, a new body) on `page` at once, e.g. "still correct" dates."""
    return _save_fields(
        page,
        fields,
        body,
        status="published",
        note=note,
        author_id=author_id,
        base_revision_id=base_revision_id,
        source=source,
        decided_by_id=author_id,
    )


def _save_fields(page: str, fields: Mapping[str, Any], body: str | None, **options: Any) -> Revision:
    """`fields` (None removes one) and, unless None, a new body, merged into the page's current
    text and saved (see `save` for `options`); the glossary is not a page with fields."""
    if page == GLOSSARY:
        raise UnknownPage(page)
    changed = [*fields, *(["body"] if body is not None else [])]
    return save(page, merge_fields(current_text(page), fields, body), changed_fields=changed, **options)


def _pending(revision_id: int) -> Revision:
    found = revision(revision_id)
    if found.status not in ("proposed", "draft"):
        raise UnknownPage(str(revision_id))
    return found


def approve(
    revision_id: int,
    *,
    actor_id: int,
    fields: Mapping[str, Any] | None = None,
    body: str | None = None,
    text: str | None = None,
    note: str | None = None,
    base_revision_id: Base | Literal["proposal"] = "proposal",
) -> Revision:
    """Publish a proposal (or draft). With `fields`, `body` or a whole `text`, publish it as edited.

    An officer who edited the proposal against the version published now passes that
    version's id as `base_revision_id` (by default, the version the proposal was made on).

    Returns the published revision. StaleRevision when the page was published since the
    proposal was made (edit it from the current version instead); ContentInvalid for bad edits.
    """
    proposal = _pending(revision_id)
    now = utcnow()
    if fields is None and body is None and text is None:
        validate(proposal.page, proposal.text)
        base = _refuse_if_stale(proposal.page, proposal.base_revision_id, proposal.text)
        with db.session.begin_nested():
            proposal.decided_by_id = actor_id
            proposal.decided_at = now
            db.session.flush()
            _move_head(proposal.page, proposal, base)
        return proposal
    edited = text if text is not None else merge_fields(proposal.text, fields or {}, body)
    published = save(
        proposal.page,
        edited,
        status="published",
        note=note if note is not None else proposal.note,
        author_id=actor_id,
        base_revision_id=proposal.base_revision_id if base_revision_id == "proposal" else base_revision_id,
        source=proposal.source,
        changed_fields=proposal.changed_fields,
        retired=proposal.retired,
        proposal_id=proposal.id,
        decided_by_id=actor_id,
    )
    proposal.status = "approved"
    proposal.decided_by_id = actor_id
    proposal.decided_at = now
    db.session.flush()
    return published


def reject(revision_id: int, *, actor_id: int, reason: str) -> Revision:
    """Turn a proposal (or draft) down with a reason, emailed to the proposer (`reply_to`, else its author).

    The email goes through the notifications outbox when the caller commits. ValueError without a reason.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("a reason is required")
    proposal = _pending(revision_id)
    proposal.status = "rejected"
    proposal.reason = reason
    proposal.decided_by_id = actor_id
    proposal.decided_at = utcnow()
    db.session.flush()
    recipient = proposal.reply_to or (proposal.author.email if proposal.author is not None else None)
    if recipient:
        from ..notifications import queue_message

        front, _body = split_source(proposal.text)
        title = str(front.get("title") or proposal.page) if proposal.page != GLOSSARY else "Glossary"
        queue_message(
            "email",
            recipient,
            "content_rejected",
            personalisation={"page_title": title, "reason": reason},
            owner=("content_revision", proposal.id),
        )
    return proposal


def submit(revision_id: int, *, author_id: int | None = None) -> Revision:
    """Send a draft to the approval queue."""
    draft = revision(revision_id)
    if draft.status != "draft":
        raise UnknownPage(str(revision_id))
    draft.status = "proposed"
    db.session.flush()
    return draft


def retire(page: str, *, note: str, author_id: int | None, base_revision_id: Base = CURRENT) -> Revision:
    """Close a page: it leaves lists, search and the sitemap, and its address says it has closed."""
    kind, _slug = parse_page(page)
    text = current_text(page)
    if kind == GLOSSARY or text is None:
        raise UnknownPage(page)
    return _publish_as_is(page, text, note=note, author_id=author_id, base_revision_id=base_revision_id, retired=True)


def restore(
    page: str,
    revision_id: int | None,
    *,
    note: str,
    author_id: int | None,
    base_revision_id: Base = CURRENT,
) -> Revision:
    """Publish an old revision of `page` again (None: its file in content/) as a new revision."""
    if revision_id is None:
        text = seed_text(page)
        if text is None:
            raise UnknownPage(page)
        retired = False
    else:
        old = revision(revision_id)
        if old.page != page:
            raise UnknownPage(str(revision_id))
        text, retired = old.text, old.retired
    return _publish_as_is(
        page,
        text,
        note=note,
        author_id=author_id,
        base_revision_id=base_revision_id,
        retired=retired,
        restored_from_id=revision_id,
    )


def _publish_as_is(
    page: str, text: str, *, note: str, author_id: int | None, base_revision_id: Base, **marks: Any
) -> Revision:
    """Publish `text` for `page` at once, decided by its author (retire and restore)."""
    return save(
        page,
        text,
        status="published",
        note=note,
        author_id=author_id,
        base_revision_id=base_revision_id,
        decided_by_id=author_id,
        **marks,
    )


def create(page: str, text: str, *, status: str, note: str, author_id: int | None) -> Revision:
    """A new page; UnknownPage when one of that name already exists."""
    parse_page(page)
    if page == GLOSSARY or _exists(page):
        raise UnknownPage(page)
    return save(page, text, status=status, note=note, author_id=author_id, base_revision_id=None)


def glossary_with_term(text: str, number: int | None, item: Mapping[str, Any]) -> str:
    """The glossary's YAML with term `number` (1-based) replaced by `item`, or `item` added (None).

    Every other term keeps its lines (and comments) exactly as written.
    """
    lines = text.splitlines(keepends=True)
    starts = [index for index, line in enumerate(lines) if line.startswith("- ")]
    dumped = yaml.safe_dump([dict(item)], sort_keys=False, allow_unicode=True, width=88, default_flow_style=False)
    if number is None:
        tail = "" if not lines or lines[-1].endswith("\n") else "\n"
        return text + tail + ("\n" if text.strip() else "") + dumped
    if not 1 <= number <= len(starts):
        raise UnknownPage(f"glossary term {number}")
    start = starts[number - 1]
    end = starts[number] if number < len(starts) else len(lines)
    block = lines[start:end]
    trailing = []
    while block and not block[-1].strip():
        trailing.insert(0, block.pop())
    return "".join(lines[:start]) + dumped + "".join(trailing) + "".join(lines[end:])


def glossary_items(text: str) -> list[dict[str, Any]]:
    """The glossary's terms as written (placeholders and all)."""
    try:
        data = load_yaml(text)
    except YAMLError:
        return []
    return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []


# Differences ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    """One front-matter field (or glossary term) that differs: its value before and after, as YAML."""

    name: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class LineChange:
    """One line of a side-by-side difference: "equal", "removed", "added"."""

    tag: str
    text: str
    old_number: int | None
    new_number: int | None


@dataclass(frozen=True)
class Diff:
    fields: list[FieldChange]
    lines: list[LineChange]

    @property
    def changed(self) -> bool:
        return bool(self.fields) or any(line.tag != "equal" for line in self.lines)


def _shown(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date | str | int | float | bool):
        return str(value)
    return yaml.safe_dump(value, sort_keys=False, allow_unicode=True, default_flow_style=True, width=100000).strip()


def _glossary_terms(text: str) -> dict[str, Any]:
    try:
        data = load_yaml(text)
    except YAMLError:
        return {}
    if not isinstance(data, list):
        return {}
    return {str(item.get("term")): item for item in data if isinstance(item, dict)}


def diff(old: str | None, new: str | None, *, glossary: bool = False, context: int | None = 3) -> Diff:
    """Field by field (terms, for the glossary) and line by line, from `old` to `new`."""
    old, new = old or "", new or ""
    if glossary:
        before, after = _glossary_terms(old), _glossary_terms(new)
        old_body, new_body = old, new
    else:
        before, old_body = split_source(old)
        after, new_body = split_source(new)
    fields = [
        FieldChange(name, _shown(before.get(name)), _shown(after.get(name)))
        for name in dict.fromkeys([*before, *after])
        if before.get(name) != after.get(name)
    ]
    return Diff(fields, _line_changes(old_body.splitlines(), new_body.splitlines(), context))


def _line_changes(old: list[str], new: list[str], context: int | None) -> list[LineChange]:
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    groups = [matcher.get_opcodes()] if context is None else matcher.get_grouped_opcodes(context)
    lines: list[LineChange] = []
    for group in groups:
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [LineChange("equal", old[i], i + 1, j1 + i - i1 + 1) for i in range(i1, i2)]
                continue
            lines += [LineChange("removed", old[i], i + 1, None) for i in range(i1, i2)]
            lines += [LineChange("added", new[j], None, j + 1) for j in range(j1, j2)]
    return lines


def diff_revisions(page: str, old_id: int | None, new_id: int | None) -> Diff:
    """The difference between two revisions of `page` (None: its file in content/)."""

    def text_of(revision_id: int | None) -> str | None:
        if revision_id is None:
            return seed_text(page)
        found = revision(revision_id)
        if found.page != page:
            raise UnknownPage(str(revision_id))
        return found.text

    return diff(text_of(old_id), text_of(new_id), glossary=page == GLOSSARY)


def proposal_diff(proposal: Revision) -> Diff:
    """What a proposal changes, compared with what the page shows now."""
    return diff(current_text(proposal.page), proposal.text, glossary=proposal.page == GLOSSARY)
