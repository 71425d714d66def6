"""``request.dbsession``: one SQLAlchemy session per request, in its transaction."""

from __future__ import annotations

import zope.sqlalchemy
from pyramid.config import Configurator
from pyramid.request import Request
from sqlalchemy import engine_from_config
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

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


def engine_of(config: Configurator) -> Engine:
    factory: sessionmaker[Session] = config.registry[SESSION_FACTORY_KEY]
    engine: Engine = factory.kw["bind"]
    return engine


def includeme(config: Configurator) -> None:
    # One engine for the application, from the sqlalchemy.* settings.
    engine = engine_from_config(config.get_settings(), "sqlalchemy.")
    config.registry[SESSION_FACTORY_KEY] = sessionmaker(bind=engine)

    # The session joins the request's transaction: pyramid_tm commits it when
    # the view succeeds and aborts it when anything raises.
    config.include("pyramid_tm")
    config.add_request_method(dbsession, "dbsession", reify=True)
