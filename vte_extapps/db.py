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


def request_dbsession(request: Request) -> Session:
    """The session for this request's plugin work."""
    factory: sessionmaker[Session] | None = request.registry.get(SESSION_FACTORY_KEY)
    if factory is None:
        return request.dbsession
    session = factory()
    zope.sqlalchemy.register(session, transaction_manager=request.tm)
    return session


def includeme(config: Configurator) -> None:
    settings: ExtAppsSettings = config.registry["vte_extapps.settings"]
    if settings.sqlalchemy_url:
        engine_settings: dict[str, Any] = {"sqlalchemy.url": settings.sqlalchemy_url}
        engine = engine_from_config(engine_settings, "sqlalchemy.")
        config.registry[SESSION_FACTORY_KEY] = sessionmaker(bind=engine)
        config.include("pyramid_tm")
    config.add_request_method(request_dbsession, "extapps_db", reify=True)
