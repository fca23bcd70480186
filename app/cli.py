"""Flask commands: `flask content check`, `flask search build` and those each area adds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import click
from email_validator import EmailNotValidError, validate_email
from flask import Flask, current_app, url_for
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from . import clock
from .content.check import check_content, content_report
from .extensions import db
from .models.staff import Role, User, normalise_email, record_event
from .services import content_store, search_index


def register_cli(app: Flask) -> None:
    """Attach the project's command groups to `app.cli`."""
    from .demo import demo_group
    from .feedback.cli import feedback_group
    from .places.commands import places_group

    app.cli.add_command(content_group)
    app.cli.add_command(users_group)
    app.cli.add_command(search_group)
    from .surveys.commands import surveys_group

    app.cli.add_command(surveys_group)
    from .notifications.commands import notifications_group

    app.cli.add_command(notifications_group)
    app.cli.add_command(feedback_group)
    app.cli.add_command(demo_group)
    app.cli.add_command(places_group)


@click.group("content", cls=AppGroup, help="Check, import and export the Local Offer content files.")
def content_group() -> None:
    pass


@content_group.command("check")
@click.option(
    "--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Date to check review dates against."
)
@click.option("--strict", is_flag=True, help="Treat warnings (such as review dates in the past) as errors.")
def content_check(today: dt.datetime | None, strict: bool) -> None:
    """Report every problem in content/ with its file and line, Schedule 2 coverage and reading grades."""
    from .web import site_paths

    day = today.date() if today else clock.today()
    problems = check_content(Path(current_app.config["CONTENT_DIR"]), day, site_paths(current_app))
    for problem in problems:
        click.echo(str(problem), err=problem.severity == "error")
    for line in content_report(Path(current_app.config["CONTENT_DIR"])):
        click.echo(line)
    errors = [p for p in problems if p.severity == "error" or strict]
    warnings = len(problems) - len([p for p in problems if p.severity == "error"])
    click.echo(f"{len(problems) - warnings} error(s), {warnings} warning(s)")
    if errors:
        raise SystemExit(1)


@content_group.command("import-oruk")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--to",
    "target",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder to write to (default: content/services).",
)
@click.option("--force", is_flag=True, help="Overwrite service pages that already exist.")
def content_import_oruk(source: Path, target: Path | None, force: bool) -> None:
    """Write a service page for each Open Referral UK 3.0 service in SOURCE (a JSON file or folder)."""
    from .content.oruk_import import area_names, import_services, known_slugs

    content_dir = Path(current_app.config["CONTENT_DIR"])
    folder = target or content_dir / "services"
    slugs = known_slugs(content_dir) | (known_slugs(folder.parent) if folder.parent.is_dir() else set())
    try:
        results = import_services(
            source, folder, force=force, today=clock.today(), slugs=slugs, areas=area_names(content_store().council)
        )
    except (ValueError, OSError) as exc:
        raise click.ClickException(f"cannot read {source}: {exc}") from None
    for slug, outcome, unmapped in results:
        click.echo(f"{slug}: {outcome}")
        for note in unmapped:
            click.echo(f"  not mapped: {note}")
    written = sum(1 for _s, outcome, _u in results if outcome == "written")
    click.echo(f"{written} written, {len(results) - written} skipped")


@content_group.command("export")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def content_export(target: Path) -> None:
    """Write the published Local Offer (browser edits included) as a content folder in TARGET."""
    from .content.transfer import export_content
    from .services import refresh_content

    refresh_content(force=True)
    try:
        written = export_content(Path(current_app.config["CONTENT_DIR"]), target)
    except FileExistsError:
        raise click.ClickException(f"{target} is not empty: choose a new folder") from None
    for page in written:
        click.echo(f"{page}: written from the browser's version")
    click.echo(f"Exported to {target} ({len(written)} page(s) edited in the browser)")


@content_group.command("import")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--note", default="Imported from a content folder", show_default=True, help="The change note.")
@with_appcontext
def content_import(source: Path, note: str) -> None:
    """Publish the pages in SOURCE that changed; report pages also changed in the browser, without overwriting them."""
    from .content.transfer import apply_import, plan_import
    from .services import refresh_content

    plan = plan_import(source)
    for problem in plan.problems:
        click.echo(str(problem), err=True)
    if plan.problems:
        click.echo("Nothing was imported: fix these problems first.", err=True)
        raise SystemExit(1)
    published = apply_import(plan, note=note)
    for revision in published:
        record_event("content_imported", target_type="content", target_id=revision.page, state=revision.status)
    db.session.commit()
    refresh_content(force=True)
    for revision in published:
        click.echo(f"{revision.page}: published")
    for page, head in plan.conflicts:
        when = head.created_at.strftime("%Y-%m-%d %H:%M")
        click.echo(f"{page}: CONFLICT: changed in the browser (version {head.id}, {when} UTC); left as it is", err=True)
    click.echo(f"{len(published)} published, {len(plan.unchanged)} unchanged, {len(plan.conflicts)} conflict(s)")
    if plan.conflicts:
        raise SystemExit(1)


@click.group("users", cls=AppGroup, help="Manage staff accounts (there is no self-registration).")
def users_group() -> None:
    pass


def _set_password_link(token: str, base_url: str) -> str:
    with current_app.test_request_context(base_url=base_url):
        return url_for("auth.set_password", token=token, _external=True)


