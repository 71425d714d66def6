"""Finding the records a caller may see, for the pages and the web services alike."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from pyramid.request import Request
from sqlalchemy import ColumnElement, bindparam, false, select
from sqlalchemy.orm import Session

from vte_extapps.directives import user_directory

from .models import Record
from .modules import MODULES, Module
from .resources import VIEW, ModuleContext, RecordContext


def visible_rows(
    request: Request, context: ModuleContext
) -> ColumnElement[bool] | None:
    """The records' access control list as SQL; None when every row is visible.

    A record is visible to whoever may view a record assigned to no one (the
    administrators), and otherwise to the user it is assigned to.
    """
    if request.has_permission(VIEW, context.unassigned_record()):
        return None
    user_id = request.authenticated_userid
    directory = user_directory(request.registry)
    user = None if user_id is None else directory.get_user(request, user_id)
    if user is None or not user.active:
        return false()
    return context.module.model.assigned_user_id == int(user.id)


def load_record(dbsession: Session, module: Module, number: int) -> Record | None:
    return dbsession.get(module.model, number)


# One record's columns by id, per module, built once: reading a record to
# send it needs no ORM object, only its values.
_ROW_BY_ID = {
    module.name: select(module.model.__table__).where(
        module.model.__table__.c.id == bindparam("id")
    )
    for module in MODULES
}


def read_record(
    dbsession: Session, module: Module, number: int
) -> Mapping[str, Any] | None:
    """A record's values, for reading only; None if there is no such record."""
    row = dbsession.execute(_ROW_BY_ID[module.name], {"id": number}).mappings()
    return cast("Mapping[str, Any] | None", row.first())


def record_context(context: ModuleContext, record: Record) -> RecordContext:
    return context.record(record.id, record.assigned_user_id)


def list_visible(request: Request, context: ModuleContext, limit: int) -> list[Record]:
    """The newest records the caller may see, for the pages."""
    model = context.module.model
    statement = select(model).order_by(model.modifiedtime.desc(), model.id.desc())
    condition = visible_rows(request, context)
    if condition is not None:
        statement = statement.where(condition)
    return list(request.dbsession.scalars(statement.limit(limit)))
