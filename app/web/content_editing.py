"""Staff edit the Local Offer: pages and glossary terms, drafts, previews, history, restore,
retire, and the officers' approval queue. SENDIASS staff draft and send changes for approval;
officers and administrators publish, approve, reject, restore and retire."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from ..content import NEED_AREAS, editing
from ..content.editing import GLOSSARY, ContentInvalid, Revision, StaleRevision, UnknownPage
from ..extensions import db
from ..i18n import current_language
from ..models.staff import Role, User, record_event
from ..services import content_store, refresh_content
from .auth import current_staff, role_required
from .content_staff import problem_report_section
from .council import REQUIRED_PAGES_IN_FOOTER
from .forms.content import GlossaryTermForm, NoteForm, ReasonForm, page_form
from .forms.kit import ConfirmForm
from .public import START_POINTS, render_document
from .staff import add_tool

bp = Blueprint("content_edit", __name__, url_prefix="/staff/local-offer")

add_tool(
    "content_edit.index",
    _l("Edit the Local Offer"),
    _l("Change services, guidance, fixed pages and glossary terms; see their history."),
    Role.SENDIASS,
)
add_tool(
    "content_edit.queue",
    _l("Changes waiting for approval"),
    _l("Approve, edit or reject changes proposed by staff, providers and families."),
    Role.OFFICER,
)

KIND_LABELS = {"services": _l("Services"), "guidance": _l("Guidance"), "pages": _l("Fixed pages")}
STATUS_LABELS = {
    "draft": _l("Draft"),
    "proposed": _l("Waiting for approval"),
    "published": _l("Published"),
    "approved": _l("Approved with changes"),
    "rejected": _l("Rejected"),
}
SOURCE_LABELS = {"staff": _l("Staff"), "provider": _l("Provider"), "family": _l("Family report")}
AUDIT_ACTIONS = {
    "draft": "content_saved",
    "proposed": "content_proposed",
    "published": "content_published",
}


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {"CONTENT_STATUS_LABELS": STATUS_LABELS, "CONTENT_SOURCE_LABELS": SOURCE_LABELS}


def _page_name(kind: str, slug: str, text: Callable[[str], str | None] | None = None) -> str:
    """The page's name; 404 for an unknown page, the glossary, or a page `text` (when given,
    e.g. `editing.current_text`) has no text for."""
    page = f"{kind}/{slug}"
    try:
        editing.parse_page(page)
    except UnknownPage:
        abort(404)
    if kind == GLOSSARY or (text is not None and text(page) is None):
        abort(404)
    return page


def _audit(action: str, page: str, revision: Revision) -> None:
    record_event(action, user=current_staff(), target_type="content", target_id=page, state=revision.status)


def _commit_and_show(action: str, page: str, revision: Revision) -> None:
    """Audit, commit, and serve the change in this process straight away."""
    _audit(action, page, revision)
    db.session.commit()
    if revision.status == "published":
        refresh_content(force=True)


def _may_publish() -> bool:
    return current_staff().can(Role.OFFICER)


def _status_for(action: str) -> str:
    if action == "publish":
        if not _may_publish():
            abort(403)
        return "published"
    return "proposed" if action == "propose" else "draft"


def _saved_message(revision: Revision) -> str:
    if revision.status == "published":
        return _("Published. Families will see the change within a few seconds.")
    if revision.status == "proposed":
        return _("Sent for approval. An officer will check it before it is published.")
    return _("Draft saved. It is not public.")


# Lists ---------------------------------------------------------------------------------


@bp.route("/")
@role_required(Role.SENDIASS)
def index():
    store = content_store()
    groups = {kind: list(getattr(store, kind).values()) for kind in KIND_LABELS}
    edited = {row.page: row for row in editing.edited_pages()}
    return render_template(
        "staff/content/index.html",
        groups=groups,
        kinds=KIND_LABELS,
        edited=edited,
        retired=list(store.retired.values()),
        pending=len(editing.pending_proposals()),
    )


# Editing -------------------------------------------------------------------------------


def _edit(kind: str, page: str | None, *, proposal: Revision | None = None) -> Any:
    """The edit form for `page` (None: a new page of `kind`); with `proposal`, edit then approve it."""
    store = content_store()
    areas = store.council.area_labels(current_language())
    form = page_form(kind, areas, new=page is None)
    current = editing.current_text(page) if page else None
    head = editing.published_revision(page) if page else None
    source = proposal.text if proposal is not None else current
    front, body = editing.split_source(source or "")
    conflict = None
    if request.method == "GET":
        form.fill(front, body)
        form.note.data = proposal.note if proposal is not None else None
        base = proposal.base_revision_id if proposal is not None else (head.id if head else None)
        form.base_revision.data = "" if base is None else str(base)
    elif form.validate_on_submit():
        name = page or f"{kind}/{form.slug.data}"  # type: ignore[attr-defined]
        text = editing.merge_fields(
            source,
            _changes(form.front_matter(), front if source else {}, {s.key for s in form.specs if s.kind == "many"}),
            form.body.data,
        )
        try:
            if proposal is not None:
                saved = editing.approve(
                    proposal.id,
                    actor_id=current_staff().id,
                    text=text,
                    note=form.note.data,
                    base_revision_id=form.base(),
                )
                proposal_action = "content_approved"
            else:
                status = _status_for(form.action())
                if page is None:
                    saved = editing.create(name, text, status=status, note=form.note.data, author_id=current_staff().id)
                else:
                    saved = editing.save(
                        name,
                        text,
                        status=status,
                        note=form.note.data,
                        author_id=current_staff().id,
                        base_revision_id=form.base(),
                    )
                proposal_action = AUDIT_ACTIONS[saved.status]
        except ContentInvalid as invalid:
            db.session.rollback()
            form.show_problems(invalid.problems)
        except UnknownPage:
            db.session.rollback()
            form.slug.errors = [*form.slug.errors, _("There is already a page with this address")]  # type: ignore[attr-defined]
        except StaleRevision as stale:
            db.session.rollback()
            conflict = editing.diff(stale.current_text, stale.attempted, context=2)
            form.base_revision.data = "" if stale.current is None else str(stale.current.id)
        else:
            _commit_and_show(proposal_action, name, saved)
            flash(_saved_message(saved), "success")
            return redirect(url_for("content_edit.revision", revision_id=saved.id))
    status = 409 if conflict is not None else 200
    return (
        render_template(
            "staff/content/edit.html",
            form=form,
            kind=kind,
            page=page,
            doc=_shown_doc(page),
            proposal=proposal,
            conflict=conflict,
            may_publish=_may_publish(),
            need_areas_all=list(NEED_AREAS),
        ),
        status,
    )


def _changes(values: dict[str, Any], front: dict[str, Any], unordered: set[str]) -> dict[str, Any]:
    """Only the fields whose value differs from the page's front matter as written.

    Ticked boxes (`unordered` fields) count as the same in any order; `need_areas: all` is every area.
    """

    def same(new: Any, old: Any, key: str = "") -> bool:
        if isinstance(new, list) and isinstance(old, list | tuple):
            written = [str(v) for v in old]
            if key in unordered:
                return sorted(new) == sorted(written) or (written == ["all"] and sorted(new) == sorted(NEED_AREAS))
            return [str(v) for v in new] == written
        if isinstance(new, list) and old == "all":
            return sorted(new) == sorted(NEED_AREAS)
        if isinstance(new, dict) and isinstance(old, dict):
            return all(same(new.get(k), old.get(k)) for k in {*new, *old})
        if new is not None and old is not None and not isinstance(new, dict | list):
            return str(new) == str(old)
        return new == old

    return {key: value for key, value in values.items() if not same(value, front.get(key), key)}


def _shown_doc(page: str | None) -> Any:
    if page is None:
        return None
    kind, slug = editing.parse_page(page)
    store = content_store()
    return getattr(store, kind).get(slug) or store.retired.get(f"/{page}")


@bp.route("/<kind>/<slug>/edit", methods=["GET", "POST"])
@role_required(Role.SENDIASS)
def edit(kind: str, slug: str):
    page = _page_name(kind, slug, editing.current_text)
    return _edit(kind, page)


@bp.route("/<kind>/new", methods=["GET", "POST"])
@role_required(Role.SENDIASS)
def new(kind: str):
    if kind not in KIND_LABELS:
        abort(404)
    return _edit(kind, None)


# Revisions -----------------------------------------------------------------------------


def _revision_or_404(revision_id: int) -> Revision:
    try:
        return editing.revision(revision_id)
    except UnknownPage:
        abort(404)


def _author(user_id: int | None) -> str:
    user = db.session.get(User, user_id) if user_id else None
    return user.email if user is not None else _("Not signed in (from a link or a form)")


@bp.route("/revisions/<int:revision_id>")
@role_required(Role.SENDIASS)
def revision(revision_id: int):
    found = _revision_or_404(revision_id)
    changes = editing.diff_revisions(found.page, found.base_revision_id, found.id)
    head = editing.published_revision(found.page)
    return render_template(
        "staff/content/revision.html",
        revision=found,
        changes=changes,
        author=_author(found.author_id),
        decided_by=_author(found.decided_by_id) if found.decided_by_id else None,
        is_current=head is not None and head.id == found.id,
        stale=found.status in ("draft", "proposed") and (head.id if head else None) != found.base_revision_id,
        may_publish=_may_publish(),
        confirm_form=ConfirmForm(),
    )


@bp.route("/revisions/<int:revision_id>/preview")
@role_required(Role.SENDIASS)
def preview(revision_id: int):
    """The revision exactly as families would see it (same rendering and sanitising), marked as a preview."""
    found = _revision_or_404(revision_id)
    if found.page == GLOSSARY:
        abort(404)
    try:
        doc = editing.preview(found.page, found.text)
    except ContentInvalid:
        abort(404)
    g.content_preview = found
    return render_document(doc)


@bp.post("/revisions/<int:revision_id>/submit")
@role_required(Role.SENDIASS)
def submit(revision_id: int):
    """Send a draft for approval."""
    found = _revision_or_404(revision_id)
    if found.status != "draft":
        abort(404)
    editing.submit(found.id)
    _commit_and_show("content_proposed", found.page, found)
    flash(_saved_message(found), "success")
    return redirect(url_for("content_edit.revision", revision_id=found.id))


# History, restore and retire -------------------------------------------------------------


def _history(page: str, back: str):
    revisions = editing.history(page)
    ids = {str(r.id) for r in revisions}
    older = request.args.get("from", "file")
    newer = request.args.get("to", str(revisions[0].id) if revisions else "file")
    if older not in ids | {"file"} or newer not in ids | {"file"}:
        abort(404)
    comparison = editing.diff_revisions(
        page, None if older == "file" else int(older), None if newer == "file" else int(newer)
    )
    head = editing.published_revision(page)
    return render_template(
        "staff/content/history.html",
        page=page,
        back=back,
        revisions=revisions,
        authors={r.id: _author(r.author_id) for r in revisions},
        head=head,
        has_file=editing.seed_text(page) is not None,
        older=older,
        newer=newer,
        comparison=comparison,
        may_publish=_may_publish(),
        title=_shown_doc(page).title if page != GLOSSARY and _shown_doc(page) else _("Glossary"),
    )


@bp.route("/<kind>/<slug>/history")
@role_required(Role.SENDIASS)
def history(kind: str, slug: str):
    page = _page_name(kind, slug)
    if editing.current_text(page) is None and not editing.history(page):
        abort(404)
    return _history(page, url_for("content_edit.edit", kind=kind, slug=slug))


@bp.route("/glossary/history")
@role_required(Role.SENDIASS)
def glossary_history():
    return _history(GLOSSARY, url_for("content_edit.glossary"))


def _confirm(page: str, what: str, title: str, run, revision: Revision | None = None):
    """A confirmation page with a note; `run(note, base)` makes the change (officers only)."""
    head = editing.published_revision(page)
    form = NoteForm()
    conflict = None
    if request.method == "GET":
        form.base_revision.data = "" if head is None else str(head.id)
    elif form.validate_on_submit():
        try:
            saved = run(form.note.data, form.base())
        except StaleRevision as stale:
            db.session.rollback()
            conflict = editing.diff(stale.current_text, stale.attempted, context=2)
            form.base_revision.data = "" if stale.current is None else str(stale.current.id)
        except (ContentInvalid, UnknownPage):
            db.session.rollback()
            form.note.errors = [
                *form.note.errors,
                _("This version cannot be published: it no longer passes the content check"),
            ]
        else:
            _commit_and_show(what, page, saved)
            flash(_saved_message(saved), "success")
            return redirect(url_for("content_edit.revision", revision_id=saved.id))
    return render_template(
        "staff/content/confirm.html", form=form, page=page, title=title, conflict=conflict, revision=revision
    ), (409 if conflict is not None else 200)


@bp.route("/revisions/<int:revision_id>/restore", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def restore(revision_id: int):
    found = _revision_or_404(revision_id)
    author = current_staff().id
    return _confirm(
        found.page,
        "content_restored",
        _("Publish this version again"),
        lambda note, base: editing.restore(found.page, found.id, note=note, author_id=author, base_revision_id=base),
        found,
    )


@bp.route("/<kind>/<slug>/restore-file", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def restore_file(kind: str, slug: str):
    page = _page_name(kind, slug, editing.seed_text)
    author = current_staff().id
    return _confirm(
        page,
        "content_restored",
        _("Publish the original version again"),
        lambda note, base: editing.restore(page, None, note=note, author_id=author, base_revision_id=base),
    )


def protected_pages() -> set[str]:
    """Pages the portal itself links to: they cannot be retired."""
    pages = {f"pages/{slug}" for slug in REQUIRED_PAGES_IN_FOOTER}
    pages |= {f"guidance/{slug}" for slug, _heading, _text in START_POINTS}
    pages |= {path.strip("/") for path in content_store().council.pages.values()}
    return pages


@bp.route("/<kind>/<slug>/retire", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def retire(kind: str, slug: str):
    page = _page_name(kind, slug)
    if page in protected_pages() or getattr(content_store(), kind).get(slug) is None:
        abort(404)
    author = current_staff().id
    return _confirm(
        page,
        "content_retired",
        _("Close this page"),
        lambda note, base: editing.retire(page, note=note, author_id=author, base_revision_id=base),
    )


# The approval queue --------------------------------------------------------------------


@bp.route("/approvals")
@role_required(Role.OFFICER)
def queue():
    proposals = editing.pending_proposals()
    heads = {p.page: editing.published_revision(p.page) for p in proposals}
    return render_template(
        "staff/content/queue.html",
        items=[
            (
                proposal,
                editing.proposal_diff(proposal),
                (heads[proposal.page].id if heads[proposal.page] else None) != proposal.base_revision_id,
                _author(proposal.author_id) if proposal.author_id else None,
            )
            for proposal in proposals
        ],
        confirm_form=ConfirmForm(),
        **problem_report_section(),
    )


def _proposal_or_404(revision_id: int) -> Revision:
    found = _revision_or_404(revision_id)
    if found.status not in ("proposed", "draft"):
        abort(404)
    return found


@bp.post("/approvals/<int:revision_id>/approve")
@role_required(Role.OFFICER)
def approve(revision_id: int) -> Response:
    found = _proposal_or_404(revision_id)
    try:
        published = editing.approve(found.id, actor_id=current_staff().id)
    except (StaleRevision, ContentInvalid):
        db.session.rollback()
        flash(_("This change was made to an older version of the page. Edit it, then approve it."), "error")
        return redirect(url_for("content_edit.approve_edited", revision_id=found.id))
    _commit_and_show("content_approved", published.page, published)
    flash(_saved_message(published), "success")
    return redirect(url_for("content_edit.queue"))


@bp.route("/approvals/<int:revision_id>/edit", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def approve_edited(revision_id: int):
    """Edit a proposed change, then approve (publish) it."""
    found = _proposal_or_404(revision_id)
    if found.page == GLOSSARY:
        abort(404)
    return _edit(found.kind, found.page, proposal=found)


@bp.route("/approvals/<int:revision_id>/reject", methods=["GET", "POST"])
@role_required(Role.OFFICER)
def reject(revision_id: int):
    found = _proposal_or_404(revision_id)
    form = ReasonForm()
    if form.validate_on_submit():
        editing.reject(found.id, actor_id=current_staff().id, reason=form.reason.data)
        _commit_and_show("content_rejected", found.page, found)
        if found.reply_to or found.author_id:
            flash(_("Change rejected. The reason has been emailed to the person who proposed it."), "success")
        else:
            flash(_("Change rejected. The reason has been recorded."), "success")
        return redirect(url_for("content_edit.queue"))
    return render_template("staff/content/reject.html", form=form, revision=found, changes=editing.proposal_diff(found))


# The glossary --------------------------------------------------------------------------


@bp.route("/glossary")
@role_required(Role.SENDIASS)
def glossary():
    text = editing.current_text(GLOSSARY) or ""
    return render_template("staff/content/glossary.html", items=list(enumerate(editing.glossary_items(text), start=1)))


def _term(number: int | None):
    text = editing.current_text(GLOSSARY) or ""
    items = editing.glossary_items(text)
    if number is not None and not 1 <= number <= len(items):
        abort(404)
    head = editing.published_revision(GLOSSARY)
    form = GlossaryTermForm()
    conflict = None
    if request.method == "GET":
        if number is not None:
            item = items[number - 1]
            form.term.data = str(item.get("term", ""))
            form.abbreviation.data = str(item.get("abbreviation") or "")
            form.aliases.data = ", ".join(str(a) for a in item.get("aliases") or [])
            form.definition.data = str(item.get("definition", "")).strip()
        form.base_revision.data = "" if head is None else str(head.id)
    elif form.validate_on_submit():
        try:
            updated = editing.glossary_with_term(text, number, form.entry())
            saved = editing.save(
                GLOSSARY,
                updated,
                status=_status_for(form.action()),
                note=form.note.data,
                author_id=current_staff().id,
                base_revision_id=form.base(),
            )
        except ContentInvalid as invalid:
            db.session.rollback()
            form.term.errors = [*form.term.errors, *(p.message for p in invalid.problems)]
        except StaleRevision as stale:
            db.session.rollback()
            conflict = editing.diff(stale.current_text, stale.attempted, glossary=True, context=2)
            form.base_revision.data = "" if stale.current is None else str(stale.current.id)
        else:
            _commit_and_show(AUDIT_ACTIONS[saved.status], GLOSSARY, saved)
            flash(_saved_message(saved), "success")
            return redirect(url_for("content_edit.revision", revision_id=saved.id))
    return render_template(
        "staff/content/term.html", form=form, number=number, conflict=conflict, may_publish=_may_publish()
    ), (409 if conflict is not None else 200)


@bp.route("/glossary/<int:number>/edit", methods=["GET", "POST"])
@role_required(Role.SENDIASS)
def edit_term(number: int):
    return _term(number)


@bp.route("/glossary/new", methods=["GET", "POST"])
@role_required(Role.SENDIASS)
def new_term():
    return _term(None)
