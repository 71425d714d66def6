"""Real database faults, caused at the driver: nothing of the CRM is mocked.

A fault is armed for one statement, picked by a piece of its SQL, or for the
next COMMIT. It comes in two kinds:

- ``statement_fails``: the database refuses that statement with the error it
  really gives when a lock cannot be had (SQLite "database is locked",
  PostgreSQL's lock timeout, MariaDB's error 1205); the connection survives,
  so whatever the request wrote before stays in its open transaction unless
  the request rolls back.
- ``connection_lost``: the server ends the connection (``pg_terminate_backend``
  or ``KILL CONNECTION``) just before the statement is sent, which then fails
  the way a network cut or a database restart makes it fail.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event, exc, text
from sqlalchemy.engine import Connection, Engine

STATEMENT_FAILS = "statement_fails"
CONNECTION_LOST = "connection_lost"
KINDS = (STATEMENT_FAILS, CONNECTION_LOST)
COMMIT = "COMMIT"


class DatabaseFault:
    """Fails chosen statements of an engine, once each time it is armed."""

    def __init__(self, engine: Engine, admin: Engine) -> None:
        self.engine = engine
        self.admin = admin
        self.backend = engine.dialect.name
        self.fired = 0
        self._armed: tuple[str, str] | None = None
        event.listen(engine, "before_cursor_execute", self._before_statement)
        event.listen(engine, "commit", self._before_commit)

    def arm(self, kind: str, sql: str) -> None:
        """Fail the next statement containing ``sql`` (or ``COMMIT``) this way."""
        assert kind in KINDS, kind
        self._armed = (kind, sql)

    def remove(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._before_statement)
        event.remove(self.engine, "commit", self._before_commit)

    def _take(self, statement: str) -> str | None:
        if self._armed is None:
            return None
        kind, sql = self._armed
        if sql not in statement:
            return None
        self._armed = None
        self.fired += 1
        return kind

    def _before_statement(
        self,
        connection: Connection,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
        executemany: bool,
    ) -> None:
        kind = self._take(statement)
        if kind == STATEMENT_FAILS:
            # Raised from the driver's own class, SQLAlchemy handles it as it
            # handles every error of that driver.
            raise self._lock_error()
        if kind == CONNECTION_LOST:
            self._end_connection(connection)

    def _before_commit(self, connection: Connection) -> None:
        kind = self._take(COMMIT)
        if kind == STATEMENT_FAILS:
            # The commit event runs before the driver is asked to commit, so
            # the driver's error is wrapped here as SQLAlchemy would wrap it.
            raise exc.OperationalError(COMMIT, None, self._lock_error())
        if kind == CONNECTION_LOST:
            self._end_connection(connection)

    def _lock_error(self) -> Exception:
        driver = self.engine.dialect.loaded_dbapi
        if self.backend == "sqlite":
            return driver.OperationalError("database is locked")
        if self.backend == "postgresql":
            return driver.OperationalError("canceling statement due to lock timeout")
        return driver.OperationalError(
            1205, "Lock wait timeout exceeded; try restarting transaction"
        )

    def _end_connection(self, connection: Connection) -> None:
        dbapi_connection: Any = connection.connection.dbapi_connection
        with self.admin.connect() as admin:
            if self.backend == "postgresql":
                # With a timeout, the call returns once the backend has gone.
                admin.execute(
                    text("SELECT pg_terminate_backend(:pid, 10000)"),
                    {"pid": dbapi_connection.info.backend_pid},
                )
                return
            thread_id = int(dbapi_connection.thread_id())
            admin.execute(text(f"KILL CONNECTION {thread_id}"))
            deadline = time.monotonic() + 10
            still_there = text(
                "SELECT COUNT(*) FROM information_schema.processlist WHERE id = :id"
            )
            while (
                time.monotonic() < deadline
                and admin.execute(still_there, {"id": thread_id}).scalar()
            ):
                time.sleep(0.05)
