"""The search page: /search?q=... with facet filters as plain GET parameters.

Everything is a GET form, so results can be bookmarked and shared and the page works
without JavaScript. Unknown filter values are dropped; a bad age gets a clear message
while the rest of the search still runs.
"""

from __future__ import annotations

import atexit
from dataclasses import dataclass

from flask import Blueprint, Flask, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, SelectMultipleField, StringField
from wtforms.validators import ValidationError

from ..content import CATEGORIES, NEED_AREAS, WHOLE_AREA
from ..extensions import db
from ..i18n import current_language
from ..search import KINDS, Filters, SearchIndex, SearchResults, SearchUnavailable
from ..search.families import write_counts
from ..search.query import AGE_MAX, AGE_MIN, MAX_PAGE
from ..services import search_index, search_tally, search_words
from .council import council
from .forms.kit import RememberedCheckbox, RememberedCheckboxes, RememberedTextInput
from .forms.places import PostcodeMixin
from .near import covers_whole_area, distances, nearest_order, with_postcode
from .pagination import page_number

bp = Blueprint("search", __name__)


#: How each kind of result is labelled.
KIND_LABELS = {
    "services": _l("Service"),
    "guidance": _l("Guidance"),
    "glossary": _l("Glossary"),
    "pages": _l("Page"),
}
KIND_FILTER_LABELS = {
    "services": _l("Services"),
    "guidance": _l("Guidance"),
    "glossary": _l("Glossary"),
    "pages": _l("Other pages"),
}
#: Filter field name -> the values it may take (areas are the council's, from council.yaml).
CHOICE_FIELDS = {"kind": KINDS, "category": tuple(CATEGORIES), "need": tuple(NEED_AREAS), "area": ()}
FILTER_PARAMS = ("kind", "category", "need", "area", "age", "free", "self_referral")
#: Longest query echoed back in the page heading.
HEADING_QUERY_CHARS = 60


@dataclass(frozen=True)
class Scope:
    """Where a filtered list is shown: the page's endpoint, its URL values, and what the page fixes.

    The search page fixes nothing; "All services" fixes the kind of result, and a type of
    service page the type too. Fixed filters are neither shown nor read from the URL.
    """

    endpoint: str = "search.search"
    key: str | None = None  # the category of a type of service page
    services_only: bool = False

    @property
    def fixed(self) -> frozenset[str]:
        return frozenset(({"kind"} if self.services_only else set()) | ({"category"} if self.key else set()))

    def url(self, args: MultiDict, **changes) -> str:
        """This list's URL with some parameters changed (None removes one)."""
        params = MultiDict(args)
        for name, value in changes.items():
            params.poplist(name)
            if value is None:
                continue
            for item in value if isinstance(value, list | tuple) else [value]:
                params.add(name, item)
        values = {"key": self.key} if self.key else {}
        return url_for(self.endpoint, **values, **{k: v for k, v in params.to_dict(flat=False).items() if v != [""]})


SEARCH_PAGE = Scope()


def _choice_fields() -> dict[str, tuple[str, ...]]:
    """Each filter's allowed values, with the council's areas."""
    return {**CHOICE_FIELDS, "area": council().settings.local_areas}


def _valid_age(form: FlaskForm, field: StringField) -> None:
    value = (field.data or "").strip()
    if not value:
        return
    if not value.lstrip("-").isdigit():
        raise ValidationError(_("Enter the age as a number, like 7"))
    if not AGE_MIN <= int(value) <= AGE_MAX:
        raise ValidationError(_("Enter an age from %(low)d to %(high)d", low=AGE_MIN, high=AGE_MAX))


