"""`flask places import FILE.csv`: load the gazetteer from the ONS Postcode Directory."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from ..models.staff import record_event
from ..services import content_store
from .gazetteer import GAZETTEER_FILE, import_gazetteer

places_group = AppGroup("places", help="The postcode gazetteer for 'near where you live'.")


def load(path: Path) -> str:
    """Replace the gazetteer with `path`'s postcodes in the council's area and its neighbours; commit."""
    authorities = content_store().council.gazetteer_authorities
    if not authorities:
        raise click.ClickException("council.yaml must give local_authority (and neighbours) before importing postcodes")
    try:
        result = import_gazetteer(path, authorities)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise click.ClickException(f"cannot read {path}: {exc}") from None
    record_event("gazetteer_imported", target_type="gazetteer", count=result.kept)
    db.session.commit()
    return f"Kept {result.kept} postcodes in {', '.join(authorities)}; skipped {result.skipped} others"


@places_group.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path), required=False)
def import_command(source: Path | None) -> None:
    """Load postcodes from an ONS Postcode Directory CSV (default: gazetteer.csv in the content folder)."""
    click.echo(load(source or Path(current_app.config["CONTENT_DIR"]) / GAZETTEER_FILE))
