"""Public pages: home, categories, services, guidance, glossary, fixed pages, sitemap."""

from __future__ import annotations

from itertools import groupby

from flask import Blueprint, Response, abort, current_app, g, make_response, render_template, url_for
from flask_babel import lazy_gettext as _l

from .. import clock
from ..content import CATEGORIES, SECTIONS, Document
from ..extensions import db
from ..i18n import current_language
from ..models.yswd import NewsPost
from ..search import SearchUnavailable
from ..services import content_store, survey_definitions
from ..yswd.publishing import entry_years, latest_posts, public_entries, public_posts
from .page_cache import kept_page
from .search import Scope, filtered_list

bp = Blueprint("public", __name__)

#: The newcomers' start points on the home page: (guidance slug, heading, description).
START_POINTS = (
    (
        "what-is-the-local-offer",
        _l("What is the Local Offer?"),
        _l("What this website is for and what you can find here."),
    ),
    (
        "does-my-child-have-sen",
        _l("I think my child has special educational needs"),
        _l("Signs to look out for, who to talk to first and the help your child can get straight away."),
    ),
    (
        "asking-for-an-ehc-needs-assessment",
        _l("We are asking for an EHC needs assessment"),
        _l("Who can ask, how to ask and what happens over the 20 weeks."),
    ),
    (
        "living-with-an-ehc-plan",
        _l("We have an EHC plan"),
        _l("What the plan means day to day, annual reviews and what to do if help is not happening."),
    ),
    (
        "preparing-for-adulthood",
        _l("Preparing for adulthood (14 to 25)"),
        _l("Work, college, living independently, friends and good health as your child grows up."),
    ),
)


def localise(doc: Document) -> tuple[Document, bool]:
    """The page in the reader's language, and whether it had to fall back to English."""
    locale = current_language()
    if locale == "en":
        return doc, False
    translated = content_store().localised(doc, locale)
    if translated is None:
        return doc, True
    return translated, not translated.body_translated


def _home_posts() -> list[NewsPost]:
    """The latest news the home page shows, read once a request (for its key and its page)."""
    if "home_posts" not in g:
        g.home_posts = latest_posts(3)
    return g.home_posts


def _latest_updates() -> tuple:
    """What the home page shows of the latest news (published, edited or withdrawn since)."""
    return tuple((post.id, post.kind, post.publish_at, post.title, post.summary) for post in _home_posts())


@bp.route("/")
@kept_page(vary=_latest_updates)
def home():
    content = content_store()
    start_points = [
        (content.guidance[slug], heading, text) for slug, heading, text in START_POINTS if slug in content.guidance
    ]
    counts = {key: content.count_in(key) for key in CATEGORIES}
    return render_template("public/home.html", start_points=start_points, counts=counts, updates=_home_posts())


def _filtered(scope: Scope) -> dict:
    """The search box and filters of a list of services; without a search index, the list alone."""
    try:
        return {"filters_available": True, **filtered_list(scope)}
    except SearchUnavailable as exc:
        current_app.logger.warning("Services listed without filters: %s", exc)
        return {"filters_available": False, "form": None, "searching": False}


@bp.route("/services")
def services():
    content = content_store()
    return render_template(
        "public/services.html",
        groups={key: content.services_in(key, current_language()) for key in CATEGORIES},
        **_filtered(Scope("public.services", services_only=True)),
    )


@bp.route("/categories/<key>")
def category(key: str):
    if key not in CATEGORIES:
        abort(404)
    return render_template(
        "public/category.html",
        key=key,
        services=content_store().services_in(key, current_language()),
        today=clock.today(),
        **_filtered(Scope("public.category", key=key, services_only=True)),
    )


def shown_or_gone(kind: str, slug: str) -> Document:
    """The page, or a kind "this has closed" page (410) when it was retired, or a 404."""
    content = content_store()
    doc = getattr(content, kind).get(slug)
    if doc is not None:
        return doc
    closed = content.retired.get(f"/{kind}/{slug}")
    if closed is None:
        abort(404)
    abort(make_response(render_template("public/gone.html", doc=closed), 410))


