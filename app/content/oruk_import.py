"""Import Open Referral UK 3.0 services (as another directory exports them) as markdown service pages."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from ..places.postcodes import normalise_postcode
from ..yaml_loader import load_yaml
from . import oruk
from .council import Council
from .loader import SERVICE_TITLES_FILE, split_front_matter
from .schema import COVERS_WHOLE_AREA, WHOLE_AREA

_SERVICE_LINK = re.compile(r"/services/([a-z0-9]+(?:-[a-z0-9]+)*)")


@dataclass
class Imported:
    """One service record turned into a page, and what could not be carried over."""

    slug: str
    text: str
    unmapped: list[str] = field(default_factory=list)


def read_records(source: Path) -> list[dict[str, Any]]:
    """Service records from a file or folder: one service, a list, or an ORUK page (`contents`)."""
    files = sorted(source.glob("*.json")) if source.is_dir() else [source]
    records: list[dict[str, Any]] = []
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("contents"), list):
            data = data["contents"]
        records.extend(item for item in (data if isinstance(data, list) else [data]) if isinstance(item, dict))
    return records


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "service"


def _terms(record: dict[str, Any], taxonomy: str) -> list[str]:
    """The record's terms from one of the portal's taxonomies.

    A term counts when its taxonomy is that one; a term from another directory's taxonomy
    counts when its words are one of the portal's own keys (Schedule 2 items only ever come
    from the portal's own taxonomy, since they share words with the categories).
    """
    ours = {oruk.taxonomy_id(key) for key in oruk.TAXONOMIES}
    wanted = oruk.taxonomy_id(taxonomy)
    vocabulary = oruk.TAXONOMIES[taxonomy][2]
    found = []
    for attribute in record.get("attributes") or []:
        term = (attribute.get("taxonomy_term") or {}) if isinstance(attribute, dict) else {}
        key, source = str(term.get("term") or ""), str(term.get("taxonomy_id") or "")
        if key in vocabulary and (source == wanted or (source not in ours and taxonomy != "schedule-2")):
            found.append(key)
    return found


def area_names(council: Council) -> dict[str, str]:
    """Each of the council's areas by key and by its English name."""
    names = {key: key for key in council.areas}
    names.update({str(labels.get("en", key)): key for key, labels in council.areas.items()})
    return names


