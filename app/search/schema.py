"""The search index's fields: text to score, facets to filter and count, and what results show."""

from __future__ import annotations

from collections.abc import Iterable

from whoosh.fields import ID, STORED, TEXT, Schema

from .analysis import Synonyms, indexing_analyzer, language_indexing_analyzer

#: Bump when the fields change: an index built with another version counts as out of date.
SCHEMA_VERSION = 5
DEFAULT_LANG = "en"

#: Text fields and how much a match in each counts. Titles and summaries outweigh body text;
#: keywords are glossary names, category and need-area labels, all chosen by editors.
FIELD_WEIGHTS = {"title": 2.5, "keywords": 1.5, "summary": 1.5, "body": 1.0}
#: Text fields whose words are stored to show in results.
STORED_FIELDS = frozenset({"title", "summary", "body"})


def field_name(name: str, lang: str) -> str:
    """The field holding `name` text in `lang`: English in `title`, Polish in `title_pl`."""
    return name if lang == DEFAULT_LANG else f"{name}_{lang}"


def field_weights(lang: str) -> dict[str, float]:
    """FIELD_WEIGHTS for the fields of one language."""
    return {field_name(name, lang): weight for name, weight in FIELD_WEIGHTS.items()}


#: Result kinds, in the order the "type" filter lists them.
KINDS = ("services", "guidance", "glossary", "pages")


def make_schema(synonyms: Synonyms, languages: Iterable[str] = ()) -> Schema:
    """One document per service, guidance page, fixed page and glossary term, per language.

    `lang` is the language the document is written in. English text goes in `title`,
    `summary`, `keywords` and `body`, analysed by the English analyser, and each also holds
    a term for each synonym group whose phrases it contains. A translation's text goes in
    fields of its own language (`title_pl`, ...), analysed by that language's analyser (with
    a term for each synonym group whose phrases in that language it contains), so English
    word statistics are not mixed with other languages'; its English twin's text goes in the
    English fields. No positions are kept:
    synonym phrases are matched when indexing, so searches need no phrase queries.
    """
    text = indexing_analyzer(synonyms)
    schema = Schema(
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
    for lang in sorted(set(languages) - {DEFAULT_LANG}):
        analyzer = language_indexing_analyzer(lang, synonyms)
        for name in FIELD_WEIGHTS:
            schema.add(field_name(name, lang), TEXT(analyzer=analyzer, phrase=False, stored=name in STORED_FIELDS))
    return schema
