"""Every template filter and global, registered in one place: `register_template_helpers(app)`.

Locale formatting lives here as filters and globals (`percent`, `number`, `cell_text`), so
the domain packages hand over plain values and never ask whether there is a request.
The service navigation is a table of endpoints: a page's section is the item whose
endpoints include the page's endpoint.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import segno
from flask import Flask, request, url_for
from flask_babel import format_decimal, format_percent, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from .. import clock
from ..content import ACCESS_ROUTES, AUDIENCES, CATEGORIES, NEED_AREAS, SECTIONS
from ..content.phones import phone_link
from ..content.schema import CATEGORY_DESCRIPTIONS
from ..feedback.suppression import Figure
from ..i18n import current_language, html_lang, language_links
from ..languages import text_direction
from ..models.notifications import CHANNEL_LABELS, MESSAGE_STATUS_LABELS, MESSAGE_STATUS_TAGS
from ..models.staff import AUDIT_ACTION_LABELS, ROLE_HINTS, ROLE_LABELS
from ..models.surveys import INVITATION_STATUS_LABELS, INVITATION_STATUS_TAGS
from ..yswd.themes import ENTRY_THEMES, NEWS_KINDS, STAGE_TAG_CLASSES, STAGES, STATUS_TAG_CLASSES, STATUSES
from .forms.kit import date_items


@dataclass(frozen=True)
class NavigationItem:
    """One link in the service navigation, active on the pages of `endpoints`."""

    endpoint: str
    label: object
    endpoints: frozenset[str]


#: The service navigation, in order.
NAVIGATION = (
    NavigationItem(
        "public.services", _l("Services"), frozenset({"public.services", "public.service", "public.category"})
    ),
    NavigationItem("public.guidance_index", _l("Guidance"), frozenset({"public.guidance_index", "public.guidance"})),
    NavigationItem("search.search", _l("Search"), frozenset({"search.search"})),
    NavigationItem(
        "yswd.index", _l("You said, we did"), frozenset({"yswd.index", "yswd.entry", "yswd.feed", "yswd.report"})
    ),
    NavigationItem("public.glossary", _l("Glossary"), frozenset({"public.glossary"})),
    NavigationItem(
        "my_list.index", _l("My list"), frozenset({"my_list.index", "my_list.print_view", "my_list.shared"})
    ),
)
#: The navigation item that shows how many services are on the reader's list.
MY_LIST = "my_list.index"


def navigation_items() -> list[dict]:
    """Items for govukServiceNavigation, the current section marked active; "My list" says how many it holds."""
    from .my_list import count

    def text(item: NavigationItem) -> str:
        if item.endpoint == MY_LIST:
            return _("My list (%(num)s)", num=format_decimal(count()))
        return str(item.label)

    return [
        {"href": url_for(item.endpoint), "text": text(item), "active": request.endpoint in item.endpoints}
        for item in NAVIGATION
    ]


def page_address() -> str:
    """This page's full web address, without its query (printed in the footer)."""
    return url_for("public.home", _external=True).rstrip("/") + request.path


def map_url(latitude: float, longitude: float) -> str:
    """An OpenStreetMap page with a marker on the place (no map server of our own is needed)."""
    return (
        f"https://www.openstreetmap.org/?mlat={latitude:.5f}&mlon={longitude:.5f}#map=17/{latitude:.5f}/{longitude:.5f}"
    )


def distance_text(miles: float) -> str:
    """How far away a service is, in words for the reader's language: "about 2 miles away"."""
    if miles < 1:
        return _("less than 1 mile away")
    whole = round(miles)
    return ngettext("about %(miles)s mile away", "about %(miles)s miles away", whole, miles=format_decimal(whole))