class SearchForm(PostcodeMixin, FlaskForm):
    """The search box and its filters. A GET form: nothing is changed, so no CSRF token."""

    class Meta:
        csrf = False

    q = StringField(_l("Search the Local Offer"), widget=GovTextInput())
    kind = SelectMultipleField(_l("Type of result"), choices=[], widget=RememberedCheckboxes())
    age = StringField(
        _l("Age of the child or young person"),
        description=_l("From %(low)d to %(high)d", low=AGE_MIN, high=AGE_MAX),
        validators=[_valid_age],
        widget=RememberedTextInput(),
    )
    category = SelectMultipleField(_l("Type of service"), choices=[], widget=RememberedCheckboxes())
    need = SelectMultipleField(_l("Area of need"), choices=[], widget=RememberedCheckboxes())
    area = SelectMultipleField(
        _l("Where you live"),
        description=_l("Services for the whole area are included"),
        choices=[],
        widget=RememberedCheckboxes(),
    )
    free = BooleanField(_l("Free services only"), widget=RememberedCheckbox())
    self_referral = BooleanField(_l("Services you can contact yourself"), widget=RememberedCheckbox())

    def filters(self, scope: Scope = SEARCH_PAGE) -> Filters:
        """The filters chosen in the form, with those the page fixes."""
        age = (self.age.data or "").strip()
        return Filters.clean(
            kinds=("services",) if scope.services_only else self.kind.data or (),
            categories=(scope.key,) if scope.key else self.category.data or (),
            need_areas=self.need.data or (),
            areas=self.area.data or (),
            local_areas=council().settings.local_areas,
            age=int(age) if not self.age.errors and age.isdigit() else None,
            free=bool(self.free.data),
            self_referral=bool(self.self_referral.data),
        )


def _clean_args(args: MultiDict, scope: Scope = SEARCH_PAGE) -> MultiDict:
    """The query string with unknown filter values dropped (never an error) and one of each single value."""
    cleaned: MultiDict = MultiDict()
    cleaned["q"] = args.get("q", "")
    for name, allowed in _choice_fields().items():
        if name in scope.fixed:
            continue
        for value in dict.fromkeys(args.getlist(name)):
            if value in allowed:
                cleaned.add(name, value)
    if args.get("age", "").strip():
        cleaned["age"] = args["age"].strip()[:10]
    for name in ("free", "self_referral"):
        if args.get(name) in {"y", "yes", "true", "on", "1"}:
            cleaned[name] = "y"
    return cleaned


def _label(text: str, count: int) -> str:
    return _("%(label)s (%(count)d)", label=text, count=count)


def _set_choices(form: SearchForm, results: SearchResults | None) -> None:
    """Each filter's options, labelled with how many results each would give (zero-count ones hidden)."""
    labels = {"kind": KIND_FILTER_LABELS, "category": CATEGORIES, "need": NEED_AREAS, "area": council().areas}
    facet_names = {"kind": "kinds", "category": "categories", "need": "need_areas", "area": "areas"}
    for name, allowed in _choice_fields().items():
        field = getattr(form, name)
        chosen = set(field.data or ())
        counts = {fc.value: fc.count for fc in results.facets.get(facet_names[name], [])} if results else {}
        if name == "area" and WHOLE_AREA in counts:
            # a part of the area no service names on its own still has the whole area's services
            counts = {key: counts.get(key, counts[WHOLE_AREA]) for key in allowed}
        field.choices = [
            (key, _label(str(labels[name][key]), counts[key]) if key in counts else str(labels[name][key]))
            for key in allowed
            if not counts or counts.get(key) or key in chosen
        ]
    if results and results.facets:
        form.free.label.text = _label(str(form.free.label.text), results.facets["free"][0].count)
        form.self_referral.label.text = _label(
            str(form.self_referral.label.text), results.facets["self_referral"][0].count
        )


def _pagination(results: SearchResults, args: MultiDict, scope: Scope = SEARCH_PAGE) -> dict | None:
    """Parameters for govukPagination, or None for a single page."""
    if results.pages <= 1:
        return None
    items: list[dict] = []
    shown = sorted({1, results.pages, *range(max(1, results.page - 2), min(results.pages, results.page + 2) + 1)})
    previous = 0
    for number in shown:
        if number - previous > 1:
            items.append({"ellipsis": True})
        items.append(
            {
                "number": number,
                "href": scope.url(args, page=number),
                "current": number == results.page,
                "visuallyHiddenText": _("Page %(num)d", num=number),
            }
        )
        previous = number
    params: dict = {"items": items, "landmarkLabel": _("Search results pages")}
    if results.page > 1:
        params["previous"] = {"href": scope.url(args, page=results.page - 1), "text": _("Previous"), "labelText": ""}
    if results.page < results.pages:
        params["next"] = {"href": scope.url(args, page=results.page + 1), "text": _("Next"), "labelText": ""}
    return params


