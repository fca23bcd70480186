"""Helpers shared by the pages that publish "You said, we did" and updates: the markdown
renderer, the staff publishing actions and the Atom feed response."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, redirect, url_for
from flask_babel import _

from ..content.loader import abbreviation_map
from ..content.render import Renderer
from ..extensions import db
from ..i18n import html_lang
from ..models.staff import Role, utcnow
from ..yswd import publishing as workflow
from ..yswd.feeds import FeedItem, atom_feed
from .auth import current_staff, role_required
from .forms.kit import ConfirmForm
from .forms.publishing import PublishForm


def markdown_renderer() -> Renderer:
    """A renderer that marks up the glossary's abbreviations, built once per app."""
    renderer = current_app.extensions.get("publishing_renderer")
    if renderer is None:
        store = current_app.extensions["content"]
        renderer = current_app.extensions["publishing_renderer"] = Renderer(abbreviation_map(list(store.glossary)))
    return renderer


def add_publishing_routes(
    bp: Blueprint,
    *,
    noun: str,
    load: Callable[[int], Any],
    invalid_publish: Callable[[Any, PublishForm], Any],
    show: str,
) -> None:
    """Add the staff publishing actions for one kind of item to `bp`.

    For noun "post" these are POST /<int:post_id>/publish, /archive and /draft, named
    publish_post, archive_post and draft_post. `load` gives the item for an id (or aborts
    with 404), `invalid_publish(item, form)` is the response when the publish form does
    not validate, and each action redirects to the endpoint `show` for the item.
    """
    id_arg = f"{noun}_id"

    def back_to(item: Any) -> Any:
        return redirect(url_for(show, **{id_arg: item.id}))

    @role_required(Role.SENDIASS)
    def publish(**view_args: int) -> Any:
        item = load(view_args[id_arg])
        form = PublishForm()
        if not form.validate_on_submit():
            return invalid_publish(item, form)
        verb = workflow.publish(item, current_staff(), form.scheduled_for())
        db.session.commit()
        flash(_("Published.") if verb == "published" else _("Scheduled."), "success")
        return back_to(item)

    def confirmed_action(change: Callable[[Any, Any], None], message: Callable[[], str]) -> Callable[..., Any]:
        """A button-only POST: check its CSRF token, make the change, say so."""

        @role_required(Role.SENDIASS)
        def view(**view_args: int) -> Any:
            item = load(view_args[id_arg])
            if not ConfirmForm().validate_on_submit():
                abort(400)
            change(item, current_staff())
            db.session.commit()
            flash(message(), "success")
            return back_to(item)

        return view

    archive = confirmed_action(
        workflow.archive, lambda: _("Archived. It is no longer on the public pages or in the feed.")
    )
    draft = confirmed_action(workflow.back_to_draft, lambda: _("Moved back to draft."))

    for action, view in (("publish", publish), ("archive", archive), ("draft", draft)):
        bp.add_url_rule(f"/<int:{id_arg}>/{action}", f"{action}_{noun}", view, methods=["POST"])


def feed_response(title: str, subtitle: str, feed_endpoint: str, page_endpoint: str, items: list[FeedItem]) -> Response:
    """An Atom feed of published items, in the reader's language, from the council."""
    body = atom_feed(
        title=title,
        subtitle=subtitle,
        self_url=url_for(feed_endpoint, _external=True),
        page_url=url_for(page_endpoint, _external=True),
        site_url=url_for("public.home", _external=True),
        author=_("Kelderbridge Borough Council"),
        language=html_lang(),
        items=items,
        generated=utcnow(),
    )
    return Response(body, mimetype="application/atom+xml")
