"""What the interface knows about the council, in the reader's language.

Templates get `contact(org, detail)` (from contacts.yaml), `council` (names, areas and
linked pages from council.yaml) and a stylesheet of the council's colours at
`/council.css`; the logo is served at `/council-logo`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, url_for
from flask_babel import get_locale

from ..content import ContentError, ContentStore, Council, Problem
from ..content.council import COUNCIL_FILE, REQUIRED_PAGES
from ..content.placeholders import CONTACTS_FILE
from ..services import content_store

#: Organisations and details the interface itself shows (footer, error and survey pages).
REQUIRED_CONTACTS: dict[str, tuple[str, ...]] = {
    "council": ("name",),
    "local-offer-team": ("name", "phone", "email", "hours"),
    "sendiass": ("name",),
}

#: Fixed pages the footer links to (the home page's start points are guidance pages too).
REQUIRED_PAGES_IN_FOOTER = ("accessibility-statement", "contact", "privacy", "cookies", "without-the-internet")

bp = Blueprint("council", __name__)


def language() -> str:
    """The language the current page is in (English outside a request)."""
    locale = get_locale()
    return locale.language if locale else "en"


def store() -> ContentStore:
    return content_store()


def contact(org: str, detail: str) -> str:
    """An organisation's detail from contacts.yaml, in the reader's language."""
    value = store().placeholders.contact(org, detail, language())
    if value is None:
        raise LookupError(f"{CONTACTS_FILE} has no {detail!r} for {org!r}")
    return value


@dataclass(frozen=True)
class CouncilView:
    """The council as one page shows it: every text in that page's language."""

    settings: Council
    locale: str
    council_name: str

    @property
    def name(self) -> str:
        """The council's name, from contacts.yaml."""
        return self.council_name

    @property
    def service_name(self) -> str:
        """The portal's name, from council.yaml."""
        return self.settings.text("service_name", self.locale)

    @property
    def place(self) -> str:
        """The area's name as used in a sentence, e.g. "SEND help in <place>"."""
        return self.settings.text("place", self.locale)

    @property
    def areas(self) -> dict[str, str]:
        return self.settings.area_labels(self.locale)

    @property
    def colours(self) -> dict[str, str]:
        return dict(self.settings.colours)

    @property
    def has_logo(self) -> bool:
        return self.settings.logo is not None

    @property
    def logo_type(self) -> str | None:
        return self.settings.logo_type

    @property
    def plan_reference_example(self) -> str:
        return self.settings.plan_reference_example

    def is_outside(self, address: str | None) -> bool:
        """Whether an address is outside the council's postcode area."""
        return self.settings.is_outside(address)

    def has_page(self, name: str) -> bool:
        return name in self.settings.pages

    def page(self, name: str) -> str:
        """The site path of a page the interface links to (council.yaml `pages`)."""
        return self.settings.pages[name]


def council() -> CouncilView:
    """The council, for the current page's language."""
    locale = language()
    name = store().placeholders.contact("council", "name", locale) or ""
    return CouncilView(store().council, locale, name)


def local_words() -> tuple[str, ...]:
    """The council's and the area's names, in every language: too easy to guess as passwords."""
    settings = store().council
    council_names = store().placeholders.contacts["council"].details["name"].values()
    return tuple(dict.fromkeys([*settings.place.values(), *council_names]))


def missing_settings(content: ContentStore, content_dir_name: str) -> list[Problem]:
    """A problem for each contact or page the interface needs that the content lacks."""
    from .public import START_POINTS

    problems = []
    required = {"pages": REQUIRED_PAGES_IN_FOOTER, "guidance": tuple(slug for slug, _, _ in START_POINTS)}
    for kind, slugs in required.items():
        for slug in slugs:
            if slug not in getattr(content, kind):
                message = f"the portal links to /{kind}/{slug} from every page or the home page: add {kind}/{slug}.md"
                problems.append(Problem(f"{content_dir_name}/{kind}", 1, message))
    for org, details in REQUIRED_CONTACTS.items():
        for detail in details:
            if content.placeholders.contact(org, detail) is None:
                message = f"the portal needs {org}.{detail} (shown on every page): add it"
                problems.append(Problem(f"{content_dir_name}/{CONTACTS_FILE}", 1, message))
    if "parent-carer-forum" in content.council.pages and not content.placeholders.contact("parent-carer-forum", "name"):
        message = "council.yaml links to the parent carer forum's page: add parent-carer-forum with its name"
        problems.append(Problem(f"{content_dir_name}/{CONTACTS_FILE}", 1, message))
    for name in REQUIRED_PAGES:
        if name not in content.council.pages:
            message = f"the portal needs pages.{name} (the page it links to): add {COUNCIL_FILE} with it"
            problems.append(Problem(f"{content_dir_name}/{COUNCIL_FILE}", 1, message))
    return problems


@bp.route("/council.css")
def stylesheet() -> Response:
    """The council's colours as CSS custom properties, which the main stylesheet uses."""
    colours = store().council.colours
    site = url_for("public.home", _external=True).rstrip("/").replace("\\", "").replace('"', "")
    properties = [f"--council-{name.replace('_', '-')}:{value};" for name, value in colours.items()]
    # the site's address, which printed pages write before each link's path
    css = ":root{" + "".join(properties) + f'--council-site:"{site}";' + "}"
    response = Response(css, mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


@bp.route("/council-logo")
def logo():
    """The council's logo file named in council.yaml (the site's CSP stops any script in an SVG)."""
    settings = store().council
    if settings.logo is None:
        abort(404)
    response = Response(settings.logo.read_bytes(), mimetype=settings.logo_type)  # a small file, read whole
    response.cache_control.public = True
    response.cache_control.max_age = 24 * 3600
    return response


def register_council(app: Flask) -> None:
    """Check the content has what the interface shows, and serve the logo (templates get
    `contact()` and `council` from `template_helpers`)."""
    problems = missing_settings(content_store(app), Path(app.config["CONTENT_DIR"]).name)
    if problems:
        raise ContentError(problems)
    app.register_blueprint(bp)