def selected_filters(form: SearchForm, args: MultiDict, scope: Scope = SEARCH_PAGE) -> list[dict[str, str]]:
    """Each filter the reader chose, with the link that removes it (the page's own are not listed)."""
    labels = {"kind": KIND_FILTER_LABELS, "category": CATEGORIES, "need": NEED_AREAS, "area": council().areas}
    selected = []
    for name in ("kind", "category", "need", "area"):
        if name in scope.fixed:
            continue
        chosen = args.getlist(name)
        for value in chosen:
            rest = [other for other in chosen if other != value]
            selected.append({"text": str(labels[name][value]), "href": scope.url(args, page=None, **{name: rest})})
    if args.get("age") and not form.age.errors:
        selected.append({"text": _("Aged %(age)s", age=args["age"]), "href": scope.url(args, page=None, age=None)})
    for name, field in (("free", form.free), ("self_referral", form.self_referral)):
        if args.get(name):
            text = str(field.label.text).rsplit(" (", 1)[0]
            selected.append({"text": text, "href": scope.url(args, page=None, **{name: None})})
    return selected


def store_search_counts(app: Flask | None = None, *, due_only: bool = True) -> None:
    """Write this process's search counts (once `SEARCH_COUNT_SECONDS` have passed, unless not
    `due_only`) and commit; a database that cannot take them keeps them for the next time."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    tally = search_tally(app)
    if due_only and not tally.due(float(app.config.get("SEARCH_COUNT_SECONDS", 10.0))):
        return
    counts = tally.take()
    if not counts:
        return
    try:
        write_counts(counts)
        db.session.commit()
    except SQLAlchemyError:  # counting must never stop a family seeing results
        db.session.rollback()
        tally.give_back(counts)
        app.logger.warning("Searches could not be counted")


def register_search_counts(app: Flask) -> None:
    """Write the counts still waiting when the process stops (a worker restarting, the portal stopping)."""

    def at_exit() -> None:
        try:
            with app.app_context():
                store_search_counts(app, due_only=False)
        except Exception:  # (the process is stopping: nothing more can be done)
            pass

    if not app.testing:
        atexit.register(at_exit)


def filtered_list(scope: Scope = SEARCH_PAGE) -> dict:
    """Everything a page with the search box and filters shows, from the request's query string.

    Raises SearchUnavailable when there is no search index.
    """
    args = with_postcode(_clean_args(request.args, scope), request.args)
    form = SearchForm(formdata=args)
    if scope.services_only:
        form.q.label.text = _("Search services")
    _set_choices(form, None)
    form.validate()  # only the age can be wrong; its message is shown and the search still runs
    filters = form.filters(scope)
    index: SearchIndex = search_index()
    lang = current_language()
    order = nearest_order(form.found)
    results = index.search(form.q.data or "", filters, page_number(last=MAX_PAGE), lang, search_words(), order)
    _set_choices(form, results)
    if results.text and results.page == 1 and not request.args.get("page"):
        search_tally().add(results.text, lang, found=bool(results.total))  # redacted, counted by day only
        store_search_counts()
    if request.args.get("page"):
        args["page"] = str(results.page)
    selected = selected_filters(form, args, scope)
    text = results.text
    return {
        "form": form,
        "scope": scope,
        "results": results,
        "heading_query": text if len(text) <= HEADING_QUERY_CHARS else text[:HEADING_QUERY_CHARS].rstrip() + "…",
        "kind_labels": KIND_LABELS,
        "pagination": _pagination(results, args, scope),
        "filtered": bool(selected),
        "selected_filters": selected,
        "searching": bool(text or selected or form.found),
        "clear_filters_url": scope.url(args, **dict.fromkeys(FILTER_PARAMS), page=None),
        "suggestion_url": scope.url(args, q=results.suggestion, page=None) if results.suggestion else None,
        "age_hint_url": scope.url(args, age=str(results.age_hint), page=None) if results.age_hint is not None else None,
        "sendiass_url": council().page("sendiass"),
        "near": form.found,
        "distances": distances(results, form.found),
        "covers_whole_area": covers_whole_area,
    }


@bp.route("/search")
def search():
    """Search results with filters; browse help for an empty search; a kind page if there is no index."""
    try:
        page = filtered_list()
    except SearchUnavailable as exc:
        current_app.logger.warning("Search page shown without results: %s", exc)
        return render_template("search/unavailable.html", form=None)
    return render_template("search/search.html", **page)
