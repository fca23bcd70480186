"""Per-test database isolation: every session joins one outer transaction that is rolled back.

SQLAlchemy's "joining a session into an external transaction" recipe: one connection per
test begins a transaction; every session the app opens (one per app context) is bound to that
connection and works inside a SAVEPOINT, so the code under test may commit and roll back as
it does in production while nothing outlives the test. The connection is opened the first
time the test touches the database, so tests that never do pay nothing.

pysqlite manages transactions itself and breaks SAVEPOINTs, so on SQLite the connection is put
in the driver's autocommit mode and SQLAlchemy emits BEGIN itself (the documented workaround).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import Connection, Transaction

from app.extensions import db


class _OuterTransaction:
    """The connection and transaction every session of `app` joins during one test."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.connection: Connection | None = None
        self.transaction: Transaction | None = None
        self._sqlite_isolation: Any = None

    def bind(self) -> Connection:
        if self.connection is None:
            connection = db.engine.connect()
            if connection.dialect.name == "sqlite":
                raw = connection.connection.driver_connection
                self._sqlite_isolation = raw.isolation_level
                raw.isolation_level = None
                self.transaction = connection.begin()
                connection.exec_driver_sql("BEGIN")
            else:
                self.transaction = connection.begin()
            self.connection = connection
        return self.connection

    def applies(self) -> bool:
        return has_app_context() and current_app._get_current_object() is self.app

    def close(self) -> None:
        if self.connection is None:
            return
        try:
            self.transaction.rollback()
            if self.connection.dialect.name == "sqlite":
                self.connection.connection.driver_connection.isolation_level = self._sqlite_isolation
        finally:
            self.connection.close()
            self.connection = None


@contextmanager
def rolled_back(app: Flask) -> Iterator[None]:
    """Run the block with every session of `app` inside one transaction, then roll it back."""
    outer = _OuterTransaction(app)
    factory = db.session.session_factory
    base = factory.class_

    class JoinedSession(base):  # type: ignore[misc, valid-type]
        def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
            if bind is None and outer.applies():
                return outer.bind()
            return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)

    factory.class_ = JoinedSession
    factory.kw["join_transaction_mode"] = "create_savepoint"
    try:
        yield
    finally:
        factory.class_ = base
        factory.kw.pop("join_transaction_mode", None)
        outer.close()


def delete_all_rows(app: Flask) -> None:
    """For tests that commit for real: delete every row they wrote."""
    with app.app_context():
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        db.session.remove()
