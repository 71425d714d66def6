"""``request.dbsession``: one SQLAlchemy session per request, in its transaction."""

from __future__ import annotations

from typing import Any

import zope.sqlalchemy
from pyramid.config import Configurator
from pyramid.request import Request
from sqlalchemy import engine_from_config, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry, PoolResetState

SESSION_FACTORY_KEY = "dbsession_factory"


def dbsession(request: Request) -> Session:
    """The request's session, committed or aborted with its transaction.

    Whoever runs the request may hand in a session of their own under
    ``app.dbsession`` (tests do, inside a transaction they roll back).
    """
    session: Session | None = request.environ.get("app.dbsession")
    if session is None:
        factory: sessionmaker[Session] = request.registry[SESSION_FACTORY_KEY]
        session = factory()
        zope.sqlalchemy.register(session, transaction_manager=request.tm)
    return session


def roll_back_on_return(
    dbapi_connection: Any,
    connection_record: ConnectionPoolEntry,
    reset_state: PoolResetState,
) -> None:
    """Roll back a connection on its way back to the pool, even a "clean" one.

    When a COMMIT fails, SQLAlchemy takes the transaction for ended and skips
    its own rollback, while the driver may still hold it open (SQLite does
    after "database is locked"): the next request on that connection would
    see the failed request's writes, and could commit them. Rolling back with
    no transaction open costs nothing on SQLite and psycopg, and one round
    trip on the MySQL drivers.
    """
    if reset_state.transaction_was_reset and not reset_state.terminate_only:
        dbapi_connection.rollback()


def no_implicit_transactions(dbapi_connection: Any, connection_record: Any) -> None:
    # The sqlite3 module's own BEGIN, sent only before a write, is switched off.
    dbapi_connection.isolation_level = None


def begin(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN")


def nest_sqlite_savepoints(engine: Engine) -> None:
    """Let SQLAlchemy, not the sqlite3 module, begin SQLite's transactions.

    The sqlite3 module begins a transaction only before a write, so a
    SAVEPOINT sent before any write begins a transaction of its own, and
    releasing it commits: rows written in a nested transaction would stay
    even when the request failed afterwards. Beginning each transaction
    explicitly makes savepoints nest inside it, and a rollback undoes it all.
    """
    if engine.dialect.name == "sqlite" and engine.dialect.driver == "pysqlite":
        event.listen(engine, "connect", no_implicit_transactions)
        event.listen(engine, "begin", begin)


def engine_of(config: Configurator) -> Engine:
    factory: sessionmaker[Session] = config.registry[SESSION_FACTORY_KEY]
    engine: Engine = factory.kw["bind"]
    return engine


def includeme(config: Configurator) -> None:
    # One engine for the application, from the sqlalchemy.* settings.
    engine = engine_from_config(config.get_settings(), "sqlalchemy.")
    event.listen(engine, "reset", roll_back_on_return)
    nest_sqlite_savepoints(engine)
    config.registry[SESSION_FACTORY_KEY] = sessionmaker(bind=engine)

    # The session joins the request's transaction: pyramid_tm commits it when
    # the view succeeds and aborts it when anything raises.
    config.include("pyramid_tm")
    config.add_request_method(dbsession, "dbsession", reify=True)
