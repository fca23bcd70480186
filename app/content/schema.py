"""The one front-matter schema for services, guidance and pages, and its fixed lists."""

from __future__ import annotations

import datetime as dt
from typing import Literal
from uuid import UUID

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from ..places.postcodes import normalise_postcode
from .schedule2 import SCHEDULE2

#: Service categories, following the areas of Schedule 2 to the SEND Regulations 2014.
CATEGORIES = {
    "early-years": _l("Early years and childcare"),
    "schools": _l("Schools"),
    "post-16": _l("Colleges and post-16 education"),
    "alternative-provision": _l("Alternative provision"),
    "health": _l("Health and therapies"),
    "social-care": _l("Social care and short breaks"),
    "training": _l("Training, apprenticeships and supported internships"),
    "travel": _l("Travel and transport"),
    "adulthood": _l("Preparing for adulthood"),
    "advice": _l("Information, advice and support"),
    "leisure": _l("Leisure, play and activities"),
    "money": _l("Money, benefits and personal budgets"),
    "disagreements": _l("Complaints, disagreements and appeals"),
}

CATEGORY_DESCRIPTIONS = {
    "early-years": _l("Nurseries, childminders, children's centres and help before school."),
    "schools": _l("Mainstream and special schools, resourced provisions and help in school."),
    "post-16": _l("Colleges, sixth forms and specialist colleges from 16 to 25."),
    "alternative-provision": _l("Education for children who cannot attend school for a time."),
    "health": _l("Therapies, mental health, assessments for autism and ADHD, and nursing."),
    "social-care": _l("Short breaks, social workers and support for families at home."),
    "training": _l("Supported internships, apprenticeships and help to get into work."),
    "travel": _l("Help getting to school or college and learning to travel on your own."),
    "adulthood": _l("Getting ready for work, independent living, friends and good health."),
    "advice": _l("Free advice, parent carer groups and people who can help you."),
    "leisure": _l("Clubs, sport, holiday schemes and things to do."),
    "money": _l("Benefits, personal budgets, direct payments and grants."),
    "disagreements": _l("Complaints, mediation and appeals to the tribunal."),
}

#: The four broad areas of need in the SEND Code of Practice.
NEED_AREAS = {
    "communication-interaction": _l("Communication and interaction"),
    "cognition-learning": _l("Cognition and learning"),
    "semh": _l("Social, emotional and mental health"),
    "sensory-physical": _l("Sensory and physical needs"),
}

ACCESS_ROUTES = {
    "self-referral": _l("You can contact them yourself"),
    "professional-referral": _l("A professional needs to refer you"),
    "ehc-plan-only": _l("Only with an EHC plan"),
}

#: The area key every council has: the whole area. A council's other areas (parts of it)
#: are in content/council.yaml; validation is given them as context `{"areas": [...]}`.
WHOLE_AREA = "borough-wide"

AUDIENCES = {
    "parents": _l("Parents and carers"),
    "young-people": _l("Young people"),
    "professionals": _l("Professionals"),
}

#: Guidance sections in the order a family meets them.
SECTIONS = {
    "start": _l("Getting started"),
    "support": _l("SEN support"),
    "ehc-plans": _l("EHC needs assessments and plans"),
    "disagreements": _l("When you disagree"),
    "adulthood": _l("Preparing for adulthood"),
    "money-and-breaks": _l("Money and short breaks"),
}


def _one_of(value: str, allowed: dict, what: str) -> str:
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r} (use one of: {', '.join(allowed)})")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class _CoversSchedule2(_Strict):
    """Front matter that can say which Schedule 2 items the page covers."""

    schedule2: tuple[str, ...] = ()

    @field_validator("schedule2")
    @classmethod
    def _schedule2(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(_one_of(v, SCHEDULE2, "Schedule 2 item") for v in value))


class Cost(_Strict):
    type: Literal["free", "paid"]
    detail: str | None = None


class Contact(_Strict):
    phone: str | None = None
    email: str | None = None
    website: str | None = None

    @model_validator(mode="after")
    def _at_least_one(self) -> Contact:
        if not (self.phone or self.email or self.website):
            raise ValueError("give at least one of phone, email or website")
        return self


#: What `covers:` says of a service that serves the whole area wherever families live.
COVERS_WHOLE_AREA = "whole area"
#: Great Britain and Northern Ireland, roughly: a coordinate outside is a typing slip.
UK_LATITUDES, UK_LONGITUDES = (49.8, 60.9), (-8.7, 1.8)


