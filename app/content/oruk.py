"""The Local Offer as Open Referral UK 3.0 records: services, taxonomies and their terms.

Ids are UUIDv5 from one fixed namespace and a stable name (the page slug, or the `id` in a
service's front matter), so they survive a change of title.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from flask_babel import force_locale

from ..clock import UK, today
from ..places.postcodes import Point, distance_miles, normalise_postcode
from ..recent import Recent
from .opening_times import DAYS, ICAL, WeeklyHours, weekly_hours
from .schedule2 import SCHEDULE2
from .schema import ACCESS_ROUTES, CATEGORIES, CATEGORY_DESCRIPTIONS, NEED_AREAS
from .store import ContentStore, Document

#: Never change this: every published id depends on it.
NAMESPACE = uuid.UUID("6f1d7c1e-4b0a-5d55-9a43-0c8a2f2e7b10")

VERSION = "3.0"
PROFILE = "https://openreferral.org/uk"
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 50

#: Taxonomy key -> (name, description, terms).
TAXONOMIES: dict[str, tuple[str, str, Mapping[str, Any]]] = {
    "category": ("SEND Local Offer categories", "The areas of Schedule 2 to the SEND Regulations 2014.", CATEGORIES),
    "need-area": ("SEND areas of need", "The four broad areas of need in the SEND Code of Practice.", NEED_AREAS),
    "access": ("How to get the service", "Whether a family can ask directly or needs a referral.", ACCESS_ROUTES),
    "schedule-2": (
        "What a Local Offer must cover",
        "The items of Schedule 2 to the SEND Regulations 2014 that a service helps to cover.",
        SCHEDULE2,
    ),
}


class BadParameter(ValueError):
    """A query parameter the API cannot use."""


def stable_id(*parts: str) -> str:
    """The UUIDv5 for a thing named by `parts`."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def service_id(doc: Document) -> str:
    override = getattr(doc.meta, "id", None)
    return str(override) if override else stable_id("service", doc.slug)


def taxonomy_id(key: str) -> str:
    return stable_id("taxonomy", key)


def term_id(taxonomy: str, key: str) -> str:
    return stable_id("taxonomy", taxonomy, key)


def _english(text: Any) -> str:
    with force_locale("en"):
        return str(text)


def last_modified(doc: Document) -> dt.datetime:
    """When the page's file last changed (UTC, whole seconds)."""
    try:
        stamp = doc.path.stat().st_mtime
    except OSError:
        return dt.datetime.combine(doc.meta.last_reviewed, dt.time(), tzinfo=dt.UTC)
    return dt.datetime.fromtimestamp(int(stamp), tz=dt.UTC)


def _uk_time(time: dt.time) -> str:
    """A UK wall-clock time as ORUK wants it: HH:MM with today's offset from UTC ("09:00+00:00")."""
    return dt.datetime.combine(today(), time, tzinfo=UK).isoformat(timespec="minutes")[11:]


def schedules(slug: str, sid: str, opening_times: str) -> list[dict[str, Any]]:
    """The opening times as ORUK schedules: one per rule read for certain, each with the words.

    When no rule can be read, one schedule carries the words alone.
    """
    rules = weekly_hours(opening_times)
    if not rules:
        return [{"id": stable_id("schedule", slug), "service_id": sid, "description": opening_times}]
    return [
        _clean(
            {
                "id": stable_id("schedule", slug) if number == 0 else stable_id("schedule", slug, str(number)),
                "service_id": sid,
                "freq": rule.freq,
                "byday": rule.byday,
                "opens_at": _uk_time(rule.opens),
                "closes_at": _uk_time(rule.closes),
                "description": opening_times,
                "notes": rule.note,
            }
        )
        for number, rule in enumerate(rules)
    ]


def _clean(record: dict[str, Any]) -> dict[str, Any]:
    """Leave out empty optional fields."""
    return {k: v for k, v in record.items() if v not in (None, "", [], {})}


