"""The migrations build, from an empty database, exactly the schema the models describe."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from app import create_app
from app.config import TestConfig
from app.extensions import db
from app.migrations import set_up_migrations


def _app_for(url: str):
    class MigrationConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(MigrationConfig)
    set_up_migrations(app)
    return app


def _upgrade_compare_downgrade(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Alembic's env.py reconfigures logging from alembic.ini; keep the test run's logging as it is.
    monkeypatch.setattr("logging.config.fileConfig", lambda *args, **kwargs: None)
    app = _app_for(url)
    with app.app_context():
        try:
            assert inspect(db.engine).get_table_names() == [], "the database starts empty"
            flask_migrate.upgrade()
            with db.engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                differences = compare_metadata(context, db.metadata)
            assert differences == [], f"models and migrations differ: {differences}"
            tables = set(inspect(db.engine).get_table_names())
            assert {"staff_user", "audit_event", "moderation_comment", "yswd_entry", "news_post"} <= tables
            flask_migrate.downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        finally:
            db.session.remove()
            db.engine.dispose()


def test_migrations_match_the_models_on_sqlite(tmp_path, monkeypatch):
    _upgrade_compare_downgrade(f"sqlite:///{tmp_path / 'migrated.db'}", monkeypatch)


@pytest.fixture()
def empty_postgres_database() -> Iterator[str]:
    """A new, empty database on the TEST_DATABASE_URL server, dropped afterwards."""
    server_url = os.environ.get("TEST_DATABASE_URL", "")
    if not server_url.startswith("postgresql"):
        pytest.skip("TEST_DATABASE_URL is not a PostgreSQL database")
    base = make_url(server_url)
    name = f"{base.database}_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield base.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.mark.postgres
def test_migrations_match_the_models_on_postgresql(empty_postgres_database, monkeypatch):
    _upgrade_compare_downgrade(empty_postgres_database, monkeypatch)
