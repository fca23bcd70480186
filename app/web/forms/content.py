"""Forms for editing the Local Offer: one GOV.UK field for every front-matter field of a page
kind, the markdown text, a change note and the revision the edit started from.

The fields only turn what staff typed into values (numbers, dates, lists); whether a page is
valid is decided by the same schema `flask content check` uses (`app.content.editing`),
whose problems are shown on the fields they belong to.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    Field,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ...content.problems import Problem
from ...content.schedule2 import SCHEDULE2
from ...content.schema import ACCESS_ROUTES, AUDIENCES, CATEGORIES, NEED_AREAS, SECTIONS
from .kit import MARKDOWN_HINT, GovDateField, WholeNumberField, strip

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class FieldSpec:
    """One form field: its name, the front-matter key (dotted when nested) and how to make it."""

    name: str
    key: str
    make: Callable[[Mapping[str, str]], Field]
    kind: str = "text"  # text | int | date | choice | many | words | timeline


def _text(label: Any, hint: Any = None, required: Any = None, max_length: int = 2000, area: bool = False):
    """A text box (or `area`); `required` is the message when it is left empty (None: optional)."""

    def make(_areas: Mapping[str, str]) -> Field:
        validators: list[Any] = [
            Length(max=max_length, message=_l("Enter %(max)d characters or fewer", max=max_length))
        ]
        validators.insert(0, DataRequired(message=required) if required is not None else Optional())
        cls, widget = (TextAreaField, GovTextArea()) if area else (StringField, GovTextInput())
        return cls(label, widget=widget, description=hint, filters=[strip], validators=validators)

    return make


def _number(label: Any, hint: Any = None):
    def make(_areas: Mapping[str, str]) -> Field:
        return WholeNumberField(
            label,
            widget=GovTextInput(),
            description=hint,
            invalid_message=_l("%(field)s must be a whole number", field=label),
        )

    return make


def _date(label: Any):
    def make(_areas: Mapping[str, str]) -> Field:
        return GovDateField(
            label,
            description=_l("For example, 27 3 2027"),
            invalid_message=_l("%(field)s must be a real date", field=label),
        )

    return make


def _choice(label: Any, choices: Mapping[str, Any], radios: bool = False):
    def make(_areas: Mapping[str, str]) -> Field:
        options = [SelectChoice(key, text) for key, text in choices.items()]
        if radios:
            return RadioField(label, widget=GovRadioInput(), choices=options, validators=[Optional()])
        return SelectField(label, widget=GovSelect(), choices=[SelectChoice("", _l("Choose one")), *options])

    return make


def _many(label: Any, choices: Mapping[str, Any] | None, hint: Any = None):
    def make(areas: Mapping[str, str]) -> Field:
        options = choices if choices is not None else areas
        return SelectMultipleField(
            label,
            widget=GovCheckboxesInput(),
            description=hint,
            choices=[SelectChoice(key, text) for key, text in options.items()],
        )

    return make


_COMMAS = _l("Separate them with commas.")

#: The title and summary every page has.
TITLE_AND_SUMMARY = (
    FieldSpec("title", "title", _text(_l("Title"), required=_l("Enter a title"), max_length=120)),
    FieldSpec(
        "summary",
        "summary",
        _text(
            _l("Summary"), _l("One or two sentences for lists and search results."), _l("Enter a summary"), 300, True
        ),
    ),
)

SERVICE_FIELDS = (
    *TITLE_AND_SUMMARY,
    FieldSpec("category", "category", _choice(_l("Category"), CATEGORIES), "choice"),
    FieldSpec(
        "organisation",
        "organisation",
        _text(_l("Organisation"), required=_l("Enter the organisation’s name"), max_length=200),
    ),
    FieldSpec("age_min", "age_min", _number(_l("Youngest age"), _l("In years, from 0 to 25.")), "int"),
    FieldSpec("age_max", "age_max", _number(_l("Oldest age"), _l("In years, from 0 to 25.")), "int"),
    FieldSpec("need_areas", "need_areas", _many(_l("Areas of need"), NEED_AREAS), "many"),
    FieldSpec(
        "cost_type",
        "cost.type",
        _choice(_l("Cost"), {"free": _l("Free"), "paid": _l("There is a cost")}, True),
        "choice",
    ),
    FieldSpec("cost_detail", "cost.detail", _text(_l("Cost details (optional)"), max_length=300)),
    FieldSpec("access", "access", _choice(_l("How to get it"), ACCESS_ROUTES, True), "choice"),
    FieldSpec(
        "contact_org",
        "contact",
        _text(
            _l("Organisation in contacts.yaml (optional)"),
            _l(
                "Use its phone, email and website from contacts.yaml, for example sendiass. "
                "Leave empty to give them below."
            ),
            max_length=64,
        ),
    ),
    FieldSpec("contact_phone", "contact.phone", _text(_l("Phone (optional)"), max_length=64)),
    FieldSpec("contact_email", "contact.email", _text(_l("Email (optional)"), max_length=254)),
    FieldSpec("contact_website", "contact.website", _text(_l("Website (optional)"), max_length=500)),
    FieldSpec("area_served", "area_served", _many(_l("Areas served"), None), "many"),
    FieldSpec("address", "address", _text(_l("Address (optional)"), max_length=300)),
    FieldSpec("opening_times", "opening_times", _text(_l("Opening times (optional)"), max_length=300)),
    FieldSpec(
        "accessibility",
        "accessibility",
        _text(
            _l("Getting in and around (optional)"),
            _l("Step-free access, toilets, parking, quiet spaces."),
            max_length=500,
        ),
    ),
    FieldSpec("languages", "languages", _text(_l("Languages (optional)"), _COMMAS, max_length=300), "words"),
    FieldSpec("last_reviewed", "last_reviewed", _date(_l("Last checked")), "date"),
    FieldSpec("review_due", "review_due", _date(_l("Next check due")), "date"),
    FieldSpec(
        "maintainer_name",
        "maintainer.name",
        _text(
            _l("Who looks after this listing: name (optional)"),
            _l("They are emailed a link to check the listing before its next check is due. Never shown to the public."),
            max_length=120,
        ),
    ),
    FieldSpec(
        "maintainer_organisation",
        "maintainer.organisation",
        _text(_l("Who looks after this listing: organisation (optional)"), max_length=160),
    ),
    FieldSpec(
        "maintainer_email",
        "maintainer.email",
        _text(_l("Who looks after this listing: email (optional)"), max_length=254),
    ),
    FieldSpec("schedule2", "schedule2", _many(_l("Schedule 2 items this page covers (optional)"), SCHEDULE2), "many"),
    FieldSpec(
        "id",
        "id",
        _text(_l("Open Referral id (optional)"), _l("Only when a renamed page must keep its old id."), max_length=36),
    ),
)

GUIDANCE_FIELDS = (
    *TITLE_AND_SUMMARY,
    FieldSpec("audience", "audience", _many(_l("Who it is for"), AUDIENCES), "many"),
    FieldSpec("section", "section", _choice(_l("Section"), SECTIONS), "choice"),
    FieldSpec("order", "order", _number(_l("Order in its section"), _l("1 comes first.")), "int"),
    FieldSpec(
        "related",
        "related",
        _text(
            _l("Related pages (optional)"),
            _l("Their addresses' last part, for example annual-reviews. Separate them with commas."),
            max_length=1000,
        ),
        "words",
    ),
    FieldSpec(
        "timeline",
        "timeline",
        _text(
            _l("Timeline (optional)"),
            _l("One step a line: week | title | what happens. For example: 6 | Decision | The council decides."),
            max_length=5000,
            area=True,
        ),
        "timeline",
    ),
    FieldSpec("last_reviewed", "last_reviewed", _date(_l("Last checked against the law")), "date"),
    FieldSpec("review_due", "review_due", _date(_l("Next check due (optional)")), "date"),
    FieldSpec("schedule2", "schedule2", _many(_l("Schedule 2 items this page covers (optional)"), SCHEDULE2), "many"),
)

PAGE_FIELDS = (
    *TITLE_AND_SUMMARY,
    FieldSpec("schedule2", "schedule2", _many(_l("Schedule 2 items this page covers (optional)"), SCHEDULE2), "many"),
)

FIELDS = {"services": SERVICE_FIELDS, "guidance": GUIDANCE_FIELDS, "pages": PAGE_FIELDS}


class _EditBase(FlaskForm):
    """What every edit has: the markdown, a note, the revision it started from, and the buttons."""

    body = TextAreaField(
        _l("Page text"),
        widget=GovTextArea(),
        description=MARKDOWN_HINT,
        validators=[
            DataRequired(message=_l("Enter the page text")),
            Length(max=200_000, message=_l("Page text is too long")),
        ],
    )
    note = StringField(
        _l("What did you change?"),
        widget=GovTextInput(),
        description=_l("A short note for the page's history, for example: New opening times."),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter what you changed")),
            Length(max=300, message=_l("Enter 300 characters or fewer")),
        ],
    )
    base_revision = HiddenField()
    save_draft = SubmitField(_l("Save as draft"), widget=GovSubmitInput())
    propose = SubmitField(_l("Send for approval"), widget=GovSubmitInput())
    publish = SubmitField(_l("Publish"), widget=GovSubmitInput())

    kind: str = "pages"
    specs: Sequence[FieldSpec] = ()

    def action(self) -> str:
        """publish, propose or draft: the button pressed."""
        if self.publish.data:
            return "publish"
        if self.propose.data:
            return "propose"
        return "draft"

    def base(self) -> int | None:
        value = (self.base_revision.data or "").strip()
        return int(value) if value.isdigit() else None

    def fill(self, front: Mapping[str, Any], body: str) -> None:
        """Show a page's front matter (as written) and text in the fields."""
        for spec in self.specs:
            field = getattr(self, spec.name)
            value = _get(front, spec.key)
            if spec.name == "contact_org":
                value = front.get("contact") if isinstance(front.get("contact"), str) else None
            elif spec.key.startswith("contact.") and not isinstance(front.get("contact"), dict):
                value = None
            field.data = _shown(value, spec.kind)
        self.body.data = body

    def front_matter(self) -> dict[str, Any]:
        """The values typed, as front-matter keys (None: leave the field out). Call after validate."""
        values: dict[str, Any] = {}
        for spec in self.specs:
            if spec.name == "contact_org":
                continue
            data = getattr(self, spec.name).data
            value: Any
            if spec.kind == "many":
                value = list(data or []) or None
            elif spec.kind == "words":
                value = [part.strip() for part in (data or "").split(",") if part.strip()] or None
            elif spec.kind == "timeline":
                value = _timeline(data or "") or None
            elif isinstance(data, str):
                value = data.strip() or None
            else:
                value = data
            _put(values, spec.key, value)
        organisation = getattr(self, "contact_org", None)
        if organisation is not None and organisation.data:
            values["contact"] = organisation.data  # its details come from contacts.yaml
        return values

    def validate_timeline(self, field: Field) -> None:  # only on guidance
        try:
            _timeline(field.data or "")
        except ValueError:
            raise ValidationError(_("Write each step of the timeline as: week | title | what happens")) from None

    def show_problems(self, problems: Sequence[Problem]) -> None:
        """Put the content check's problems (its own words) on the fields they are about, else on the text."""
        for problem in problems:
            field = self._field_for(problem.message)
            field.errors = [*field.errors, problem.message]

    def _field_for(self, message: str) -> Field:
        head = message.split(":", 1)[0].strip()
        by_key = {spec.key: spec.name for spec in self.specs}
        if head in by_key:
            return getattr(self, by_key[head])
        if head == "contact":
            return getattr(self, "contact_phone", self.body)
        if head.split(".")[0] in by_key:
            return getattr(self, by_key[head.split(".")[0]])
        for spec in self.specs:
            if re.search(rf"\b{re.escape(spec.key.split('.')[-1])}\b", message):
                return getattr(self, spec.name)
        return self.body