def taxonomy_term(taxonomy: str, key: str) -> dict[str, Any]:
    return dict(_taxonomy_term(taxonomy, key))


@cache
def _taxonomy_term(taxonomy: str, key: str) -> Mapping[str, Any]:
    """A term's record, its English words looked up once (the taxonomies are fixed in code)."""
    name, _description, terms = TAXONOMIES[taxonomy]
    label = _english(terms[key])
    description = _english(CATEGORY_DESCRIPTIONS[key]) if taxonomy == "category" else label
    return {
        "id": term_id(taxonomy, key),
        "name": label,
        "description": description,
        "taxonomy": name,
        "taxonomy_id": taxonomy_id(taxonomy),
        "term": key,
    }


def taxonomy(key: str) -> dict[str, Any]:
    name, description, _terms = TAXONOMIES[key]
    return {"id": taxonomy_id(key), "name": name, "description": description}


def all_terms() -> list[dict[str, Any]]:
    return [taxonomy_term(tax, key) for tax, (_n, _d, terms) in TAXONOMIES.items() for key in terms]


def _terms_of(doc: Document) -> list[tuple[str, str]]:
    meta = doc.meta
    return [
        ("category", meta.category),
        *(("need-area", n) for n in meta.need_areas),
        ("access", meta.access),
        *(("schedule-2", item) for item in meta.schedule2),
    ]


def _organization(store: ContentStore, name: str) -> dict[str, Any]:
    return {"id": stable_id("organization", name.lower()), "name": name, "description": name}


def _address(lid: str, address_id: str, address: str, postcode: str = "") -> dict[str, Any]:
    parts = [p.strip() for p in address.split(",") if p.strip()]
    last = parts[-1] if parts else ""
    words = last.split()
    city = last
    if not postcode and len(words) >= 2 and any(c.isdigit() for c in words[-1]) and any(c.isdigit() for c in words[-2]):
        postcode = " ".join(words[-2:])
        city = " ".join(words[:-2]) or last
    return {
        "id": address_id,
        "location_id": lid,
        "address_1": ", ".join(parts[:-1]) or address,
        "city": city,
        "state_province": "",
        "postal_code": postcode,
        "country": "GB",
        "address_type": "physical",
    }


def _place_address(lid: str, address_id: str, address: str, postcode: str) -> dict[str, Any]:
    """A location's address: its last part (after a comma) is the town."""
    first, _comma, town = address.rpartition(",")
    return {
        **_address(lid, address_id, address, postcode),
        "address_1": first.strip() or address,
        "city": town.strip() if first else "",
    }


def _locations(doc: Document) -> list[dict[str, Any]]:
    """The service's places: its `locations` (with coordinates), or else its one `address`."""
    meta = doc.meta
    found: list[dict[str, Any]] = []
    if meta.locations:
        for number, place in enumerate(meta.locations):
            extra = (str(number),) if number else ()
            lid = stable_id("location", doc.slug, *extra)
            address = _place_address(lid, stable_id("address", doc.slug, *extra), place.address, place.postcode)
            location = {
                "id": lid,
                "location_type": "physical",
                "name": place.name,
                "description": f"{place.name}, {place.address}, {place.postcode}",
                "latitude": place.latitude,
                "longitude": place.longitude,
                "addresses": [address],
            }
            access = place.accessibility or meta.accessibility
            if access:
                location["accessibility"] = [
                    {"id": stable_id("accessibility", doc.slug, *extra), "location_id": lid, "description": access}
                ]
            found.append(location)
        return found
    if not meta.address:
        return found
    lid = stable_id("location", doc.slug)
    location = {
        "id": lid,
        "location_type": "physical",
        "name": meta.organisation,
        "description": meta.address,
        "addresses": [_address(lid, stable_id("address", doc.slug), meta.address)],
    }
    if meta.accessibility:
        location["accessibility"] = [
            {"id": stable_id("accessibility", doc.slug), "location_id": lid, "description": meta.accessibility}
        ]
    return [location]


