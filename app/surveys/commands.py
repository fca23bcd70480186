"""`flask surveys ...`: check the definitions, invite families from a CSV, the daily run."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app, url_for
from flask.cli import AppGroup

from ..clock import reporting_day
from ..extensions import db
from ..models.staff import record_event
from ..models.surveys import utcnow
from ..services import content_store, survey_definitions
from ..transaction import commit_with_retry
from . import invitations, responses, upload_results
from .loader import check_surveys

surveys_group = AppGroup("surveys", help="Survey definitions and invitations.")


@surveys_group.command("check")
@click.option("--dir", "directory", type=click.Path(path_type=Path), default=None, help="Defaults to SURVEYS_DIR.")
def check_command(directory: Path | None) -> None:
    """Report every problem in the survey definitions, with file and question."""
    directory = directory or Path(current_app.config["SURVEYS_DIR"])
    found, problems = check_surveys(directory)
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(f"{len(found)} survey(s) OK, {len(problems)} problem(s)")
    if problems:
        raise SystemExit(1)


@surveys_group.command("invite")
@click.argument("csv_file", type=click.File("rb"))
@click.option(
    "--survey", "survey_id", default="ehcp-finalisation", show_default=True, help="Which survey to invite to."
)
@click.option(
    "--base-url",
    envvar="PUBLIC_BASE_URL",
    default="http://127.0.0.1:5000",
    show_default=True,
    help="The portal's public address, e.g. https://localoffer.example.gov.uk (or set PUBLIC_BASE_URL).",
)
@click.option("--out", type=click.File("w", encoding="utf-8", lazy=True), default="-", help="Mail-merge CSV (stdout).")
@click.option("--days", type=click.IntRange(1, 365), default=None, help="Days the links work (SURVEY_INVITATION_DAYS).")
def invite_command(csv_file, survey_id: str, base_url: str, out, days: int | None) -> None:
    """Invite every plan in CSV_FILE (plan_reference, finalised_date, language, email).

    Writes the mail-merge file (reference, link, code, expiry, language, email). The links
    and codes cannot be shown again: keep the file safe until the letters have gone.
    """
    survey = survey_definitions().get(survey_id)
    if survey is None or survey.open:
        raise click.BadParameter(f"{survey_id!r} is not a survey that needs invitations", param_hint="--survey")
    # A request context gives the messages a locale and the links the portal's address.
    with current_app.test_request_context(base_url=base_url.rstrip("/")):
        text = invitations.decode_upload(csv_file.read())
        if text is None:
            raise click.ClickException("The file must be a CSV file saved as UTF-8.")
        now = utcnow()
        days = days or current_app.config["SURVEY_INVITATION_DAYS"]
        example = content_store().council.plan_reference_example
        rows, problems = invitations.parse_csv(text, reporting_day(now), example)

        def invite() -> invitations.UploadResult:
            result = invitations.create_invitations(survey_id, rows, now, days)
            record_event(**invitations.upload_event(survey_id, len(rows) + len(problems), result))
            return result

        result = commit_with_retry(invite)
        result.problems = problems
        links = {
            item.token: url_for("surveys.invitation_link", token=item.token, _external=True) for item in result.created
        }
        out.write(invitations.mail_merge_csv(result.created, links.__getitem__))
        messages = [str(problem) for problem in problems]
    for message in messages:
        click.echo(message, err=True)
    for line, _invitation in result.already_invited:
        click.echo(f"Line {line}: already invited, not invited again", err=True)
    click.echo(
        f"{len(result.created)} invited, {len(result.already_invited)} already invited, "
        f"{len(problems)} row(s) with problems",
        err=True,
    )
    if problems:
        sys.exit(1)


@surveys_group.command("daily")
def daily_command() -> None:
    """Run once a day: store answers that have waited long enough, delete abandoned drafts (and those
    of expired invitations), upload results past their time, and the email addresses of invitations
    completed or expired more than SURVEY_EMAIL_RETENTION_DAYS ago."""
    stored = responses.store_waiting()
    purged = responses.purge_drafts()
    uploads = upload_results.purge()
    forgotten = invitations.forget_emails(current_app.config["SURVEY_EMAIL_RETENTION_DAYS"])
    db.session.commit()
    responses.vacuum_drafts()
    click.echo(
        f"{stored} response(s) stored, {purged} draft(s) deleted, {uploads} upload result(s) deleted, "
        f"{forgotten} email address(es) deleted"
    )


@surveys_group.command("purge-drafts")
def purge_command() -> None:
    """Delete answers in progress that nobody has touched for 30 days."""
    deleted = responses.purge_drafts()
    db.session.commit()
    click.echo(f"{deleted} draft(s) deleted")
