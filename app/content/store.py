"""The immutable, in-memory content store that pages and search read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from .council import Council
from .placeholders import Placeholders
from .render import Heading
from .schema import SECTIONS

T = TypeVar("T")


@dataclass(frozen=True)
class Document:
    """One content page: validated front matter plus its rendered body."""

    kind: str  # "services" | "guidance" | "pages"
    slug: str
    meta: Any  # ServiceMeta | GuidanceMeta | PageMeta
    html: str
    headings: tuple[Heading, ...]
    text: str
    #: The file the page was read from, as a string: 10,000 path objects made reading the
    #: content cache a third slower (see `path`).
    source: str
    #: False for a service whose title and summary are translated but whose text is the English.
    body_translated: bool = True

    @property
    def path(self) -> Path:
        return Path(self.source)

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def summary(self) -> str:
        return self.meta.summary

    @property
    def url(self) -> str:
        return f"/{self.kind}/{self.slug}"

    def is_past_review(self, today: dt.date) -> bool:
        due = getattr(self.meta, "review_due", None)
        return due is not None and due < today


@dataclass(frozen=True)
class GlossaryTerm:
    term: str
    anchor: str
    definition: str
    abbreviation: str | None = None
    aliases: tuple[str, ...] = ()

    @property
    def heading(self) -> str:
        return f"{self.abbreviation} ({self.term})" if self.abbreviation else self.term

    @property
    def letter(self) -> str:
        return (self.abbreviation or self.term)[0].upper()

    @property
    def names(self) -> tuple[str, ...]:
        """Every word a reader might use for this term."""
        return tuple(n for n in (self.abbreviation, self.term, *self.aliases) if n)


@dataclass(frozen=True)
class ContentStore:
    services: Mapping[str, Document]
    guidance: Mapping[str, Document]
    pages: Mapping[str, Document]
    glossary: tuple[GlossaryTerm, ...]
    fingerprint: str
    #: locale -> kind -> slug -> translated Document (English lives in the fields above)
    translations: Mapping[str, Mapping[str, Mapping[str, Document]]] = field(default_factory=dict)
    #: The contacts and facts that placeholders in the content (and templates) refer to.
    placeholders: Placeholders = field(default_factory=Placeholders)
    #: The council's name for the service, its areas, colours, logo and linked pages.
    council: Council = field(default_factory=Council)
    #: Pages closed in the browser, by address ("/services/<slug>"): their last version, for a "closed" page.
    retired: Mapping[str, Document] = field(default_factory=dict)
    #: The "content" live-stamp version of the published revisions this store includes (0: the files only).
    version: int = 0
    _guidance_order: tuple[str, ...] = field(default=(), repr=False)

    @classmethod
    def build(
        cls,
        services: dict[str, Document],
        guidance: dict[str, Document],
        pages: dict[str, Document],
        glossary: list[GlossaryTerm],
        fingerprint: str,
        translations: dict[str, dict[str, dict[str, Document]]] | None = None,
        placeholders: Placeholders | None = None,
        council: Council | None = None,
        retired: dict[str, Document] | None = None,
        version: int = 0,
    ) -> ContentStore:
        section_rank = {key: rank for rank, key in enumerate(SECTIONS)}
        order = sorted(guidance, key=lambda s: (section_rank[guidance[s].meta.section], guidance[s].meta.order, s))
        return cls(
            services=MappingProxyType(dict(sorted(services.items(), key=lambda kv: kv[1].title.lower()))),
            guidance=MappingProxyType({slug: guidance[slug] for slug in order}),
            pages=MappingProxyType(pages),
            glossary=tuple(sorted(glossary, key=lambda t: (t.abbreviation or t.term).lower())),
            fingerprint=fingerprint,
            translations=MappingProxyType(
                {
                    locale: MappingProxyType({kind: MappingProxyType(docs) for kind, docs in kinds.items()})
                    for locale, kinds in (translations or {}).items()
                }
            ),
            placeholders=placeholders or Placeholders(),
            council=council or Council(),
            retired=MappingProxyType(dict(retired or {})),
            version=version,
            _guidance_order=tuple(order),
        )

    @cached_property
    def _services_by_category(self) -> Mapping[str, tuple[Document, ...]]:
        """Services grouped by category, in the store's order (worked out once per store)."""
        groups: dict[str, list[Document]] = {}
        for doc in self.services.values():
            groups.setdefault(doc.meta.category, []).append(doc)
        return MappingProxyType({key: tuple(docs) for key, docs in groups.items()})

    def derived(self, name: str, build: Callable[[ContentStore], T]) -> T:
        """A value worked out from this store once, under `name` (a store never changes: an edit
        makes a new one, which works its values out afresh)."""
        values = self.__dict__.setdefault("_derived", {})
        if name not in values:
            values[name] = build(self)
        return values[name]

    def services_in(self, category: str, locale: str = "en") -> list[Document]:
        """The services in `category`, each in `locale` when it is translated."""
        return [self.in_locale(doc, locale) for doc in self._services_by_category.get(category, ())]

    def count_in(self, category: str) -> int:
        """How many services are in `category`."""
        return len(self._services_by_category.get(category, ()))

    def guidance_in(self, section: str) -> list[Document]:
        return [doc for doc in self.guidance.values() if doc.meta.section == section]

    def neighbours(self, slug: str) -> tuple[Document | None, Document | None]:
        """The guidance pages before and after `slug` in reading order."""
        index = self._guidance_order.index(slug)
        before = self.guidance[self._guidance_order[index - 1]] if index > 0 else None
        after = self.guidance[self._guidance_order[index + 1]] if index + 1 < len(self._guidance_order) else None
        return before, after

    def lookup(self, slug: str) -> Document | None:
        """A service or guidance page by slug (used for `related:` links)."""
        return self.guidance.get(slug) or self.services.get(slug)

    def glossary_term(self, word: str) -> GlossaryTerm | None:
        """The glossary entry whose abbreviation, term or alias is `word` (any case)."""
        wanted = word.strip().lower()
        for term in self.glossary:
            if any(name.lower() == wanted for name in term.names):
                return term
        return None

    def localised(self, doc: Document, locale: str) -> Document | None:
        """The translation of `doc` into `locale`, or None when there is none."""
        return self.translations.get(locale, {}).get(doc.kind, {}).get(doc.slug)

    def in_locale(self, doc: Document, locale: str) -> Document:
        """The translation of `doc` when there is one, else the English."""
        return self.localised(doc, locale) or doc

    def documents(self) -> list[Document]:
        return [*self.services.values(), *self.guidance.values(), *self.pages.values()]