class NewPageMixin:
    """The address of a new page."""

    slug = StringField(
        _l("Address"),
        widget=GovTextInput(),
        description=_l("Lowercase words joined by hyphens, for example riverside-youth-club."),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter the page's address")),
            Length(max=100, message=_l("Enter 100 characters or fewer")),
        ],
    )

    def validate_slug(self, field: Field) -> None:
        if not _SLUG.match(field.data or ""):
            raise ValidationError(_("The address must be lowercase words joined by hyphens, like riverside-youth-club"))


_FORM_CLASSES: dict[tuple[str, bool, tuple[str, ...]], type[_EditBase]] = {}


def page_form(kind: str, areas: Mapping[str, str], *, new: bool = False, **kwargs: Any) -> _EditBase:
    """The edit form for a page of `kind` (with an address box when `new`); `areas` are the council's."""
    key = (kind, new, tuple(areas))
    cls = _FORM_CLASSES.get(key)
    if cls is None:
        specs = FIELDS[kind]
        attrs: dict[str, Any] = {spec.name: spec.make(areas) for spec in specs}
        attrs.update(kind=kind, specs=specs)
        bases = (NewPageMixin, _EditBase) if new else (_EditBase,)
        cls = type(f"{kind.title()}Form", bases, attrs)
        _FORM_CLASSES[key] = cls
    return cls(**kwargs)


