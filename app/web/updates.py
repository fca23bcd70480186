"""Updates: short news posts from SENDIASS staff (events, service changes, open consultations).

The same draft → publish (or schedule) → archive workflow as "You said, we did"; the
latest appear on the home page, all of them at /updates and in an Atom feed.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select

from ..extensions import db
from ..models.staff import Role, utcnow
from ..models.yswd import NewsPost
from ..yswd import publishing
from ..yswd.themes import NEWS_KINDS
from . import publishing as staff_publishing
from .auth import role_required
from .council import council
from .forms.kit import ConfirmForm
from .forms.publishing import PostForm, PublishForm
from .pagination import render_list
from .publishing import FEED_SIZE, add_stage_rules, feed_item, feed_response, live_or_404
from .staff import add_tool

bp = Blueprint("updates", __name__, url_prefix="/updates")
staff_bp = Blueprint("updates_staff", __name__, url_prefix="/staff/updates")

add_tool(
    "updates_staff.posts",
    _l("Updates"),
    _l("Short news for families: events, service changes and open consultations."),
    Role.SENDIASS,
)


@bp.route("")
def index():
    return render_list(
        "updates/index.html", publishing.public_posts(), per_page=10, rows="posts", endpoint="updates.index"
    )


@bp.route("/<int:post_id>")
def post(post_id: int):
    return render_template("updates/post.html", post=live_or_404(NewsPost, post_id))


@bp.route("/feed.atom")
def feed():
    posts = db.session.scalars(publishing.public_posts().limit(FEED_SIZE)).all()
    items = [
        feed_item(
            p,
            url_for("updates.post", post_id=p.id, _external=True),
            p.body_html,
            str(NEWS_KINDS[p.kind]),
            p.summary or None,
        )
        for p in posts
    ]
    return feed_response(
        _("Updates – %(service)s", service=council().service_name),
        _(
            "Events, service changes and consultations for families of children with SEND in %(place)s.",
            place=council().place,
        ),
        "updates.feed",
        "updates.index",
        items,
    )


# Staff pages ----------------------------------------------------------------------
def _post_or_404(post_id: int) -> NewsPost:
    return db.session.get(NewsPost, post_id) or abort(404)


@staff_bp.route("/")
@role_required(Role.SENDIASS)
def posts():
    query = select(NewsPost).order_by(NewsPost.updated_at.desc(), NewsPost.id.desc())
    return render_list(
        "updates/staff_posts.html", query, per_page=25, rows="posts", endpoint="updates_staff.posts", now=utcnow()
    )


@staff_bp.route("/new", methods=["GET", "POST"])
@role_required(Role.SENDIASS)
def new_post():
    form = PostForm()
    return staff_publishing.saved(None, form, "updates_staff.edit_post", "post_id") or render_template(
        "updates/staff_post.html",
        form=form,
        post_form=form,
        post=None,
        publish_form=None,
        confirm_form=None,
        now=utcnow(),
    )


@staff_bp.route("/<int:post_id>", methods=["GET", "POST"])
@role_required(Role.SENDIASS)
def edit_post(post_id: int):
    item = _post_or_404(post_id)
    form = PostForm(obj=item) if request.method == "GET" else PostForm()
    saved = staff_publishing.saved(item, form, "updates_staff.edit_post", "post_id")
    return saved or _post_page(item, form, PublishForm(formdata=None))


def _post_page(item: NewsPost, form: FlaskForm, publish_form: PublishForm):
    failed = form if form.errors else (publish_form if publish_form.errors else None)
    return render_template(
        "updates/staff_post.html",
        form=failed,
        post_form=form,
        post=item,
        publish_form=publish_form,
        confirm_form=ConfirmForm(),
        now=utcnow(),
    )


def _publish_invalid(item: NewsPost, form: PublishForm):
    return _post_page(item, PostForm(obj=item, formdata=None), form)


add_stage_rules(staff_bp, NewsPost, "post", "updates_staff.edit_post", _publish_invalid)