def service_at_locations(doc: Document, with_service: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """One record for each place the service is given (the first keeps the id it always had)."""
    records = []
    for number, location in enumerate(_locations(doc)):
        record = {
            "id": stable_id("service_at_location", doc.slug, *((str(number),) if number else ())),
            "service_id": service_id(doc),
            "location_id": location["id"],
            "location": location,
        }
        if with_service is not None:
            record["service"] = with_service
        records.append(record)
    return records


def service(
    store: ContentStore, doc: Document, *, full: bool = True, modified: dt.datetime | None = None
) -> dict[str, Any]:
    """One service; `full=False` gives the one-to-one fields the list pages carry.

    `modified` is when its file last changed, when the caller knows it already.
    """
    meta = doc.meta
    sid = service_id(doc)
    org = _organization(store, meta.organisation)
    cost = meta.cost
    fees = cost.detail or ("Free" if cost.type == "free" else "")
    record: dict[str, Any] = {
        "id": sid,
        "organization_id": org["id"],
        "name": meta.title,
        "description": meta.summary,
        "url": meta.contact.website,
        "email": meta.contact.email,
        "status": "active",
        "fees": fees,
        "minimum_age": meta.age_min,
        "maximum_age": meta.age_max,
        "assured_date": meta.last_reviewed.isoformat(),
        "last_modified": (modified or last_modified(doc)).isoformat().replace("+00:00", "Z"),
        "organization": org,
    }
    if not full:
        return _clean(record)
    contact_id = stable_id("contact", doc.slug)
    record["contacts"] = [
        _clean(
            {
                "id": contact_id,
                "service_id": sid,
                "name": meta.organisation,
                "email": meta.contact.email,
                "phones": [{"id": stable_id("phone", doc.slug), "contact_id": contact_id, "number": meta.contact.phone}]
                if meta.contact.phone
                else [],
            }
        )
    ]
    if meta.contact.phone:
        record["phones"] = [
            {"id": stable_id("phone", "service", doc.slug), "service_id": sid, "number": meta.contact.phone}
        ]
    if meta.opening_times:
        record["schedules"] = schedules(doc.slug, sid, meta.opening_times)
    cost_option: dict[str, Any] = {"id": stable_id("cost", doc.slug), "service_id": sid, "option": cost.type}
    if cost.type == "free":
        cost_option["amount"] = 0
    if cost.detail:
        cost_option["amount_description"] = cost.detail
    record["cost_options"] = [cost_option]
    record["service_areas"] = [
        {
            "id": stable_id("service_area", doc.slug, area),
            "service_id": sid,
            "name": str((store.council.areas.get(area) or {}).get("en", area)),
            "extent_type": "text",
        }
        for area in meta.area_served
    ]
    record["languages"] = [
        {"id": stable_id("language", doc.slug, lang), "service_id": sid, "name": lang} for lang in meta.languages
    ]
    record["attributes"] = [
        {
            "id": stable_id("attribute", doc.slug, tax, key),
            "link_id": sid,
            "link_type": "service",
            "taxonomy_term_id": term_id(tax, key),
            "taxonomy_term": taxonomy_term(tax, key),
        }
        for tax, key in _terms_of(doc)
    ]
    sals = service_at_locations(doc)
    if sals:
        record["service_at_locations"] = sals
    return _clean(record)


#: Metres in a mile: ORUK's `proximity` is in metres; the gazetteer's distances are in miles.
METRES_PER_MILE = 1609.344
#: Metres in a degree of latitude, near enough to rule out a place before working out its distance.
_METRES_PER_DEGREE = 111_000


@dataclass(frozen=True)
class Place:
    """Where a query's postcode is, from the gazetteer: its centroid, and whether it is in the council's own area."""

    point: Point
    in_area: bool


@dataclass(frozen=True)
class Query:
    """The list filters ORUK names, validated."""

    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    search: str = ""
    taxonomy_term_id: str | None = None
    taxonomy_id: str | None = None
    minimum_age: float | None = None
    maximum_age: float | None = None
    modified_after: dt.datetime | None = None
    day: str | None = None  # an iCal day code, "MO" to "SU"
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    postcode: str | None = None  # written the ONS way, "AB1 2CD"
    proximity: float | None = None  # metres from the postcode's centroid
    #: Where `postcode` is: set from the gazetteer by the caller, None when the gazetteer does not have it.
    place: Place | None = None

    @property
    def filtered(self) -> bool:
        """Whether any filter narrows the list (paging aside)."""
        return bool(
            self.search
            or self.taxonomy_term_id
            or self.taxonomy_id
            or self.minimum_age is not None
            or self.maximum_age is not None
            or self.modified_after is not None
            or self.by_opening
            or self.postcode
        )

    @property
    def by_opening(self) -> bool:
        return self.day is not None or self.start_time is not None or self.end_time is not None


#: Every parameter the API reads; each may be given once.
PARAMETERS = (
    "page",
    "per_page",
    "search",
    "text",
    "taxonomy_term_id",
    "taxonomy_id",
    "minimum_age",
    "maximum_age",
    "modified_after",
    "day",
    "start_time",
    "end_time",
    "postcode",
    "proximity",
)
#: A full UK postcode, with or without the one space (as the served OpenAPI document's pattern).
_POSTCODE = re.compile(r"[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}")


def _day(args: Mapping[str, str]) -> str | None:
    raw = (args.get("day") or "").strip().lower()
    if not raw:
        return None
    for code, name in zip(ICAL, DAYS, strict=True):
        if raw in (code.lower(), name):
            return code
    raise BadParameter("day must be a day of the week: MO, TU, WE, TH, FR, SA or SU (or its name)")


def _clock_time(args: Mapping[str, str], name: str) -> dt.time | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = dt.time.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise BadParameter(f"{name} must be a time of day, HH:MM") from None
    return value.replace(tzinfo=None)


def _int(args: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(f"{name} must be a whole number") from None
    if not low <= value <= high:
        raise BadParameter(f"{name} must be between {low} and {high}")
    return value


def _number(args: Mapping[str, str], name: str, unit: str = "years") -> float | None:
    raw = args.get(name)
    if raw in (None, ""):
        return None
    try:
        value = float(raw)
    except ValueError:
        raise BadParameter(f"{name} must be a number") from None
    if not math.isfinite(value) or value < 0:
        raise BadParameter(f"{name} must be a number of {unit}, 0 or more")
    return value


def _uuid(args: Mapping[str, str], name: str) -> str | None:
    raw = args.get(name)
    if raw in (None, ""):
        return None
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise BadParameter(f"{name} must be a UUID") from None


def _postcode(args: Mapping[str, str]) -> str | None:
    raw = (args.get("postcode") or "").strip()
    if not raw:
        return None
    if not _POSTCODE.fullmatch(raw):
        raise BadParameter("postcode must be a full UK postcode, like LS6 2AB")
    return normalise_postcode(raw)


def parse_query(args: Mapping[str, str]) -> Query:
    """Validate the query string; raises BadParameter with a message for developers.

    The postcode is only read here: the caller finds it in the gazetteer (`Query.place`).
    """
    getlist = getattr(args, "getlist", None)
    if getlist is not None:
        repeated = [name for name in PARAMETERS if len(getlist(name)) > 1]
        if repeated:
            raise BadParameter(f"{repeated[0]} must be given only once")
    modified_after = None
    raw = args.get("modified_after")
    if raw:
        try:
            modified_after = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            raise BadParameter("modified_after must be an ISO 8601 date-time") from None
        if modified_after.tzinfo is None:
            modified_after = modified_after.replace(tzinfo=dt.UTC)
    postcode = _postcode(args)
    proximity = _number(args, "proximity", "metres")
    search = (args.get("search") or args.get("text") or "").strip()
    if len(search) > 200:
        raise BadParameter("search must be at most 200 characters")
    return Query(
        page=_int(args, "page", 1, 1, 1_000_000),
        per_page=_int(args, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
        search=search,
        taxonomy_term_id=_uuid(args, "taxonomy_term_id"),
        taxonomy_id=_uuid(args, "taxonomy_id"),
        minimum_age=_number(args, "minimum_age"),
        maximum_age=_number(args, "maximum_age"),
        modified_after=modified_after,
        day=_day(args),
        start_time=_clock_time(args, "start_time"),
        end_time=_clock_time(args, "end_time"),
        postcode=postcode,
        # Without a postcode there is nowhere to measure from, so a proximity alone narrows nothing.
        proximity=proximity if postcode else None,
    )


def _open_as_asked(rules: Sequence[WeeklyHours], query: Query) -> bool:
    """Whether one of the service's opening rules falls on the day and within the times asked."""
    for rule in rules:
        if query.day is not None and not any(day.endswith(query.day) for day in rule.days):
            continue
        if query.start_time is not None and rule.opens < query.start_time:
            continue
        if query.end_time is not None and rule.closes > query.end_time:
            continue
        return True
    return False


def _within(point: Point, origin: Point, metres: float) -> bool:
    """Whether `point` is at most `metres` from `origin` over the earth's surface."""
    if abs(point.latitude - origin.latitude) * _METRES_PER_DEGREE > metres * 1.01:
        return False
    return distance_miles(origin, point) * METRES_PER_MILE <= metres


#: How many searched-for words' services each content store's lookup remembers.
WORDS_REMEMBERED = 512


@dataclass(frozen=True)
class _Lookup:
    """What the API's lists read of every service, worked out once per content store.

    Services are numbered in the store's order; each field has one entry per service. The
    list records (`listed`, `located`) are encoded as JSON the first time a page shows them,
    and kept for the store's life: a publish makes a new store, and so a new lookup.
    """

    docs: tuple[Document, ...]
    by_id: Mapping[str, int]
    modified: tuple[dt.datetime, ...]  # when each page's file last changed
    ages: tuple[tuple[int, int], ...]
    #: Taxonomy and taxonomy term ids -> a bit each; each service's bits are one number.
    term_bits: Mapping[str, int]
    terms: tuple[int, ...]
    #: Each different wording of opening times, read; and which of them each service has.
    hours: tuple[tuple[WeeklyHours, ...], ...]
    opening: tuple[int, ...]
    points: tuple[tuple[Point, ...], ...]  # its locations' coordinates (none for an address alone)
    whole_area: tuple[bool, ...]
    places: tuple[int, ...]  # how many locations it has: its service-at-location records
    newest: dt.datetime | None
    listed: dict[int, bytes] = field(default_factory=dict, compare=False)
    located: dict[tuple[int, int], bytes] = field(default_factory=dict, compare=False)
    #: The answers of `containing` for the words searched for most recently.
    found: Recent[tuple[int, ...]] = field(default_factory=lambda: Recent(WORDS_REMEMBERED), compare=False)

    def containing(self, word: str) -> tuple[int, ...]:
        """The services whose title, summary, organisation or text contain `word`, in order.

        A common word is in thousands of services, so the answers for recent words are kept.
        """
        remembered = self.found.get(word)
        if remembered is None:
            remembered = self._containing(word)
            self.found.put(word, remembered)
        return remembered

    def _containing(self, word: str) -> tuple[int, ...]:
        # Each service's words are lowered as they are read rather than kept lowered: about
        # 20 ms at 10,000 services, once per word, instead of a second copy of every text.
        return tuple(n for n, doc in enumerate(self.docs) if word in _searched(doc))

    def near(self, number: int, place: int | None, origin: Point, metres: float) -> bool:
        """Whether a service (or one place of it) is within `metres` of `origin`.

        A service without coordinates of its own is near when it covers the whole area: it
        reaches families wherever they live in it.
        """
        points = self.points[number]
        if not points:
            return self.whole_area[number]
        chosen = points if place is None else points[place : place + 1]
        return any(_within(point, origin, metres) for point in chosen)


def _searched(doc: Document) -> str:
    """The words `search` looks in: the service's title, summary, organisation and text, lowered."""
    return f"{doc.meta.title} {doc.meta.summary} {doc.meta.organisation} {doc.text}".lower()


def _build_lookup(store: ContentStore) -> _Lookup:
    docs = tuple(store.services.values())
    modified = tuple(last_modified(doc) for doc in docs)
    ids = [taxonomy_id(t) for t in TAXONOMIES] + [term["id"] for term in all_terms()]
    term_bits = {one: 1 << number for number, one in enumerate(ids)}
    wordings = {"": 0}  # many services share their opening times; 0 is none
    for doc in docs:
        wordings.setdefault(doc.meta.opening_times or "", len(wordings))
    return _Lookup(
        docs=docs,
        by_id={service_id(doc): number for number, doc in enumerate(docs)},
        modified=modified,
        ages=tuple((doc.meta.age_min, doc.meta.age_max) for doc in docs),
        term_bits=term_bits,
        terms=tuple(
            sum({term_bits[i] for t, k in _terms_of(doc) for i in (term_id(t, k), taxonomy_id(t))}) for doc in docs
        ),
        hours=tuple(tuple(weekly_hours(wording)) for wording in wordings),
        opening=tuple(wordings[doc.meta.opening_times or ""] for doc in docs),
        points=tuple(tuple(Point(p.latitude, p.longitude) for p in doc.meta.locations) for doc in docs),
        whole_area=tuple(doc.meta.covers_whole_area for doc in docs),
        places=tuple(len(doc.meta.locations) or (1 if doc.meta.address else 0) for doc in docs),
        newest=max(modified, default=None),
    )


def _lookup(store: ContentStore) -> _Lookup:
    return store.derived("openreferral", _build_lookup)


def _selected(lookup: _Lookup, query: Query) -> Sequence[int]:
    """The numbers of the services that match every filter, in the store's order."""
    if not query.filtered:
        return range(len(lookup.docs))
    if query.postcode and (query.place is None or not query.place.in_area):
        # The gazetteer has every postcode of the area: a postcode it lacks, or has outside the
        # area, is within no service's area.
        return []
    chosen: Sequence[int] = range(len(lookup.docs))
    for word in query.search.lower().split():
        found = lookup.containing(word)
        chosen = found if isinstance(chosen, range) else sorted(set(chosen).intersection(found))
    terms, ages = lookup.terms, lookup.ages
    for wanted in (query.taxonomy_term_id, query.taxonomy_id):
        if wanted:
            bit = lookup.term_bits.get(wanted, 0)
            chosen = [n for n in chosen if terms[n] & bit]
    # A service suits an age range when the ranges overlap.
    if query.minimum_age is not None:
        chosen = [n for n in chosen if ages[n][1] >= query.minimum_age]
    if query.maximum_age is not None:
        chosen = [n for n in chosen if ages[n][0] <= query.maximum_age]
    if query.by_opening:
        suits = [_open_as_asked(rules, query) for rules in lookup.hours]
        opening = lookup.opening
        chosen = [n for n in chosen if suits[opening[n]]]
    if query.modified_after is not None:
        chosen = [n for n in chosen if lookup.modified[n] > query.modified_after]
    if query.proximity is not None and query.place is not None:
        origin, metres = query.place.point, query.proximity
        chosen = [n for n in chosen if lookup.near(n, None, origin, metres)]
    return chosen


_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _page_head(total: int, size: int, query: Query) -> dict[str, Any]:
    pages = max(1, math.ceil(total / query.per_page))
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": query.page,
        "size": size,
        "first_page": query.page == 1,
        "last_page": query.page >= pages,
        "empty": not size,
    }


def page_of(items: list[Any], query: Query) -> dict[str, Any]:
    """An ORUK Page around `items`."""
    start = (query.page - 1) * query.per_page
    contents = items[start : start + query.per_page]
    return {**_page_head(len(items), len(contents), query), "contents": contents}


def _page_json(total: int, query: Query, records: list[bytes]) -> bytes:
    """An ORUK Page as JSON, around records already encoded."""
    head = _ENCODE(_page_head(total, len(records), query))
    return head[:-1].encode() + b',"contents":[' + b",".join(records) + b"]}"


def _listed(store: ContentStore, lookup: _Lookup, number: int) -> bytes:
    """A service's list record as JSON (encoded once per store)."""
    record = lookup.listed.get(number)
    if record is None:
        doc = lookup.docs[number]
        record = _ENCODE(service(store, doc, full=False, modified=lookup.modified[number])).encode()
        lookup.listed[number] = record
    return record


def _located(store: ContentStore, lookup: _Lookup, number: int, place: int) -> bytes:
    """One service-at-location list record as JSON: its place (encoded once per store), then its service."""
    start = lookup.located.get((number, place))
    if start is None:
        for other, record in enumerate(service_at_locations(lookup.docs[number])):
            lookup.located[(number, other)] = _ENCODE(record)[:-1].encode() + b',"service":'
        start = lookup.located[(number, place)]
    return start + _listed(store, lookup, number) + b"}"


def service_page(store: ContentStore, query: Query) -> bytes:
    """A page of services (their one-to-one fields), as JSON."""
    lookup = _lookup(store)
    chosen = _selected(lookup, query)
    start = (query.page - 1) * query.per_page
    shown = chosen[start : start + query.per_page]
    return _page_json(len(chosen), query, [_listed(store, lookup, number) for number in shown])


def service_at_location_page(store: ContentStore, query: Query) -> bytes:
    """A page of services at locations, each with its service's one-to-one fields, as JSON.

    With a postcode and proximity, each location is measured on its own.
    """
    lookup = _lookup(store)
    chosen = _selected(lookup, query)
    places = [(number, place) for number in chosen for place in range(lookup.places[number])]
    if query.proximity is not None and query.place is not None:
        origin, metres = query.place.point, query.proximity
        places = [(number, place) for number, place in places if lookup.near(number, place, origin, metres)]
    start = (query.page - 1) * query.per_page
    shown = places[start : start + query.per_page]
    return _page_json(len(places), query, [_located(store, lookup, number, place) for number, place in shown])


def service_by_id(store: ContentStore, wanted: str) -> Document | None:
    lookup = _lookup(store)
    number = lookup.by_id.get(wanted)
    return None if number is None else lookup.docs[number]


def _service_at_location_ids(store: ContentStore) -> Mapping[str, tuple[str, int]]:
    """Each service-at-location id -> the service's slug and which of its places it is."""
    return {
        stable_id("service_at_location", doc.slug, *((str(place),) if place else ())): (doc.slug, place)
        for doc, count in zip(_lookup(store).docs, _lookup(store).places, strict=True)
        for place in range(count)
    }


def service_at_location_by_id(store: ContentStore, wanted: str) -> dict[str, Any] | None:
    found = store.derived("openreferral-service-at-location-ids", _service_at_location_ids).get(wanted)
    if found is None:
        return None
    doc = store.services[found[0]]
    return {**service_at_locations(doc)[found[1]], "service": service(store, doc)}


def taxonomy_by_id(wanted: str) -> dict[str, Any] | None:
    return next((taxonomy(key) for key in TAXONOMIES if taxonomy_id(key) == wanted), None)


def term_by_id(wanted: str) -> dict[str, Any] | None:
    return next((term for term in all_terms() if term["id"] == wanted), None)


def newest(store: ContentStore) -> dt.datetime | None:
    """When the newest service page last changed."""
    return _lookup(store).newest