class GlossaryTermForm(FlaskForm):
    """One glossary term."""

    term = StringField(
        _l("Term"),
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter the term")),
            Length(max=200, message=_l("Enter 200 characters or fewer")),
        ],
    )
    abbreviation = StringField(
        _l("Abbreviation (optional)"),
        widget=GovTextInput(),
        filters=[strip],
        validators=[Optional(), Length(max=30, message=_l("Enter 30 characters or fewer"))],
    )
    aliases = StringField(
        _l("Other names (optional)"),
        widget=GovTextInput(),
        description=_COMMAS,
        filters=[strip],
        validators=[Optional(), Length(max=500, message=_l("Enter 500 characters or fewer"))],
    )
    definition = TextAreaField(
        _l("What it means"),
        widget=GovTextArea(),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter what it means")),
            Length(max=3000, message=_l("Enter 3,000 characters or fewer")),
        ],
    )
    note = _EditBase.note
    base_revision = HiddenField()
    save_draft = SubmitField(_l("Save as draft"), widget=GovSubmitInput())
    propose = SubmitField(_l("Send for approval"), widget=GovSubmitInput())
    publish = SubmitField(_l("Publish"), widget=GovSubmitInput())

    action = _EditBase.action
    base = _EditBase.base

    def entry(self) -> dict[str, Any]:
        """The term as a glossary.yaml item."""
        item: dict[str, Any] = {"term": self.term.data}
        if self.abbreviation.data:
            item["abbreviation"] = self.abbreviation.data
        aliases = [part.strip() for part in (self.aliases.data or "").split(",") if part.strip()]
        if aliases:
            item["aliases"] = aliases
        item["definition"] = self.definition.data
        return item


