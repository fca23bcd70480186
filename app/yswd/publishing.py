"""The publishing workflow for entries and news posts: save, publish, schedule, archive.

Every save of an entry keeps a revision. Markdown is rendered and sanitised here, once
per save, and the HTML is stored. These functions add and flush; the view that calls
them records the audit event (`audit_action()` names it) and commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, extract, func, select

from ..content.render import Renderer
from ..extensions import db
from ..models.staff import User, utcnow
from ..models.yswd import Entry, EntryRevision, EntryUpdate, NewsPost
from .themes import ENTRY_THEMES, NEWS_KINDS, STATUSES

_PLAIN = Renderer()


def render_markdown(source: str, renderer: Renderer | None = None) -> str:
    """Markdown to sanitised HTML (raw HTML in the source is escaped, then nh3 cleans the result).

    Pass the renderer built with the glossary's abbreviations to mark them up with <abbr>.
    """
    return (renderer or _PLAIN).render(source or "").html


def audit_target(item: Entry | NewsPost) -> tuple[str, str]:
    """(audit action, target type) prefix for an item: "entry_published" on a "yswd_entry"."""
    return ("entry", "yswd_entry") if isinstance(item, Entry) else ("news", "news_post")


def audit_action(item: Entry | NewsPost, verb: str) -> str:
    """The audit log's name for a change to an item, e.g. "entry_published", "news_archived"."""
    return f"{audit_target(item)[0]}_{verb}"


def _revise(entry: Entry, action: str, user: User | None) -> None:
    entry.revisions.append(
        EntryRevision(
            action=action, saved_by_id=user.id if user else None, snapshot=entry.snapshot(), saved_at=utcnow()
        )
    )


def save_entry(entry: Entry | None, values: Mapping[str, Any], user: User, renderer: Renderer | None = None) -> Entry:
    """Create (entry=None) or edit an entry from form values, keeping a revision."""
    if values.get("theme") not in ENTRY_THEMES or values.get("status") not in STATUSES:
        raise ValueError("unknown theme or status")
    creating = entry is None
    if entry is None:
        entry = Entry(state="draft", created_by_id=user.id, created_at=utcnow())
        db.session.add(entry)
    for name in Entry.FIELDS:
        setattr(entry, name, values.get(name))
    entry.we_asked = entry.we_asked or ""
    entry.you_said_html = render_markdown(entry.you_said, renderer)
    entry.we_did_html = render_markdown(entry.we_did, renderer)
    entry.updated_at = utcnow()
    entry.updated_by_id = user.id
    db.session.flush()
    _revise(entry, "created" if creating else "edited", user)
    return entry


def save_post(
    post: NewsPost | None, values: Mapping[str, Any], user: User, renderer: Renderer | None = None
) -> NewsPost:
    """Create (post=None) or edit a news post from form values."""
    if values.get("kind") not in NEWS_KINDS:
        raise ValueError("unknown kind of news")
    if post is None:
        post = NewsPost(state="draft", created_by_id=user.id, created_at=utcnow())
        db.session.add(post)
    for name in NewsPost.FIELDS:
        setattr(post, name, values.get(name) or "")
    post.body_html = render_markdown(post.body, renderer)
    post.updated_at = utcnow()
    post.updated_by_id = user.id
    db.session.flush()
    return post


def publish(item: Entry | NewsPost, user: User, at: dt.datetime | None = None, now: dt.datetime | None = None) -> str:
    """Publish now (at=None or in the past) or schedule for `at` (naive UTC). Returns "published" or "scheduled"."""
    now = now or utcnow()
    when = at if at is not None and at > now else now
    item.state = "published"
    item.publish_at = when.replace(second=0, microsecond=0) if when > now else when
    item.updated_at = now
    item.updated_by_id = user.id
    verb = "scheduled" if when > now else "published"
    if isinstance(item, Entry):
        _revise(item, verb, user)
    db.session.flush()
    return verb


def archive(item: Entry | NewsPost, user: User) -> None:
    """Take an item off the public pages and feeds (it is kept, with its history)."""
    item.state = "archived"
    item.updated_at = utcnow()
    item.updated_by_id = user.id
    if isinstance(item, Entry):
        _revise(item, "archived", user)
    db.session.flush()


def back_to_draft(item: Entry | NewsPost, user: User) -> None:
    """Withdraw a published, scheduled or archived item to a draft."""
    item.state = "draft"
    item.publish_at = None
    item.updated_at = utcnow()
    item.updated_by_id = user.id
    if isinstance(item, Entry):
        _revise(item, "withdrawn", user)
    db.session.flush()


def add_update(
    entry: Entry, happened_on: dt.date, text: str, user: User, renderer: Renderer | None = None
) -> EntryUpdate:
    """A dated progress update; the entry counts as updated (so feeds show it again)."""
    update = EntryUpdate(
        happened_on=happened_on,
        text=text,
        html=render_markdown(text, renderer),
        created_by_id=user.id,
        created_at=utcnow(),
    )
    entry.updates.append(update)
    entry.updated_at = utcnow()
    entry.updated_by_id = user.id
    db.session.flush()
    return update


# Public queries -------------------------------------------------------------------
def public_entries(
    theme: str | None = None, status: str | None = None, year: int | None = None, now: dt.datetime | None = None
) -> Select:
    """Published entries, newest first, optionally filtered."""
    query = select(Entry).where(Entry.live(now))
    if theme:
        query = query.where(Entry.theme == theme)
    if status:
        query = query.where(Entry.status == status)
    if year:
        query = query.where(Entry.publish_at >= dt.datetime(year, 1, 1), Entry.publish_at < dt.datetime(year + 1, 1, 1))
    return query.order_by(Entry.publish_at.desc(), Entry.id.desc())


def entry_years(now: dt.datetime | None = None) -> list[int]:
    """Years that have published entries, newest first."""
    year = extract("year", Entry.publish_at)
    rows = db.session.execute(select(func.distinct(year)).where(Entry.live(now)).order_by(year.desc()))
    return [int(value) for (value,) in rows]


def public_posts(now: dt.datetime | None = None) -> Select:
    """Published news posts, newest first."""
    return select(NewsPost).where(NewsPost.live(now)).order_by(NewsPost.publish_at.desc(), NewsPost.id.desc())


def latest_posts(limit: int = 3, now: dt.datetime | None = None) -> list[NewsPost]:
    return list(db.session.scalars(public_posts(now).limit(limit)))
