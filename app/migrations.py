"""`flask db`: database migrations (Flask-Migrate and Alembic), loaded only when used.

Alembic takes 0.1 s and 11 MB to import, which no web process needs; the command group is
registered under its name, and the real one is loaded when it is run.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, g
from flask.cli import with_appcontext

from .extensions import db

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def set_up_migrations(app: Flask) -> None:
    """Flask-Migrate on `app` (what `flask_migrate.upgrade()` and friends need)."""
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        Migrate().init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)


class MigrationCommands(click.Group):
    """`flask db ...`, standing in for Flask-Migrate's group until one of its commands is run
    (with the group's own options, which its commands read from `g`)."""

    def __init__(self, app: Flask) -> None:
        super().__init__(
            name="db",
            help="Perform database migrations (Flask-Migrate).",
            params=[
                click.Option(["-d", "--directory"], default=None, help="Migration script directory"),
                click.Option(["-x", "--x-arg"], multiple=True, help="Additional arguments for env.py"),
            ],
            callback=with_appcontext(self._options),
        )
        self.app = app

    @staticmethod
    def _options(directory: str | None, x_arg: tuple[str, ...]) -> None:
        g.directory = directory
        g.x_arg = x_arg

    def _commands(self) -> click.Group:
        set_up_migrations(self.app)
        from flask_migrate.cli import db as commands

        return commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._commands().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._commands().get_command(ctx, cmd_name)