def known_slugs(content_dir: Path) -> set[str]:
    """Service page names the content in `content_dir` links to, relates to or translates."""
    slugs: set[str] = set()
    for path in content_dir.rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        slugs.update(_SERVICE_LINK.findall(text))
        parts = split_front_matter(text)
        if parts:
            related = (load_yaml(parts[0]) or {}).get("related") or []
            slugs.update(str(slug) for slug in related if isinstance(slug, str))
    for path in content_dir.glob(f"*/{SERVICE_TITLES_FILE}"):  # services translated by title and summary
        titles = load_yaml(path.read_text(encoding="utf-8")) or {}
        slugs.update(str(slug) for slug in titles if isinstance(titles, dict))
    return slugs


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def to_page(record: dict[str, Any], today: dt.date, areas: Mapping[str, str] = MappingProxyType({})) -> Imported:
    """The markdown page for one ORUK service; unmapped lists each fact left out or guessed.

    `areas` maps each of the council's area names (and keys) to its key.
    """
    unmapped: list[str] = []
    name = str(record.get("name") or "").strip()
    description = str(record.get("description") or "").strip()
    front: dict[str, Any] = {}
    if record.get("id"):
        front["id"] = str(record["id"])
    front["title"] = _shorten(name, 120) or "Untitled service"
    front["summary"] = _shorten(description or name, 300)
    category = next(iter(_terms(record, "category")), None)
    if category is None:
        unmapped.append("category: no known category term; set to advice")
    front["category"] = category or "advice"
    organisation = (record.get("organization") or {}).get("name")
    if not organisation:
        unmapped.append("organization: missing; set to the service name")
    front["organisation"] = organisation or front["title"]
    front["age_min"] = int(record.get("minimum_age") or 0)
    front["age_max"] = int(record.get("maximum_age") if record.get("maximum_age") is not None else 25)
    if front["age_max"] > 25 or front["age_min"] > 25:
        unmapped.append("ages: beyond 25; capped at 25")
        front["age_min"], front["age_max"] = min(front["age_min"], 25), min(front["age_max"], 25)
    need_areas = _terms(record, "need-area")
    if not need_areas:
        unmapped.append("need areas: none given; set to all")
    front["need_areas"] = need_areas or ["all"]
    options = record.get("cost_options") or []
    option = options[0] if options else {}
    fees = str(record.get("fees") or "").strip()
    free = option.get("option") == "free" or option.get("amount") == 0 or fees.lower() == "free"
    cost: dict[str, Any] = {"type": "free" if free else "paid"}
    detail = option.get("amount_description") or (fees if fees.lower() != "free" else "")
    if detail:
        cost["detail"] = detail
    if not options and not fees:
        unmapped.append("cost: not given; set to paid")
    front["cost"] = cost
    access = next(iter(_terms(record, "access")), None)
    if access is None:
        unmapped.append("access: no access route term; set to self-referral")
    front["access"] = access or "self-referral"
    phones = [p.get("number") for p in record.get("phones") or [] if p.get("number")]
    for contact in record.get("contacts") or []:
        phones += [p.get("number") for p in contact.get("phones") or [] if p.get("number")]
    contact = {"phone": phones[0] if phones else None, "email": record.get("email"), "website": record.get("url")}
    front["contact"] = {k: v for k, v in contact.items() if v}
    if not front["contact"]:
        unmapped.append("contact: no phone, email or website")
    names = [str(a.get("name")) for a in record.get("service_areas") or [] if a.get("name")]
    known = {WHOLE_AREA: WHOLE_AREA, **{name.lower(): key for name, key in areas.items()}}
    served = list(dict.fromkeys(known[n.lower()] for n in names if n.lower() in known))
    if names and len(served) < len(names):
        left = ", ".join(n for n in names if n.lower() not in known)
        unmapped.append(f"service_areas: {left} not matched to the council's areas; set to {WHOLE_AREA}")
        served = []
    front["area_served"] = served if served and WHOLE_AREA not in served else [WHOLE_AREA]
    if WHOLE_AREA in served:
        front["covers"] = COVERS_WHOLE_AREA
    locations = [s.get("location") or {} for s in record.get("service_at_locations") or []]
    if locations:
        location = locations[0]
        address = (location.get("addresses") or [{}])[0]
        line = ", ".join(
            p
            for p in (
                address.get("address_1"),
                " ".join(filter(None, (address.get("city"), address.get("postal_code")))),
            )
            if p
        )
        if line or location.get("description"):
            front["address"] = line or location["description"]
        access_notes = [a.get("description") for a in location.get("accessibility") or [] if a.get("description")]
        if access_notes:
            front["accessibility"] = "; ".join(access_notes)
        places = [place for place in map(_place, locations) if place]
        if places:
            front["locations"] = places
        elif len(locations) > 1:
            unmapped.append(f"service_at_locations: {len(locations) - 1} more location(s) left out")
    schedules = list(dict.fromkeys(s["description"] for s in record.get("schedules") or [] if s.get("description")))
    if schedules:
        front["opening_times"] = "; ".join(schedules)
    elif record.get("schedules"):
        unmapped.append("schedules: only structured rules, no description; left out")
    schedule2 = _terms(record, "schedule-2")
    if schedule2:
        front["schedule2"] = schedule2
    languages = [lang.get("name") for lang in record.get("languages") or [] if lang.get("name")]
    if languages:
        front["languages"] = languages
    try:
        reviewed = dt.date.fromisoformat(str(record.get("assured_date"))[:10])
    except ValueError:
        reviewed = today
        unmapped.append("assured_date: missing; set to today")
    front["last_reviewed"] = reviewed
    front["review_due"] = (
        reviewed.replace(year=reviewed.year + 1)
        if not (reviewed.month == 2 and reviewed.day == 29)
        else reviewed + dt.timedelta(days=365)
    )
    for key in ("alert", "accreditations", "funding"):
        if record.get(key):
            unmapped.append(f"{key}: not part of a service page; left out")
    body = description or name
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False, width=1000) + "---\n" + body + "\n"
    return Imported(slug=slugify(name), text=text, unmapped=unmapped)


def import_services(
    source: Path,
    target: Path,
    *,
    force: bool,
    today: dt.date,
    slugs: Set[str] = frozenset(),
    areas: Mapping[str, str] = MappingProxyType({}),
) -> list[tuple[str, str, list[str]]]:
    """Write a page per record into `target`; returns (slug, outcome, unmapped) per record.

    A record whose id this portal made from one of `slugs` (see `oruk.service_id`) keeps that
    page name, so links to it still work; any other is named after its title.
    """
    by_id = {oruk.stable_id("service", slug): slug for slug in slugs}
    results: list[tuple[str, str, list[str]]] = []
    target.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    for record in read_records(source):
        page = to_page(record, today, areas)
        slug = by_id.get(str(record.get("id")), page.slug)
        n = 2
        while slug in seen:
            slug, n = f"{page.slug}-{n}", n + 1
        seen.add(slug)
        path = target / f"{slug}.md"
        if path.exists() and not force:
            results.append((slug, "skipped: exists (use --force to overwrite)", page.unmapped))
            continue
        path.write_text(page.text, encoding="utf-8")
        results.append((slug, "written", page.unmapped))
    return results


def _place(location: dict) -> dict | None:
    """A location with a postcode and coordinates as a `locations` entry, or None when it lacks them."""
    address = (location.get("addresses") or [{}])[0]
    postcode = normalise_postcode(address.get("postal_code"))
    latitude, longitude = location.get("latitude"), location.get("longitude")
    if postcode is None or not isinstance(latitude, int | float) or not isinstance(longitude, int | float):
        return None
    line = ", ".join(filter(None, (address.get("address_1"), address.get("city"))))
    place = {
        "name": location.get("name") or line or postcode,
        "address": line or postcode,
        "postcode": postcode,
        "latitude": latitude,
        "longitude": longitude,
    }
    notes = [a.get("description") for a in location.get("accessibility") or [] if a.get("description")]
    if notes:
        place["accessibility"] = "; ".join(notes)
    return place
