"""The search page: /search?q=... with facet filters as plain GET parameters.

Everything is a GET form, so results can be bookmarked and shared and the page works
without JavaScript. Unknown filter values are dropped; a bad age gets a clear message
while the rest of the search still runs.
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovCheckboxInput, GovTextInput
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, SelectMultipleField, StringField
from wtforms.validators import ValidationError

from ..content import CATEGORIES, NEED_AREAS, WHOLE_AREA
from ..i18n import current_language
from ..search import KINDS, Filters, SearchIndex, SearchResults, SearchUnavailable
from ..search.query import AGE_MAX, AGE_MIN, MAX_PAGE
from ..services import search_index
from .council import council
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
    kind = SelectMultipleField(_l("Type of result"), choices=[], widget=GovCheckboxesInput())
    age = StringField(
        _l("Age of the child or young person"),
        description=_l("From %(low)d to %(high)d", low=AGE_MIN, high=AGE_MAX),
        validators=[_valid_age],
        widget=GovTextInput(),
    )
    category = SelectMultipleField(_l("Type of service"), choices=[], widget=GovCheckboxesInput())
    need = SelectMultipleField(_l("Area of need"), choices=[], widget=GovCheckboxesInput())
    area = SelectMultipleField(
        _l("Where you live"),
        description=_l("Services for the whole area are included"),
        choices=[],
        widget=GovCheckboxesInput(),
    )
    free = BooleanField(_l("Free services only"), widget=GovCheckboxInput())
    self_referral = BooleanField(_l("Services you can contact yourself"), widget=GovCheckboxInput())

    def filters(self) -> Filters:
        age = (self.age.data or "").strip()
        return Filters.clean(
            kinds=self.kind.data or (),
            categories=self.category.data or (),
            need_areas=self.need.data or (),
            areas=self.area.data or (),
            local_areas=council().settings.local_areas,
            age=int(age) if not self.age.errors and age.isdigit() else None,
            free=bool(self.free.data),
            self_referral=bool(self.self_referral.data),
        )


def _clean_args(args: MultiDict) -> MultiDict:
    """The query string with unknown filter values dropped (never an error) and one of each single value."""
    cleaned: MultiDict = MultiDict()
    cleaned["q"] = args.get("q", "")
    for name, allowed in _choice_fields().items():
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


def _url(args: MultiDict, **changes) -> str:
    """This search's URL with some parameters changed (None removes one)."""
    params = MultiDict(args)
    for key, value in changes.items():
        params.poplist(key)
        if value is None:
            continue
        for item in value if isinstance(value, list | tuple) else [value]:
            params.add(key, item)
    return url_for("search.search", **params.to_dict(flat=False))


def _pagination(results: SearchResults, args: MultiDict) -> dict | None:
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
                "href": _url(args, page=number),
                "current": number == results.page,
                "visuallyHiddenText": _("Page %(num)d", num=number),
            }
        )
        previous = number
    params: dict = {"items": items, "landmarkLabel": _("Search results pages")}
    if results.page > 1:
        params["previous"] = {"href": _url(args, page=results.page - 1), "text": _("Previous"), "labelText": ""}
    if results.page < results.pages:
        params["next"] = {"href": _url(args, page=results.page + 1), "text": _("Next"), "labelText": ""}
    return params


@bp.route("/search")
def search():
    """Search results with filters; browse help for an empty search; a kind page if there is no index."""
    args = with_postcode(_clean_args(request.args), request.args)
    form = SearchForm(formdata=args)
    _set_choices(form, None)
    form.validate()  # only the age can be wrong; its message is shown and the search still runs
    filters = form.filters()
    index: SearchIndex = search_index()
    try:
        order = nearest_order(form.found)
        results = index.search(form.q.data or "", filters, page_number(last=MAX_PAGE), current_language(), order)
    except SearchUnavailable as exc:
        current_app.logger.warning("Search page shown without results: %s", exc)
        return render_template("search/unavailable.html", form=None)
    _set_choices(form, results)
    if request.args.get("page"):
        args["page"] = str(results.page)
    text = results.text
    return render_template(
        "search/search.html",
        form=form,
        results=results,
        heading_query=text if len(text) <= HEADING_QUERY_CHARS else text[:HEADING_QUERY_CHARS].rstrip() + "…",
        kind_labels=KIND_LABELS,
        pagination=_pagination(results, args),
        filtered=filters.active,
        clear_filters_url=_url(args, **dict.fromkeys(FILTER_PARAMS), page=None),
        suggestion_url=_url(args, q=results.suggestion, page=None) if results.suggestion else None,
        age_hint_url=_url(args, age=str(results.age_hint), page=None) if results.age_hint is not None else None,
        sendiass_url=council().page("sendiass"),
        near=form.found,
        distances=distances(results, form.found),
        covers_whole_area=covers_whole_area,
    )
