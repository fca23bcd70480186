"""What the pages that publish "You said, we did" and updates share: a live item or 404, saving
a form, each workflow step with its audit event and commit, the views that move an item between
stages (registered by `add_stage_rules` in `yswd.py` and `updates.py`), and the Atom feed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask.views import View
from flask_babel import _

from ..extensions import db
from ..i18n import html_lang
from ..models.staff import Role, record_event, utcnow
from ..models.yswd import Entry, NewsPost
from ..services import markdown_renderer
from ..yswd import publishing as workflow
from ..yswd.feeds import FeedItem, atom_feed
from .auth import current_staff, role_required
from .council import council
from .forms.kit import confirmed
from .forms.publishing import EntryForm, PostForm, PublishForm

#: How many of the latest items an Atom feed holds.
FEED_SIZE = 20


def live_or_404(model: type[Entry | NewsPost], item_id: int) -> Entry | NewsPost:
    """A published item families may see; 404 for a draft, a scheduled or an archived one."""
    item = db.session.get(model, item_id)
    if item is None or not item.is_live():
        abort(404)
    return item


def audit(item: Entry | NewsPost, verb: str, **detail: Any) -> None:
    """Record a change to an entry or update in the audit log, by the member of staff signed in."""
    _prefix, target_type = workflow.audit_target(item)
    record_event(
        workflow.audit_action(item, verb), user=current_staff(), target_type=target_type, target_id=item.id, **detail
    )


def save(item: Entry | NewsPost | None, form: EntryForm | PostForm) -> Entry | NewsPost:
    """Create (item=None) or edit an entry or update from its form; audited and committed."""
    renderer = markdown_renderer()
    if isinstance(form, EntryForm):
        saved = workflow.save_entry(item, form.values(), current_staff(), renderer)  # type: ignore[arg-type]
    else:
        saved = workflow.save_post(item, form.values(), current_staff(), renderer)  # type: ignore[arg-type]
    audit(saved, "created" if item is None else "edited", state=saved.state)
    db.session.commit()
    return saved


def saved(item: Entry | NewsPost | None, form: EntryForm | PostForm, page: str, id_name: str) -> Response | None:
    """Save a valid submitted form (a new item when `item` is None), say so and go to the item's
    staff page (`page`, its id passed as `id_name`); None when the form was not sent or not valid."""
    if not form.validate_on_submit():
        return None
    item_id = save(item, form).id
    flash(_("Draft saved. Publish it when it is ready.") if item is None else _("Changes saved."), "success")
    return redirect(url_for(page, **{id_name: item_id}))


def publish(item: Entry | NewsPost, form: PublishForm) -> None:
    """Publish now or schedule, from a valid publish form; audited, committed and said."""
    verb = workflow.publish(item, current_staff(), form.scheduled_for())
    audit(item, verb, publish_at=item.publish_at.isoformat(timespec="minutes"))
    db.session.commit()
    flash(_("Published.") if verb == "published" else _("Scheduled."), "success")


def archive(item: Entry | NewsPost) -> None:
    """Take an item off the public pages (after its confirm button's CSRF check); audited and committed."""
    _confirmed_step(item, workflow.archive, "archived")
    flash(_("Archived. It is no longer on the public pages or in the feed."), "success")


def back_to_draft(item: Entry | NewsPost) -> None:
    """Move an item back to draft (after its confirm button's CSRF check); audited and committed."""
    _confirmed_step(item, workflow.back_to_draft, "withdrawn")
    flash(_("Moved back to draft."), "success")


def _confirmed_step(item: Entry | NewsPost, step: Callable[[Entry | NewsPost, Any], None], verb: str) -> None:
    """A workflow step taken by the member of staff signed in, after the button's CSRF check; audited and committed."""
    confirmed()
    step(item, current_staff())
    audit(item, verb)
    db.session.commit()


class StageChange(View):
    """POST: archive an item or move it back to draft, then show its staff page again.

    Registered once per model and step with an explicit endpoint name by `add_stage_rules`.
    """

    methods = ["POST"]
    decorators = [role_required(Role.SENDIASS)]

    def __init__(self, model: type[Entry | NewsPost], change: Callable[[Entry | NewsPost], None], page: str) -> None:
        self.model, self.change, self.page = model, change, page

    def dispatch_request(self, **ids: int) -> ResponseReturnValue:
        (item_id,) = ids.values()
        item = db.session.get(self.model, item_id) or abort(404)
        self.change(item)
        return redirect(url_for(self.page, **ids))


class PublishChange(StageChange):
    """POST: publish an item now or schedule it; an invalid form shows the item's page with its errors."""

    def __init__(
        self,
        model: type[Entry | NewsPost],
        page: str,
        invalid: Callable[[Entry | NewsPost, PublishForm], ResponseReturnValue],
    ) -> None:
        super().__init__(model, self.publish, page)
        self.invalid = invalid

    def publish(self, item: Entry | NewsPost) -> None:
        form = PublishForm()
        if not form.validate_on_submit():
            raise _Invalid(self.invalid(item, form))
        publish(item, form)

    def dispatch_request(self, **ids: int) -> ResponseReturnValue:
        try:
            return super().dispatch_request(**ids)
        except _Invalid as invalid:
            return invalid.response


class _Invalid(Exception):
    def __init__(self, response: ResponseReturnValue) -> None:
        self.response = response


def add_stage_rules(
    bp: Blueprint,
    model: type[Entry | NewsPost],
    noun: str,
    page: str,
    invalid: Callable[[Entry | NewsPost, PublishForm], ResponseReturnValue],
) -> None:
    """Register the publish, archive and back-to-draft POSTs for one kind of item, at
    `/<int:{noun}_id>/publish`, `/archive` and `/draft` with endpoints `publish_{noun}`,
    `archive_{noun}` and `draft_{noun}`; each goes back to `page`."""
    rule = f"/<int:{noun}_id>"
    bp.add_url_rule(f"{rule}/publish", view_func=PublishChange.as_view(f"publish_{noun}", model, page, invalid))
    bp.add_url_rule(f"{rule}/archive", view_func=StageChange.as_view(f"archive_{noun}", model, archive, page))
    bp.add_url_rule(f"{rule}/draft", view_func=StageChange.as_view(f"draft_{noun}", model, back_to_draft, page))


def feed_item(
    item: Entry | NewsPost, url: str, content_html: str, category: str, summary: str | None = None
) -> FeedItem:
    """One published item in a feed: first published when it went live, updated at its last change."""
    return FeedItem(
        url=url,
        title=item.title,
        content_html=content_html,
        summary=summary,
        published=item.publish_at,
        updated=max(item.updated_at, item.publish_at),
        category=category,
    )


def feed_response(title: str, subtitle: str, feed_endpoint: str, page_endpoint: str, items: list[FeedItem]) -> Response:
    """An Atom feed of published items, in the reader's language, from the council."""
    body = atom_feed(
        title=title,
        subtitle=subtitle,
        self_url=url_for(feed_endpoint, _external=True),
        page_url=url_for(page_endpoint, _external=True),
        site_url=url_for("public.home", _external=True),
        author=council().name,
        language=html_lang(),
        items=items,
        generated=utcnow(),
    )
    return Response(body, mimetype="application/atom+xml")
