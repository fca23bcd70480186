"""Flask commands: `flask content check` and those each area adds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask import Flask, current_app

from .content.check import check_content


def register_cli(app: Flask) -> None:
    """Attach the project's command groups to `app.cli`."""
    from .feedback.cli import feedback_group

    app.cli.add_command(content_group)
    app.cli.add_command(feedback_group)


@click.group("content", help="Check the Local Offer content files.")
def content_group() -> None:
    pass


@content_group.command("check")
@click.option(
    "--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Date to check review dates against."
)
@click.option("--strict", is_flag=True, help="Treat warnings (such as review dates in the past) as errors.")
def content_check(today: dt.datetime | None, strict: bool) -> None:
    """Report every problem in content/ with its file and line."""
    from .web import site_paths

    day = today.date() if today else dt.date.today()
    problems = check_content(Path(current_app.config["CONTENT_DIR"]), day, site_paths(current_app))
    for problem in problems:
        click.echo(str(problem), err=problem.severity == "error")
    errors = [p for p in problems if p.severity == "error" or strict]
    warnings = len(problems) - len([p for p in problems if p.severity == "error"])
    click.echo(f"{len(problems) - warnings} error(s), {warnings} warning(s)")
    if errors:
        raise SystemExit(1)
