"""``request.dbsession``: one SQLAlchemy session per request, in its transaction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import zope.sqlalchemy
from pyramid.config import Configurator
from pyramid.request import Request
from sqlalchemy import engine_from_config, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry, PoolResetState

SESSION_FACTORY_KEY = "dbsession_factory"

#: Where a request's session keeps the zope.sqlalchemy events bound to its
#: request's transaction manager.
TRANSACTION_EVENTS_KEY = "zope_transaction_events"

# zope.sqlalchemy's session events, and how to find the session in each.
_SESSION_OF: dict[str, Callable[..., Session]] = {
    "after_begin": lambda session, transaction, connection: session,
    "after_attach": lambda session, instance: session,
    "after_flush": lambda session, flush_context: session,
    "after_bulk_update": lambda context: context.session,
    "after_bulk_delete": lambda context: context.session,
    "before_commit": lambda session: session,
    "do_orm_execute": lambda state: state.session,
}


def dbsession(request: Request) -> Session:
    """The request's session, committed or aborted with its transaction.

    Whoever runs the request may hand in a session of their own under
    ``app.dbsession`` (tests do, inside a transaction they roll back).
    """
    session: Session | None = request.environ.get("app.dbsession")
    if session is None:
        factory: sessionmaker[Session] = request.registry[SESSION_FACTORY_KEY]
        events = zope.sqlalchemy.ZopeTransactionEvents(transaction_manager=request.tm)
        session = factory(info={TRANSACTION_EVENTS_KEY: events})
    return session


def forward_transaction_events(factory: sessionmaker[Session]) -> None:
    """Hand each session's events to the zope.sqlalchemy events it carries.

    The listeners are registered once, on the factory: registering them on
    every request's session, as ``zope.sqlalchemy.register`` does, costs
    about 0.1 ms a request. Each session still joins its own request's
    transaction manager, named in its ``info``.
    """
    for name, session_of in _SESSION_OF.items():

        def forward(*args: Any, name: str = name, session_of: Any = session_of) -> None:
            events = session_of(*args).info.get(TRANSACTION_EVENTS_KEY)
            if events is not None:
                getattr(events, name)(*args)

        event.listen(factory, name, forward)


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
    factory = sessionmaker(bind=engine)
    forward_transaction_events(factory)
    config.registry[SESSION_FACTORY_KEY] = factory

    # The session joins the request's transaction: pyramid_tm commits it when
    # the view succeeds and aborts it when anything raises.
    config.include("pyramid_tm")
    config.add_request_method(dbsession, "dbsession", reify=True)
