""" "My list": a shortlist of services kept in the (signed cookie) session, with no account.

Families add services from their pages and from search results (POST forms with CSRF, so
it works without JavaScript), print the list with each service's key facts, and share it
as a link that carries only the services' page names.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from .. import clock
from ..content import Document
from ..extensions import limiter
from ..places.near import service_places
from ..services import content_store
from .forms.places import ListForm
from .public import localise

bp = Blueprint("my_list", __name__)

SESSION_KEY = "my_list"
#: Most services a list holds (the session is a cookie, so it must stay small).
MAX_SERVICES = 30
#: Most page names read from a shared link.
MAX_SHARED = MAX_SERVICES
SLUG_MAX = 120


def _rate_limit() -> str:
    return current_app.config["MY_LIST_RATE_LIMIT"]


def saved() -> list[str]:
    """The page names on the reader's list, in the order they were added (unknown ones dropped)."""
    services = content_store().services
    value = session.get(SESSION_KEY)
    return [slug for slug in value if isinstance(slug, str) and slug in services] if isinstance(value, list) else []


def count() -> int:
    """How many services are on the reader's list (for the header)."""
    return len(saved())


def on_list(slug: str) -> bool:
    """Whether a service is on the reader's list (for its button)."""
    return slug in saved()


def _documents(slugs: list[str]) -> list[Document]:
    services = content_store().services
    return [localise(services[slug])[0] for slug in slugs]


def _save(slugs: list[str]) -> None:
    session[SESSION_KEY] = list(dict.fromkeys(slugs))[:MAX_SERVICES]


def _back(default: str) -> str:
    """The page to go back to: a path on this site, never another site."""
    target = request.form.get("next", "")
    parts = urlsplit(target)
    if not target.startswith("/") or target.startswith("//") or "\\" in target or parts.scheme or parts.netloc:
        return default
    return target


def _anchored(target: str, slug: str) -> str:
    """Back to the button that was pressed, unless the page said where to go."""
    return target if "#" in target else f"{target}#my-list-{slug}"


def _form_slug() -> str:
    form = ListForm()
    if not form.validate_on_submit():
        abort(400)
    slug = (form.slug.data or "")[:SLUG_MAX]
    if slug not in content_store().services:
        abort(400)
    return slug


def read_shared(text: str) -> tuple[list[str], int]:
    """The known services named in a shared link's `services` value, and how many names were dropped."""
    names = [name.strip() for name in text.split(",") if name.strip()][:MAX_SHARED]
    services = content_store().services
    known = list(dict.fromkeys(name for name in names if name in services))
    return known, len(names) - len([name for name in names if name in services])


def share_url(slugs: list[str]) -> str:
    """The full web address that rebuilds this list on another device."""
    return url_for("my_list.shared", services=",".join(slugs), _external=True)


@bp.route("/my-list")
def index():
    slugs = saved()
    return render_template(
        "my_list/index.html",
        services=_documents(slugs),
        share=share_url(slugs) if slugs else None,
        full=session.pop("my_list_full", False),
        max_services=MAX_SERVICES,
        form=ListForm(formdata=None),
    )


@bp.route("/my-list/print")
def print_view():
    slugs = saved()
    return render_template(
        "my_list/print.html",
        services=_documents(slugs),
        places=service_places(content_store()),
        printed=clock.today(),
        root=url_for("public.home", _external=True).rstrip("/"),
    )


@bp.route("/my-list/add", methods=["POST"])
@limiter.limit(_rate_limit)
def add() -> Response:
    slug = _form_slug()
    slugs = saved()
    if slug not in slugs:
        if len(slugs) >= MAX_SERVICES:
            session["my_list_full"] = True
            return redirect(url_for("my_list.index"))
        _save([*slugs, slug])
    return redirect(_anchored(_back(url_for("public.service", slug=slug)), slug))


@bp.route("/my-list/remove", methods=["POST"])
@limiter.limit(_rate_limit)
def remove() -> Response:
    slug = _form_slug()
    _save([item for item in saved() if item != slug])
    target = _back(url_for("my_list.index"))
    if target.split("#")[0] == url_for("my_list.index"):
        return redirect(url_for("my_list.index"))  # its button has gone with it
    return redirect(_anchored(target, slug))


@bp.route("/my-list/clear", methods=["POST"])
@limiter.limit(_rate_limit)
def clear() -> Response:
    if not ListForm().validate_on_submit():
        abort(400)
    session.pop(SESSION_KEY, None)
    return redirect(url_for("my_list.index"))


@bp.route("/my-list/shared", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"])
def shared():
    """A list someone shared: see it, then keep it as your own list."""
    slugs, dropped = read_shared(request.values.get("services", "")[: MAX_SHARED * (SLUG_MAX + 1)])
    form = ListForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "POST":
        if not form.validate():
            abort(400)
        _save(slugs)
        return redirect(url_for("my_list.index"))
    return render_template(
        "my_list/shared.html", services=_documents(slugs), dropped=dropped, services_value=",".join(slugs), form=form
    )
