"""The search index's fields: text to score, facets to filter and count, and what results show."""

from __future__ import annotations

from whoosh.fields import BOOLEAN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .analysis import Synonyms, indexing_analyzer, word_analyzer

#: Bump when the fields change: an index built with another version counts as out of date.
SCHEMA_VERSION = 1
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
    hold a term for each synonym group whose phrases they contain.
    """
    text = indexing_analyzer(synonyms)
    return Schema(
        id=ID(unique=True, stored=True),
        kind=ID(stored=True),
        lang=ID(stored=True),
        slug=ID(stored=True),
        url=STORED,
        title=TEXT(analyzer=text, stored=True),
        summary=TEXT(analyzer=text, stored=True),
        keywords=TEXT(analyzer=text),
        body=TEXT(analyzer=text, stored=True),
        spell=TEXT(analyzer=word_analyzer(), phrase=False),
        category=ID(stored=True),
        need_areas=KEYWORD(stored=True, scorable=False),
        areas=KEYWORD(stored=True, scorable=False),
        age_min=NUMERIC(stored=True),
        age_max=NUMERIC(stored=True),
        free=BOOLEAN(stored=True),
        self_referral=BOOLEAN(stored=True),
        names=STORED,
        details=STORED,
    )
