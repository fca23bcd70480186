"""The search index's fields: text to score, facets to filter and count, and what results show."""

from __future__ import annotations

from whoosh.fields import ID, STORED, TEXT, Schema

from .analysis import Synonyms, indexing_analyzer

#: Bump when the fields change: an index built with another version counts as out of date.
SCHEMA_VERSION = 3
DEFAULT_LANG = "en"

#: Text fields and how much a match in each counts. Titles and summaries outweigh body text;
#: keywords are glossary names, category and need-area labels, all chosen by editors.
FIELD_WEIGHTS = {"title": 2.5, "keywords": 1.5, "summary": 1.5, "body": 1.0}

#: Result kinds, in the order the "type" filter lists them.
KINDS = ("services", "guidance", "glossary", "pages")


def make_schema(synonyms: Synonyms) -> Schema:
    """One document per service, guidance page, fixed page and glossary term.

    `lang` is the language the document is written in ("en" for now), so translated
    content can be indexed alongside and searched per language later. Text fields also
    hold a term for each synonym group whose phrases they contain. No positions are kept:
    synonym phrases are matched when indexing, so searches need no phrase queries.
    """
    text = indexing_analyzer(synonyms)
    return Schema(
        id=ID(unique=True, stored=True),
        kind=ID(stored=True),
        lang=ID(stored=True),
        slug=ID(stored=True),
        url=STORED,
        title=TEXT(analyzer=text, phrase=False, stored=True),
        summary=TEXT(analyzer=text, phrase=False, stored=True),
        keywords=TEXT(analyzer=text, phrase=False),
        body=TEXT(analyzer=text, phrase=False, stored=True),
        # Facets are only stored: they are counted from in-memory sets (see query._Snapshot),
        # which is much faster than Whoosh's own facets, and keeps the index small.
        category=STORED,
        need_areas=STORED,
        areas=STORED,
        age_min=STORED,
        age_max=STORED,
        free=STORED,
        self_referral=STORED,
        names=STORED,
        details=STORED,
    )
