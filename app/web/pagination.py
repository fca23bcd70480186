"""One way to read ?page=, paginate a query, describe it for GOV.UK's pagination component and
render a page of a list."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from flask_babel import _
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from ..extensions import db

#: The highest page number any list or search accepts.
MAX_PAGE_NUMBER = 99_999


def page_number(last: int = MAX_PAGE_NUMBER) -> int:
    """The ?page= number: 1 when missing or not a positive whole number, and at most `last`."""
    raw = (request.args.get("page") or "1").strip()
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        return 1
    return min(int(raw), last)


def paginate(query: Select, per_page: int = 20) -> Pagination:
    """One page of `query`; a page past the end gives an empty page, not an error."""
    return db.paginate(query, page=page_number(), per_page=per_page, error_out=False, max_per_page=per_page)


def govuk_pagination(pagination: Pagination, endpoint: str, **args: Any) -> dict | None:
    """Params for govukPagination, keeping `args` (such as filters) in every link; None for a single page."""
    if pagination.pages <= 1:
        return None
    args = {key: value for key, value in args.items() if value not in (None, "")}

    def href(number: int) -> str:
        return url_for(endpoint, **args, page=number) if number > 1 else url_for(endpoint, **args)

    items: list[dict] = []
    for number in pagination.iter_pages(left_edge=1, left_current=1, right_current=2, right_edge=1):
        if number is None:
            items.append({"ellipsis": True})
        else:
            items.append(
                {
                    "number": number,
                    "href": href(number),
                    "current": number == pagination.page,
                    "visuallyHiddenText": _("Page %(number)d", number=number),
                }
            )
    params: dict = {"items": items, "landmarkLabel": _("Pages")}
    if pagination.has_prev:
        params["previous"] = {"href": href(pagination.page - 1), "text": _("Previous")}
    if pagination.has_next:
        params["next"] = {"href": href(pagination.page + 1), "text": _("Next")}
    return params


def render_list(
    template: str,
    query: Select,
    *,
    per_page: int,
    rows: str,
    endpoint: str,
    args: dict[str, Any] | None = None,
    **context: Any,
) -> str:
    """`template` with one page of `query` (as `rows`), the page itself (as `page`) and its
    pagination (as `pagination`), whose links go to `endpoint` keeping `args`."""
    page = paginate(query, per_page=per_page)
    pagination = govuk_pagination(page, endpoint, **(args or {}))
    return render_template(template, **{rows: page.items}, page=page, pagination=pagination, **context)
