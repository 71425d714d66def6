"""Everything the database holds about one application, to compare before and after."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from vte_extapps.models import (
    AccessToken,
    Application,
    AuditEvent,
    AuthorizationCode,
    ClientAuthFailure,
    Grant,
    RefreshToken,
    UsedAssertion,
)

_BY_APPLICATION = (AuthorizationCode, Grant, RefreshToken, AccessToken, UsedAssertion)


def snapshot(admin_engine: Engine, client_id: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the application's, its own included, table by table."""
    with admin_engine.connect() as connection:
        application_id = connection.execute(
            select(Application.id).where(Application.client_id == client_id)
        ).scalar_one()
        rows = {
            "application": _rows(
                connection, Application.__table__, Application.id == application_id
            ),
            "audit": _rows(
                connection, AuditEvent.__table__, AuditEvent.client_id == client_id
            ),
            "auth_failures": _rows(
                connection,
                ClientAuthFailure.__table__,
                ClientAuthFailure.client_id == client_id,
            ),
        }
        for model in _BY_APPLICATION:
            rows[model.__tablename__] = _rows(
                connection, model.__table__, model.application_id == application_id
            )
    return rows


def _rows(connection: Any, table: Any, where: Any) -> list[tuple[Any, ...]]:
    return sorted(tuple(row) for row in connection.execute(select(table).where(where)))


def actions(admin_engine: Engine, client_id: str) -> list[str]:
    """The application's audit trail, oldest first."""
    with admin_engine.connect() as connection:
        return list(
            connection.execute(
                select(AuditEvent.action)
                .where(AuditEvent.client_id == client_id)
                .order_by(AuditEvent.id)
            ).scalars()
        )


def count(admin_engine: Engine, model: Any, client_id: str, *where: Any) -> int:
    """How many of the application's rows of ``model`` meet every condition."""
    with admin_engine.connect() as connection:
        application_id = connection.execute(
            select(Application.id).where(Application.client_id == client_id)
        ).scalar_one()
        query = select(model.id).where(model.application_id == application_id, *where)
        return len(connection.execute(query).all())
