"""What belongs to one council, from `content/council.yaml`: the service's name, the
area's name and parts, colours, logo and the pages the interface links to.

The council's own name and every team's contact details are in `contacts.yaml`.
Everything here may be one text or one per language, like the contacts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .placeholders import Localised, key_lines, localised_value, read_yaml
from .problems import Problem
from .schema import WHOLE_AREA

COUNCIL_FILE = "council.yaml"
AREA_KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}
PAGE_RE = re.compile(r"^/[a-z0-9/-]*$")
#: A UK postcode at the end of an address; `area` is its letters (e.g. LS in LS6 2AB).
POSTCODE_RE = re.compile(r"\b(?P<area>[A-Za-z]{1,2})\d[A-Za-z\d]?\s*\d[A-Za-z]{2}$")
#: The interface links to these pages, so council.yaml must name them.
REQUIRED_PAGES = ("sendiass",)
#: Colours used when council.yaml gives none (GOV.UK Frontend's palette).
DEFAULT_COLOURS = {"brand": "#1d70b8", "header": "#0b0c0c", "header_text": "#ffffff"}
#: WCAG 2.2 AA contrast for normal text.
MIN_CONTRAST = 4.5
FIELDS = (
    "service_name",
    "place",
    "areas",
    "postcode_area",
    "plan_reference_example",
    "colours",
    "logo",
    "pages",
    "local_authority",
    "neighbours",
)
#: An ONS local authority code, e.g. E06000001.
AUTHORITY_RE = re.compile(r"^[EWSN]\d{8}$")


def _text(value: Localised, locale: str) -> str:
    return value.get(locale) or value["en"]


@dataclass(frozen=True)
class Council:
    """One council's settings; texts are read in a language with `text()`."""

    service_name: Localised = field(default_factory=lambda: MappingProxyType({"en": "SEND Local Offer"}))
    place: Localised = field(default_factory=lambda: MappingProxyType({"en": "your area"}))
    #: area key -> label, in the order council.yaml gives them; WHOLE_AREA first.
    areas: Mapping[str, Localised] = field(
        default_factory=lambda: MappingProxyType({WHOLE_AREA: MappingProxyType({"en": "The whole area"})})
    )
    postcode_area: str | None = None
    plan_reference_example: str = "AB-2026-00123"
    colours: Mapping[str, str] = field(default_factory=lambda: MappingProxyType(dict(DEFAULT_COLOURS)))
    logo: Path | None = None
    pages: Mapping[str, str] = field(default_factory=dict)
    #: The council's ONS local authority code, and its neighbours' (for the postcode gazetteer).
    local_authority: str | None = None
    neighbours: tuple[str, ...] = ()

    def text(self, name: str, locale: str = "en") -> str:
        """`service_name` or `place` in `locale` (English when it has none in that language)."""
        return _text(getattr(self, name), locale)

    def area_labels(self, locale: str = "en") -> dict[str, str]:
        """Every area key with its label in `locale`."""
        return {key: _text(label, locale) for key, label in self.areas.items()}

    @property
    def local_areas(self) -> tuple[str, ...]:
        """The parts of the area a family can say they live in (not the whole area)."""
        return tuple(key for key in self.areas if key != WHOLE_AREA)

    @property
    def gazetteer_authorities(self) -> tuple[str, ...]:
        """The local authorities whose postcodes the gazetteer keeps: the council's own, then its neighbours."""
        return (self.local_authority, *self.neighbours) if self.local_authority else ()

    @property
    def logo_type(self) -> str | None:
        return LOGO_TYPES.get(self.logo.suffix.lower()) if self.logo else None

    def is_outside(self, address: str | None) -> bool:
        """Whether an address ends in a postcode outside the council's postcode area.

        False when either is unknown: no postcode area set, or no postcode in the address.
        """
        if not self.postcode_area or not address:
            return False
        match = POSTCODE_RE.search(address.strip())
        return bool(match) and match["area"].upper() != self.postcode_area


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def load_council(content_dir: Path) -> tuple[Council, list[Problem]]:
    """The council's settings from council.yaml (defaults when there is none), and its problems."""
    rel = f"{content_dir.name}/{COUNCIL_FILE}"
    path = content_dir / COUNCIL_FILE
    if not path.exists():
        return Council(), []
    data, node, problems = read_yaml(path, rel)
    if problems:
        return Council(), problems
    if data is None:
        return Council(), []
    if not isinstance(data, dict):
        return Council(), [Problem(rel, 1, "must be a set of 'setting: value' lines")]
    lines = key_lines(node)

    def line(name: str, inner: str | None = None) -> int:
        top, below = lines.get(name, (1, {}))
        return below.get(inner, top) if inner else top

    values: dict[str, Any] = {}
    for name, value in data.items():
        if name not in FIELDS:
            problems.append(Problem(rel, line(str(name)), f"{name} is not a known setting (use: {', '.join(FIELDS)})"))
            continue
        if name in {"service_name", "place"}:
            text = localised_value(value)
            if isinstance(text, str):
                problems.append(Problem(rel, line(name), f"{name} {text}"))
            else:
                values[name] = text
        elif name == "areas":
            values[name] = _areas(value, rel, line, problems)
        elif name in {"postcode_area", "plan_reference_example"}:
            if not isinstance(value, str) or not value.strip():
                problems.append(Problem(rel, line(name), f"{name} must be text"))
            elif name == "postcode_area" and not re.fullmatch(r"[A-Z]{1,2}", value.strip()):
                problems.append(Problem(rel, line(name), "postcode_area must be one or two capital letters, e.g. KB"))
            else:
                values[name] = value.strip()
        elif name == "colours":
            values[name] = _colours(value, rel, line, problems)
        elif name == "logo":
            logo = _logo(value, content_dir)
            if isinstance(logo, str):
                problems.append(Problem(rel, line(name), logo))
            else:
                values[name] = logo
        elif name == "pages":
            values[name] = _pages(value, rel, line, problems)
        elif name == "local_authority":
            if not isinstance(value, str) or not AUTHORITY_RE.match(value.strip()):
                problems.append(Problem(rel, line(name), "local_authority must be an ONS code like E06000001"))
            else:
                values[name] = value.strip()
        elif name == "neighbours":
            codes = value if isinstance(value, list) else None
            if codes is None or not all(isinstance(code, str) and AUTHORITY_RE.match(code) for code in codes):
                message = "neighbours must be a list of ONS local authority codes, like [E06000002, E08000003]"
                problems.append(Problem(rel, line(name), message))
            else:
                values[name] = tuple(codes)
    missing = [key for key in REQUIRED_PAGES if key not in values.get("pages", {})]
    if missing:
        problems.append(Problem(rel, line("pages"), f"pages must give the page for: {', '.join(missing)}"))
    return Council(**values), problems


