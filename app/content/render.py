"""Markdown to safe HTML: markdown-it-py, heading anchors, glossary <abbr>, then nh3."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin

from .phones import link_phone_numbers

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "li", "ol", "p",
    "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}}
GOVUK_CLASSES = {
    "h2": "govuk-heading-m",
    "h3": "govuk-heading-s",
    "h4": "govuk-heading-s",
    "p": "govuk-body",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "a": "govuk-link",
    "blockquote": "govuk-inset-text",
    "table": "govuk-table",
    "thead": "govuk-table__head",
    "tbody": "govuk-table__body",
    "tr": "govuk-table__row",
    "th": "govuk-table__header",
    "td": "govuk-table__cell",
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


@dataclass(frozen=True)
class Heading:
    id: str
    text: str
    level: int


@dataclass(frozen=True)
class Rendered:
    html: str
    headings: tuple[Heading, ...]
    text: str
    links: tuple[tuple[str, int], ...]  # (href, source line) for every link


def slugify(text: str) -> str:
    """Lowercase words joined by '-', as used for anchors and glossary ids."""
    return re.sub(r"[^\w]+", "-", text.lower(), flags=re.UNICODE).strip("-")


def sanitise(markup: str) -> str:
    """Keep only the tags, attributes and URL schemes our pages need."""
    return nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        set_tag_attribute_values={tag: {"class": cls} for tag, cls in GOVUK_CLASSES.items()},
    )


class Renderer:
    """Renders markdown; abbreviations from the glossary are marked up with <abbr>.

    `abbreviations` maps an abbreviation (e.g. "EHCP") to (full term, glossary anchor).
    The first use on a page links to the glossary entry.
    """

    def __init__(self, abbreviations: dict[str, tuple[str, str]] | None = None) -> None:
        self.abbreviations = dict(abbreviations or {})
        self._pattern = (
            re.compile(r"\b(" + "|".join(sorted(map(re.escape, self.abbreviations), key=len, reverse=True)) + r")\b")
            if self.abbreviations
            else None
        )
        self.md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
        self.md.use(anchors_plugin, min_level=2, max_level=4, slug_func=slugify)
        self.md.core.ruler.push("glossary_abbr", self._mark_abbreviations)

    def render(self, source: str, *, line_offset: int = 0) -> Rendered:
        env: dict = {"abbr_seen": set()}
        tokens = self.md.parse(source, env)
        headings: list[Heading] = []
        links: list[tuple[str, int]] = []
        text_parts: list[str] = []
        for index, token in enumerate(tokens):
            if token.type == "heading_open":
                inline = tokens[index + 1]
                headings.append(Heading(str(token.attrGet("id")), _plain(inline), int(token.tag[1])))
            if token.type == "inline":
                text_parts.append(_plain(token))
                line = (token.map[0] if token.map else 0) + 1 + line_offset
                links.extend(
                    (str(child.attrGet("href")), line) for child in token.children or [] if child.type == "link_open"
                )
        body = link_phone_numbers(sanitise(self.md.renderer.render(tokens, self.md.options, env)))
        return Rendered(body, tuple(headings), "\n".join(text_parts), tuple(links))

    def _mark_abbreviations(self, state: StateCore) -> None:
        if self._pattern is None:
            return
        seen: set[str] = state.env.setdefault("abbr_seen", set())
        for index, block in enumerate(state.tokens):
            if block.type != "inline" or not block.children:
                continue
            if index and state.tokens[index - 1].type == "heading_open":
                continue
            children: list[Token] = []
            in_link = 0
            for child in block.children:
                if child.type == "link_open":
                    in_link += 1
                elif child.type == "link_close":
                    in_link -= 1
                if child.type != "text" or in_link:
                    children.append(child)
                    continue
                children.extend(self._split(child, seen))
            block.children = children

    def _split(self, token: Token, seen: set[str]) -> list[Token]:
        assert self._pattern is not None
        out: list[Token] = []
        position = 0
        for match in self._pattern.finditer(token.content):
            if match.start() > position:
                out.append(_text(token.content[position : match.start()]))
            abbr = match.group(1)
            term, anchor = self.abbreviations[abbr]
            markup = f'<abbr title="{html.escape(term)}">{html.escape(abbr)}</abbr>'
            if abbr not in seen:
                seen.add(abbr)
                markup = f'<a href="/glossary#{html.escape(anchor)}">{markup}</a>'
            raw = Token("html_inline", "", 0)
            raw.content = markup
            out.append(raw)
            position = match.end()
        if position < len(token.content):
            out.append(_text(token.content[position:]))
        return out or [token]


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _plain(inline: Token) -> str:
    parts: list[str] = []
    for child in inline.children or []:
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type == "html_inline":
            parts.append(html.unescape(re.sub(r"<[^>]+>", "", child.content)))
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
    return "".join(parts)