class Location(_Strict):
    """One place a service is given: where it is, and how easy it is to get in."""

    name: str = Field(min_length=1, max_length=120)
    address: str = Field(min_length=1, max_length=200)
    postcode: str
    latitude: float = Field(ge=UK_LATITUDES[0], le=UK_LATITUDES[1])
    longitude: float = Field(ge=UK_LONGITUDES[0], le=UK_LONGITUDES[1])
    accessibility: str | None = None

    @field_validator("postcode")
    @classmethod
    def _postcode(cls, value: str) -> str:
        postcode = normalise_postcode(value)
        if postcode is None:
            raise ValueError(f"postcode {value!r} is not a full UK postcode, like SW1A 1AA")
        return postcode


class Maintainer(_Strict):
    """Who looks after a listing: asked to check it, never shown publicly (unless also the public contact)."""

    name: str = Field(min_length=1, max_length=120)
    organisation: str = Field(min_length=1, max_length=160)
    email: str = Field(min_length=3, max_length=254)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        try:
            return validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError:
            raise ValueError(f"maintainer email {value!r} is not an email address") from None


class ServiceMeta(_CoversSchedule2):
    #: A fixed Open Referral id, kept when a page is renamed (else one is made from the slug).
    id: UUID | None = None
    title: str = Field(min_length=1, max_length=120)
    summary: str = Field(min_length=1, max_length=300)
    category: str
    organisation: str = Field(min_length=1)
    age_min: int = Field(ge=0, le=25)
    age_max: int = Field(ge=0, le=25)
    need_areas: tuple[str, ...] = Field(min_length=1)
    cost: Cost
    access: str
    contact: Contact
    area_served: tuple[str, ...] = Field(min_length=1)
    address: str | None = None
    opening_times: str | None = None
    accessibility: str | None = None
    #: Where the service is given (one or more places), for "near where you live".
    locations: tuple[Location, ...] = ()
    #: "whole area" when the service is open to families wherever they live in the area.
    covers: str | None = None
    languages: tuple[str, ...] = ()
    last_reviewed: dt.date
    review_due: dt.date
    #: Who is asked to check the listing; private to staff (see `Maintainer`).
    maintainer: Maintainer | None = None

    @field_validator("covers")
    @classmethod
    def _covers(cls, value: str | None) -> str | None:
        if value is not None and value != COVERS_WHOLE_AREA:
            raise ValueError(f"covers must be {COVERS_WHOLE_AREA!r} (or leave it out and give locations)")
        return value

    @property
    def covers_whole_area(self) -> bool:
        return self.covers == COVERS_WHOLE_AREA

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        return _one_of(value, CATEGORIES, "category")

    @field_validator("access")
    @classmethod
    def _access(cls, value: str) -> str:
        return _one_of(value, ACCESS_ROUTES, "access route")

    @field_validator("need_areas")
    @classmethod
    def _need_areas(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if value == ("all",):
            return tuple(NEED_AREAS)
        return tuple(_one_of(v, NEED_AREAS, "need area") for v in value)

    @field_validator("area_served")
    @classmethod
    def _areas(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        areas = dict.fromkeys((info.context or {}).get("areas", (WHOLE_AREA,)))
        return tuple(_one_of(v, areas, "area") for v in value)

    @model_validator(mode="after")
    def _ranges(self) -> ServiceMeta:
        if self.age_max < self.age_min:
            raise ValueError(f"age_max ({self.age_max}) is below age_min ({self.age_min})")
        if self.review_due <= self.last_reviewed:
            raise ValueError("review_due must be after last_reviewed")
        return self


class TimelineStep(_Strict):
    week: int = Field(ge=0, le=52)
    title: str = Field(min_length=1)
    text: str = Field(min_length=1)


class GuidanceMeta(_CoversSchedule2):
    title: str = Field(min_length=1, max_length=120)
    summary: str = Field(min_length=1, max_length=300)
    audience: tuple[str, ...] = Field(min_length=1)
    section: str
    order: int = Field(ge=1)
    related: tuple[str, ...] = ()
    timeline: tuple[TimelineStep, ...] = ()
    last_reviewed: dt.date | None = None
    review_due: dt.date | None = None

    @field_validator("audience")
    @classmethod
    def _audience(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_one_of(v, AUDIENCES, "audience") for v in value)

    @field_validator("section")
    @classmethod
    def _section(cls, value: str) -> str:
        return _one_of(value, SECTIONS, "section")


class PageMeta(_CoversSchedule2):
    title: str = Field(min_length=1, max_length=120)
    summary: str = Field(min_length=1, max_length=300)


class ServiceTranslation(_Strict):
    """A service's title and summary in another language (its text stays in English)."""

    title: str = Field(min_length=1, max_length=120)
    summary: str = Field(min_length=1, max_length=300)


class GlossaryEntry(_Strict):
    term: str = Field(min_length=1)
    abbreviation: str | None = None
    aliases: tuple[str, ...] = ()
    definition: str = Field(min_length=1)


META_MODELS: dict[str, type[_Strict]] = {
    "services": ServiceMeta,
    "guidance": GuidanceMeta,
    "pages": PageMeta,
}