def render_document(doc: Document, untranslated: bool = False) -> str:
    """A service, guidance page or fixed page as families see it (also the staff preview)."""
    if doc.kind == "services":
        overdue = doc.is_past_review(clock.today())
        return render_template(
            "public/service.html", doc=doc, meta=doc.meta, overdue=overdue, untranslated=untranslated
        )
    if doc.kind == "pages":
        return render_template("public/page.html", doc=doc, untranslated=untranslated)
    content = content_store()
    locale = current_language()
    neighbours = content.neighbours(doc.slug) if doc.slug in content.guidance else (None, None)
    previous, following = (content.in_locale(d, locale) if d else None for d in neighbours)
    related = [content.in_locale(d, locale) for d in (content.lookup(s) for s in doc.meta.related) if d]
    step = [content.in_locale(d, locale) for d in content.guidance_in(doc.meta.section)]
    return render_template(
        "public/guidance.html",
        doc=doc,
        meta=doc.meta,
        previous=previous,
        following=following,
        related=related,
        step=step,
        untranslated=untranslated,
    )


@bp.route("/services/<slug>")
@kept_page()
def service(slug: str):
    return render_document(*localise(shown_or_gone("services", slug)))


@bp.route("/guidance")
@kept_page()
def guidance_index():
    content = content_store()
    locale = current_language()
    sections = {key: [content.in_locale(doc, locale) for doc in content.guidance_in(key)] for key in SECTIONS}
    return render_template("public/guidance_index.html", sections=sections)


@bp.route("/guidance/<slug>")
@kept_page()
def guidance(slug: str):
    return render_document(*localise(shown_or_gone("guidance", slug)))


@bp.route("/glossary")
@kept_page()
def glossary():
    terms = content_store().glossary
    letters = {letter: list(items) for letter, items in groupby(terms, key=lambda t: t.letter)}
    return render_template("public/glossary.html", letters=letters, untranslated=current_language() != "en")


@bp.route("/open-data")
def open_data():
    """For developers: the Local Offer as an Open Referral UK API, and its licence."""
    return render_template("public/open_data.html")


@bp.route("/pages/<slug>")
@kept_page()
def page(slug: str):
    return render_document(*localise(shown_or_gone("pages", slug)))


@bp.route("/sitemap.xml")
def sitemap():
    content = content_store()
    urls = [url_for("public.home", _external=True), url_for("public.services", _external=True)]
    urls += [url_for("public.guidance_index", _external=True), url_for("public.glossary", _external=True)]
    urls += [url_for("public.category", key=key, _external=True) for key in CATEGORIES]
    root = url_for("public.home", _external=True).rstrip("/")
    urls += [root + doc.url for doc in content.documents()]
    urls += [url_for("search.search", _external=True), url_for("yswd.index", _external=True)]
    urls += [url_for("yswd.entry", entry_id=entry.id, _external=True) for entry in db.session.scalars(public_entries())]
    urls += [url_for("yswd.report", year=year, _external=True) for year in entry_years()]
    urls += [url_for("updates.index", _external=True)]
    urls += [url_for("updates.post", post_id=post.id, _external=True) for post in db.session.scalars(public_posts())]
    open_surveys = [survey for survey in survey_definitions().values() if survey.open]
    urls += [url_for("surveys.start", survey_id=survey.id, _external=True) for survey in open_surveys]
    body = render_template("public/sitemap.xml", urls=urls)
    return Response(body, mimetype="application/xml")


@bp.route("/robots.txt")
def robots():
    lines = [
        "User-agent: *",
        "Disallow: /staff/",
        "Disallow: /s/",
        "Disallow: /review/",
        "Disallow: /check-your-listing",
        "Disallow: /report-a-problem/",
        f"Sitemap: {url_for('public.sitemap', _external=True)}",
    ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")
