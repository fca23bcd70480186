"""Atom feeds (RFC 4287) built with feedgen, which escapes every value it writes."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from feedgen.feed import FeedGenerator

from ..cleaning import clean_text


@dataclass(frozen=True)
class FeedItem:
    """One entry in a feed; times are naive UTC as stored, URLs absolute."""

    url: str
    title: str
    content_html: str
    published: dt.datetime
    updated: dt.datetime
    category: str | None = None
    summary: str | None = None


_ROOT_RELATIVE = re.compile(r'(\s(?:href|src)=")/(?!/)')


def absolute_links(html: str, site_url: str) -> str:
    """Make root-relative links (such as glossary links) absolute, as feed readers need."""
    return _ROOT_RELATIVE.sub(lambda m: f"{m.group(1)}{site_url.rstrip('/')}/", html)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def atom_feed(
    *,
    title: str,
    subtitle: str,
    self_url: str,
    page_url: str,
    site_url: str,
    author: str,
    language: str,
    items: Sequence[FeedItem],
    generated: dt.datetime,
) -> bytes:
    """The feed as UTF-8 Atom XML. Its id is the page's URL; each entry's id is its page's URL.

    Root-relative links in the content are made absolute with `site_url`.

    `updated` is the latest item's update time (or `generated` when there are none), so
    the feed does not change when nothing in it has.
    """
    # XML cannot hold most control characters: text stored before input was cleaned loses them here.
    title, subtitle, author = clean_text(title), clean_text(subtitle), clean_text(author)
    feed = FeedGenerator()
    feed.id(page_url)
    feed.title(title)
    feed.subtitle(subtitle)
    feed.author({"name": author})
    feed.link(href=page_url, rel="alternate", type="text/html")
    feed.link(href=self_url, rel="self", type="application/atom+xml")
    feed.language(language)
    feed.updated(_utc(max((item.updated for item in items), default=generated)))
    for item in items:
        entry = feed.add_entry(order="append")
        entry.id(item.url)
        entry.title(clean_text(item.title))
        entry.link(href=item.url, rel="alternate", type="text/html")
        entry.published(_utc(item.published))
        entry.updated(_utc(max(item.updated, item.published)))
        if item.summary:
            entry.summary(clean_text(item.summary))
        entry.content(clean_text(absolute_links(item.content_html, site_url)), type="html")
        if item.category:
            entry.category(term=clean_text(item.category))
    return feed.atom_str(pretty=True)