class ReasonForm(FlaskForm):
    """Why a proposal is turned down: sent to whoever proposed it."""

    reason = TextAreaField(
        _l("Why are you rejecting this change?"),
        widget=GovTextArea(),
        description=_l("This is sent to the person who proposed it. It is never shown on the website."),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter why you are rejecting this change")),
            Length(max=2000, message=_l("Enter 2,000 characters or fewer")),
        ],
    )
    submit = SubmitField(_l("Reject change"), widget=GovSubmitInput())


class NoteForm(FlaskForm):
    """A change note and the revision seen, for restoring or retiring a page."""

    note = _EditBase.note
    base_revision = HiddenField()
    submit = SubmitField(_l("Confirm"), widget=GovSubmitInput())

    base = _EditBase.base


def _get(front: Mapping[str, Any], key: str) -> Any:
    value: Any = front
    for part in key.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def _put(values: dict[str, Any], key: str, value: Any) -> None:
    if "." not in key:
        if key not in values or value is not None:
            values[key] = value
        return
    outer, inner = key.split(".", 1)
    current = values.get(outer)
    if not isinstance(current, dict):
        current = {}
    if value is not None:
        current[inner] = value
    values[outer] = current or None


def _shown(value: Any, kind: str) -> Any:
    if value is None:
        return [] if kind == "many" else None
    if kind == "many":
        return [str(item) for item in (value if isinstance(value, list | tuple) else [value])]
    if kind == "words":
        return ", ".join(str(item) for item in value) if isinstance(value, list | tuple) else str(value)
    if kind == "timeline":
        if not isinstance(value, list):
            return str(value)
        return "\n".join(
            f"{step.get('week', '')} | {step.get('title', '')} | {step.get('text', '')}"
            for step in value
            if isinstance(step, dict)
        )
    if kind == "date":
        return value if isinstance(value, dt.date) else None
    if kind == "int":
        return value if isinstance(value, int) else None
    return str(value)


def _timeline(text: str) -> list[dict[str, Any]]:
    steps = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != 3 or not parts[0].isdigit():
            raise ValueError(line)
        steps.append({"week": int(parts[0]), "title": parts[1], "text": parts[2]})
    return steps