BASE_URL_OPTION = click.option(
    "--base-url",
    envvar="PUBLIC_BASE_URL",
    default="http://127.0.0.1:5000",
    show_default=True,
    help="The portal's address, used to build the link (or set PUBLIC_BASE_URL).",
)


@users_group.command("create")
@click.option("--email", required=True, help="The member of staff's work email address.")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]), help="What they may do.")
@BASE_URL_OPTION
def users_create(email: str, role: str, base_url: str) -> None:
    """Add a staff account and print a one-time link to set its password."""
    email = normalise_email(email)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise click.BadParameter(str(error), param_hint="--email") from None
    if User.by_email(email):
        raise click.ClickException(f"There is already an account for {email}. Use `flask users link` for a new link.")
    user = User(email=email, role=role, active=True)
    token = user.issue_set_password_token()
    db.session.add(user)
    db.session.flush()
    record_event("user_created", target_type="user", target_id=user.id, role=role)
    db.session.commit()
    click.echo(f"Created {role} account {email}.")
    click.echo("Give them this link to set a password (it works once, for 72 hours):")
    click.echo(_set_password_link(token, base_url))


@users_group.command("link")
@click.option("--email", required=True, help="The account's email address.")
@BASE_URL_OPTION
def users_link(email: str, base_url: str) -> None:
    """Print a new one-time set-password link for an account (and unlock it)."""
    user = User.by_email(email)
    if user is None or not user.active:
        raise click.ClickException("No active account has that email address.")
    token = user.issue_set_password_token()
    user.unlock()  # the account and every browser it signed in on
    record_event("password_link_issued", target_type="user", target_id=user.id)
    db.session.commit()
    click.echo(_set_password_link(token, base_url))


@users_group.command("list")
def users_list() -> None:
    """List staff accounts with their role and whether they are active."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        state = "active" if user.active else "deactivated"
        click.echo(f"{user.email}\t{user.role}\t{state}")


search_group = AppGroup("search", help="Build and check the search index.")


@search_group.command("build")
def search_build() -> None:
    """Index every service, guidance page, fixed page and glossary term, then swap the index in."""
    from .search import build_index

    index_dir = Path(current_app.config["SEARCH_INDEX_DIR"])

    def progress(items: list) -> Iterator:
        with click.progressbar(items, label="Indexing the Local Offer") as bar:
            yield from bar

    from .search.build import mark_applied
    from .services import refresh_content

    refresh_content(force=True)  # pages published in the browser are indexed too
    store = content_store()
    info = build_index(store, index_dir, progress=progress)
    mark_applied(info.path, store.version)
    click.echo(f"Indexed {info.documents} documents into {info.path} (content {info.fingerprint})")


@search_group.command("status")
def search_status() -> None:
    """Say whether the index exists and matches the content; exit 1 if it is missing or stale."""
    from .search import index_status

    status = index_status(search_index(), content_store().fingerprint)
    click.echo(status.message)
    if status.state != "ok":
        raise SystemExit(1)


@content_group.command("remind")
@click.option(
    "--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="The day to run as (default: today)."
)
@BASE_URL_OPTION
@with_appcontext
def content_remind(today: dt.datetime | None, base_url: str) -> None:
    """Ask the people who look after listings due for review to check them; list overdue listings.

    Run it daily. A listing is asked once per review date, LISTING_REVIEW_NOTICE_DAYS before
    it, and reminded once LISTING_REVIEW_REMINDER_DAYS later; running it again the same day
    (or twice at once) asks nobody twice. The emails go through the outbox.
    """
    from .content import reviews
    from .notifications import can_send, deliver_due, queue_message

    config = current_app.config
    day = today.date() if today else clock.today()
    store = content_store()
    result = reviews.request_reviews(
        store,
        day,
        notice_days=config["LISTING_REVIEW_NOTICE_DAYS"],
        reminder_days=config["LISTING_REVIEW_REMINDER_DAYS"],
        link_days=config["LISTING_REVIEW_LINK_DAYS"],
    )
    queued = []
    with current_app.test_request_context(base_url=base_url):
        for request in result.requests:
            link = url_for("upkeep.review_link", token=request.token, _external=True)
            message = queue_message(
                "email",
                request.doc.meta.maintainer.email,
                "listing_review",
                personalisation=reviews.review_personalisation(request, link),
                owner=("listing_review", request.review.id),
            )
            queued.append(message.id)
            action = "listing_review_reminded" if request.reminder else "listing_review_requested"
            record_event(action, target_type="listing_review", target_id=request.review.id, page=request.review.page)
    db.session.commit()  # the requests, their emails and the audit events together
    reminders = sum(r.reminder for r in result.requests)
    click.echo(f"{len(result.requests) - reminders} review request(s) and {reminders} reminder(s) queued.")
    if queued and can_send("email"):
        report = deliver_due(ids=queued)
        click.echo(f"Sending now: {report}.")
    if result.no_maintainer:
        click.echo(f"{len(result.no_maintainer)} listing(s) due for review have no maintainer to ask:")
        for doc in result.no_maintainer:
            click.echo(f"  {doc.url}\tdue {doc.meta.review_due.isoformat()}")
    click.echo(f"{len(result.overdue)} listing(s) overdue for review:")
    for doc in sorted(result.overdue, key=lambda d: d.meta.review_due):
        click.echo(f"  {doc.url}\tdue {doc.meta.review_due.isoformat()}\t{doc.title}")