def indent(text: str, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
    """Jinja's `indent` filter, giving the same text, without building a Markup per line.

    GOV.UK Frontend's macros indent every nested component's HTML; Jinja's filter joins
    already-safe lines through Markup's escaping one by one, which a search page with its
    filter checkboxes did some 500 times.
    """
    indention = width if isinstance(width, str) else " " * width
    lines = (str(text) + "\n").splitlines()
    if blank:
        out = ("\n" + indention).join(lines)
    else:
        out = lines[0] + "".join("\n" + (indention + line if line else line) for line in lines[1:])
    if first:
        out = indention + out
    return Markup(out) if isinstance(text, Markup) else out


def percent(value: float | int | None, decimals: int = 0) -> str:
    """A percentage given as 0 to 100, formatted for the reader's locale ("57%", "57 %", "٪57")."""
    if value is None:
        return ""
    pattern = "#,##0%" if decimals == 0 else "#,##0." + "0" * decimals + "%"
    return format_percent(value / 100, pattern)


def number(value: float | int | None) -> str:
    """A number formatted for the reader's locale (thousands separators, decimal comma)."""
    return "" if value is None else format_decimal(value)


def figure_text(figure: Figure) -> str:
    """A figure in the reader's locale ("57,1%" in Polish); "fewer than 5" and "no responses" as they are."""
    if figure.suppressed or figure.value is None:
        return figure.text
    if figure.points:
        return format_decimal(figure.value, "+#,##0.0;-#,##0.0")
    if figure.percent:
        return format_percent(figure.value / 100, "#,##0.0%")
    return format_decimal(figure.value)


def cell_text(cell: Any) -> str:
    """A table cell on screen, in the reader's locale: figures, numbers with two decimals, ISO dates."""
    if isinstance(cell, Figure):
        return figure_text(cell)
    if cell is None:
        return ""
    if isinstance(cell, float):
        return format_decimal(cell, "#,##0" if cell.is_integer() else "#,##0.00")
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell)


def role_items() -> list[dict]:
    """Hints for the role radios, in the order of ROLE_LABELS."""
    return [{"hint": {"text": ROLE_HINTS[key]}} for key in ROLE_LABELS]


def iso_date(value: str | dt.date) -> dt.date:
    """A date written as YYYY-MM-DD (as stored in a message's personalisation), for `dateformat`."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def qr_code(link: str) -> Markup:
    """An inline SVG QR code of `link` (segno), for printed letters; its title names what it is."""
    code = segno.make(link, error="m")
    return Markup(code.svg_inline(scale=4, border=2, title=_("QR code for the survey link"), omitsize=True))


def register_template_helpers(app: Flask) -> None:
    """Add every filter, global and per-request value the templates use."""
    from .council import contact, council
    from .my_list import on_list
    from .security import csp_nonce
    from .surveys import blank_page_feedback_form, page_feedback_form, page_feedback_thanks

    app.jinja_env.filters.update(
        indent=indent,
        extract_label=lambda key, labels: labels[key],
        percent=percent,
        number=number,
        cell_text=cell_text,
        iso_date=iso_date,
        phone_link=phone_link,
    )
    app.jinja_env.globals.update(
        # layout
        navigation_items=navigation_items,
        language_links=language_links,
        languages=app.config["LANGUAGES"],
        csp_nonce=csp_nonce,
        contact=contact,
        on_my_list=on_list,
        map_url=map_url,
        page_address=page_address,
        print_day=clock.today,
        distance_text=distance_text,
        # formatting
        percent=percent,
        number=number,
        cell_text=cell_text,
        date_items=date_items,
        qr_code=qr_code,
        # vocabularies, with their labels
        CATEGORIES=CATEGORIES,
        CATEGORY_DESCRIPTIONS=CATEGORY_DESCRIPTIONS,
        NEED_AREAS=NEED_AREAS,
        ACCESS_ROUTES=ACCESS_ROUTES,
        AUDIENCES=AUDIENCES,
        SECTIONS=SECTIONS,
        ROLE_LABELS=ROLE_LABELS,
        AUDIT_ACTION_LABELS=AUDIT_ACTION_LABELS,
        role_items=role_items,
        ENTRY_THEMES=ENTRY_THEMES,
        STATUSES=STATUSES,
        STATUS_TAG_CLASSES=STATUS_TAG_CLASSES,
        STAGES=STAGES,
        STAGE_TAG_CLASSES=STAGE_TAG_CLASSES,
        NEWS_KINDS=NEWS_KINDS,
        INVITATION_STATUS_LABELS=INVITATION_STATUS_LABELS,
        INVITATION_STATUS_TAGS=INVITATION_STATUS_TAGS,
        MESSAGE_STATUS_LABELS=MESSAGE_STATUS_LABELS,
        MESSAGE_STATUS_TAGS=MESSAGE_STATUS_TAGS,
        CHANNEL_LABELS=CHANNEL_LABELS,
        # "Was this page helpful?"
        page_feedback_form=page_feedback_form,
        blank_page_feedback_form=blank_page_feedback_form,
        page_feedback_thanks=page_feedback_thanks,
    )

    @app.context_processor
    def _request_values() -> dict:
        language = current_language()
        return {
            "current_locale": language,
            "html_lang": html_lang(),
            "text_direction": text_direction(language),
            "council": council(),
        }