def _areas(value: Any, rel: str, line, problems: list[Problem]) -> Mapping[str, Localised]:
    if not isinstance(value, dict):
        problems.append(Problem(rel, line("areas"), "areas must be a set of 'area-key: label' lines"))
        return Council().areas
    areas: dict[str, Localised] = {}
    for key, label in value.items():
        if not isinstance(key, str) or not AREA_KEY_RE.match(key):
            problems.append(
                Problem(rel, line("areas", str(key)), f"area key {key!r} must be lowercase words joined by '-'")
            )
            continue
        text = localised_value(label)
        if isinstance(text, str):
            problems.append(Problem(rel, line("areas", key), f"areas.{key} {text}"))
        else:
            areas[key] = text
    if WHOLE_AREA not in areas:
        problems.append(Problem(rel, line("areas"), f"areas must include {WHOLE_AREA} (the whole area) with its label"))
        return Council().areas
    return MappingProxyType({WHOLE_AREA: areas.pop(WHOLE_AREA), **areas})


def _colours(value: Any, rel: str, line, problems: list[Problem]) -> Mapping[str, str]:
    colours = dict(DEFAULT_COLOURS)
    if not isinstance(value, dict):
        problems.append(Problem(rel, line("colours"), f"colours must give {', '.join(DEFAULT_COLOURS)}"))
        return MappingProxyType(colours)
    for name, colour in value.items():
        if name not in DEFAULT_COLOURS:
            message = f"colours.{name} is not a known colour (use: {', '.join(DEFAULT_COLOURS)})"
            problems.append(Problem(rel, line("colours", str(name)), message))
        elif not isinstance(colour, str) or not COLOUR_RE.match(colour):
            problems.append(Problem(rel, line("colours", name), f'colours.{name} must be like "#1d70b8" (in quotes)'))
        else:
            colours[name] = colour.lower()
    ratio = contrast(colours["header"], colours["header_text"])
    if ratio < MIN_CONTRAST:
        message = f"colours.header_text on colours.header has contrast {ratio:.1f}:1; it needs {MIN_CONTRAST}:1 or more"
        problems.append(Problem(rel, line("colours", "header_text"), message))
    return MappingProxyType(colours)


def _logo(value: Any, content_dir: Path) -> Path | str:
    if not isinstance(value, str) or not value.strip():
        return "logo must be the name of a file beside council.yaml"
    path = (content_dir / value.strip()).resolve()
    if path.suffix.lower() not in LOGO_TYPES:
        return f"logo must be an SVG or PNG file, not {value!r}"
    if not path.is_relative_to(content_dir.resolve()) or not path.is_file():
        return f"logo file {value!r} is not in {content_dir.name}/"
    return path


def _pages(value: Any, rel: str, line, problems: list[Problem]) -> Mapping[str, str]:
    if not isinstance(value, dict):
        problems.append(Problem(rel, line("pages"), "pages must be a set of 'name: /path' lines"))
        return {}
    pages: dict[str, str] = {}
    for name, path in value.items():
        if not isinstance(path, str) or not PAGE_RE.match(path):
            problems.append(
                Problem(rel, line("pages", str(name)), f"pages.{name} must be a site path like /services/x")
            )
        else:
            pages[str(name)] = path
    return MappingProxyType(pages)
