"""The database session the plugin works in.

A host that already has ``request.dbsession`` joined to ``pyramid_tm`` shares
it with the plugin, so a consent and the host's own writes commit together.
A host without one names a database in ``vte_extapps.sqlalchemy_url``, and the
plugin opens its own session, joined to the same request transaction.
"""

from __future__ import annotations

from typing import Any

import zope.sqlalchemy
from pyramid.config import Configurator
from pyramid.request import Request
from sqlalchemy import engine_from_config
from sqlalchemy.orm import Session, sessionmaker

from .settings import ExtAppsSettings

SESSION_FACTORY_KEY = "vte_extapps.session_factory"

# The sessions zope.sqlalchemy has joined to a transaction, by its own record;
# it offers no public way to ask. Should a release drop that record, every
# session is marked, which is right for all that run under a manager.
_JOINED_SESSIONS = getattr(zope.sqlalchemy.datamanager, "_SESSION_STATE", None)


def request_dbsession(request: Request) -> Session:
    """The session for this request's plugin work."""
    factory: sessionmaker[Session] | None = request.registry.get(SESSION_FACTORY_KEY)
    if factory is None:
        return request.dbsession
    session = factory()
    zope.sqlalchemy.register(session, transaction_manager=request.tm)
    return session


def mark_written(session: Session) -> None:
    """Tell the transaction ``session`` has joined that it wrote, so it commits.

    zope.sqlalchemy sees ORM writes on its own, not INSERTs built on a table
    and executed through the session; without the mark, a request whose only
    writes are such INSERTs ends in a rollback. Call it after the statement,
    when a session registered with zope.sqlalchemy has joined its transaction.
    A session outside any transaction manager commits by itself: it is left
    alone rather than joined to the thread's default manager.
    """
    if _JOINED_SESSIONS is None or session in _JOINED_SESSIONS:
        zope.sqlalchemy.mark_changed(session)


def includeme(config: Configurator) -> None:
    settings: ExtAppsSettings = config.registry["vte_extapps.settings"]
    if settings.sqlalchemy_url:
        engine_settings: dict[str, Any] = {"sqlalchemy.url": settings.sqlalchemy_url}
        engine = engine_from_config(engine_settings, "sqlalchemy.")
        config.registry[SESSION_FACTORY_KEY] = sessionmaker(bind=engine)
        config.include("pyramid_tm")
    config.add_request_method(request_dbsession, "extapps_db", reify=True)
