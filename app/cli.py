"""Flask commands: `flask content check`, `flask search build` and those each area adds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .content.check import check_content


def register_cli(app: Flask) -> None:
    """Attach the project's command groups to `app.cli`."""
    app.cli.add_command(content_group)
    app.cli.add_command(search_group)


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


search_group = AppGroup("search", help="Build and check the search index.")


@search_group.command("build")
def search_build() -> None:
    """Index every service, guidance page, fixed page and glossary term, then swap the index in."""
    from .search import build_index

    store = current_app.extensions["content"]
    index_dir = Path(current_app.config["SEARCH_INDEX_DIR"])

    def progress(items: list) -> Iterator:
        with click.progressbar(items, label="Indexing the Local Offer") as bar:
            yield from bar

    info = build_index(store, index_dir, progress=progress)
    click.echo(f"Indexed {info.documents} documents into {info.path} (content {info.fingerprint})")


@search_group.command("status")
def search_status() -> None:
    """Say whether the index exists and matches the content; exit 1 if it is missing or stale."""
    from .search import index_status

    status = index_status(current_app.extensions["search"], current_app.extensions["content"].fingerprint)
    click.echo(status.message)
    if status.state != "ok":
        raise SystemExit(1)
