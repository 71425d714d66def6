"""The web services' methods: what each one does with the caller's parameters.

Each takes the request and the call's parameters and returns the ``data`` of
the answer, or raises an ``ApiError``. What the caller may do is asked of
``request.has_permission`` on the module or record, never decided here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
from pyramid.request import Request

from vte_extapps.directives import user_directory

from .. import query as crm_query
from ..fields import USERS_PREFIX, Field, InvalidValue, format_wire_id, parse_wire_id
from ..models import Contact, Invoice, Record
from ..modules import ACCOUNTS, MODULES, Module, module_named, module_with_prefix
from ..records import load_record, read_record, record_context, visible_rows
from ..resources import (
    CREATE,
    DELETE,
    EDIT,
    VIEW,
    VIEW_PROFILE,
    ModuleContext,
    ProfileContext,
)
from .wire import (
    AccessDenied,
    ApiError,
    InvalidParameter,
    InvalidQuery,
    NotFound,
    object_param,
    text_param,
)

Params = Mapping[str, Any]
Operation = Callable[[Request, Params], Any]


def query(request: Request, params: Params) -> list[dict[str, Any]]:
    try:
        parsed = crm_query.parse(text_param(params, "query"))
        context = ModuleContext(_module(parsed.module))
        _require(request, VIEW, context)
        prepared = crm_query.build_statement(
            parsed, context.module, visible_rows(request, context)
        )
    except crm_query.QueryError as error:
        raise InvalidQuery(str(error)) from None
    rows = request.dbsession.execute(prepared.select).mappings()
    if parsed.count:
        return [{"count": row["count"]} for row in rows]
    return [context.module.to_wire(row, prepared.fields) for row in rows]


def retrieve(request: Request, params: Params) -> dict[str, Any]:
    wire_id = text_param(params, "id")
    module, number = _locate(wire_id)
    row = None if module is None else read_record(request.dbsession, module, number)
    if module is None or row is None:
        raise NotFound(f"record {wire_id} does not exist")
    context = ModuleContext(module).record(row["id"], row["assigned_user_id"])
    _require(request, VIEW, context)
    return module.to_wire(row)


def describe(request: Request, params: Params) -> dict[str, Any]:
    context = ModuleContext(_module(text_param(params, "elementType")))
    _require(request, VIEW, context)
    module = context.module
    own_record = context.record(None, _caller_number(request))
    return {
        "label": module.label,
        "name": module.name,
        "createable": bool(request.has_permission(CREATE, context)),
        "updateable": bool(request.has_permission(EDIT, own_record)),
        "deleteable": bool(request.has_permission(DELETE, own_record)),
        "retrieveable": True,
        "idPrefix": str(module.prefix),
        "isEntity": True,
        "labelFields": ",".join(module.label_fields),
        "fields": [_describe_field(field) for field in module.fields],
    }


def listtypes(request: Request, params: Params) -> dict[str, Any]:
    visible = [m for m in MODULES if request.has_permission(VIEW, ModuleContext(m))]
    return {
        "types": [module.name for module in visible],
        "information": {
            module.name: {
                "isEntity": True,
                "label": module.label,
                "singular": module.singular,
            }
            for module in visible
        },
    }


def create(request: Request, params: Params) -> dict[str, Any]:
    context = ModuleContext(_module(text_param(params, "elementType")))
    _require(request, CREATE, context)
    module = context.module
    element = {
        "assigned_user_id": format_wire_id(USERS_PREFIX, _caller_number(request)),
        **object_param(params, "element"),
    }
    values = _values(request, module, element, creating=True)
    record = module.model(**values)
    request.dbsession.add(record)
    request.dbsession.flush()
    return module.record_to_wire(record)


def update(request: Request, params: Params) -> dict[str, Any]:
    element = object_param(params, "element")
    module, record = _find(request, text_param(element, "id"))
    _require(request, EDIT, record_context(ModuleContext(module), record))
    for name, value in _values(request, module, element, creating=False).items():
        setattr(record, name, value)
    request.dbsession.flush()
    return module.record_to_wire(record)


def delete(request: Request, params: Params) -> dict[str, str]:
    module, record = _find(request, text_param(params, "id"))
    _require(request, DELETE, record_context(ModuleContext(module), record))
    if module is ACCOUNTS:
        # Contacts and invoices of a deleted account keep going without one.
        for model in (Contact, Invoice):
            request.dbsession.execute(
                sa.update(model)
                .where(model.account_id == record.id)
                .values(account_id=None)
            )
    request.dbsession.delete(record)
    request.dbsession.flush()
    return {"status": "successful"}


def me(request: Request, params: Params) -> dict[str, Any]:
    """The caller's own profile."""
    user_id = request.authenticated_userid
    _require(request, VIEW_PROFILE, ProfileContext(user_id))
    user = user_directory(request.registry).get_user(request, user_id)
    if user is None:
        raise NotFound("no such user")
    return {
        "id": format_wire_id(USERS_PREFIX, int(user.id)),
        "display_name": user.display_name,
        "email": user.email,
    }


#: The methods, by the name in ``/restapi/v1/vtews/<name>``.
OPERATIONS: dict[str, Operation] = {
    "query": query,
    "retrieve": retrieve,
    "describe": describe,
    "listtypes": listtypes,
    "create": create,
    "update": update,
    "delete": delete,
    "me": me,
}


def _require(request: Request, permission: str, context: object) -> None:
    if not request.has_permission(permission, context):
        raise AccessDenied(f"permission {permission!r} denied on {context!r}")


def _module(name: str) -> Module:
    module = module_named(name)
    if module is None:
        raise NotFound(f"module {name!r} does not exist", error="INVALID_MODULE")
    return module


def _locate(wire_id: str) -> tuple[Module | None, int]:
    """The module a wire id names, if any, and the record's number."""
    try:
        prefix, number = parse_wire_id(wire_id)
    except InvalidValue as error:
        raise InvalidParameter(f"id: {error}") from None
    return module_with_prefix(prefix), number


def _find(request: Request, wire_id: str) -> tuple[Module, Record]:
    module, number = _locate(wire_id)
    record = None if module is None else load_record(request.dbsession, module, number)
    if module is None or record is None:
        raise NotFound(f"record {wire_id} does not exist")
    return module, record


def _caller_number(request: Request) -> int:
    return int(request.authenticated_userid)


def _values(
    request: Request, module: Module, element: Params, *, creating: bool
) -> dict[str, Any]:
    """Column values from an element, checked field by field."""
    given: dict[str, Any] = {}
    for name, value in element.items():
        field = module.field(name)
        if field is None:
            raise InvalidParameter(f"{module.name} has no field {name!r}")
        # Read-only fields (id, timestamps) come back as retrieved; let them be.
        if field.editable:
            given[field.name] = (field, value)

    if creating:
        missing = [
            field.name
            for field in module.fields
            if field.mandatory and field.editable and field.name not in given
        ]
        if missing:
            raise ApiError(
                f"{module.name} needs {', '.join(missing)}",
                error="MANDATORY_FIELDS_MISSING",
            )

    values = {}
    for field, value in given.values():
        try:
            values[field.name] = field.from_element(value)
        except InvalidValue as error:
            raise InvalidParameter(f"{field.name}: {error}") from None
        _check_reference(request, field, values[field.name])
    return values


def _check_reference(request: Request, field: Field, value: Any) -> None:
    if value is None or field.refers_to is None:
        return
    if field.prefix == USERS_PREFIX:
        user = user_directory(request.registry).get_user(request, str(value))
        if user is None or not user.active:
            raise InvalidParameter(f"{field.name}: no active user has that id")
        return
    target = module_named(field.refers_to)
    if target is None or load_record(request.dbsession, target, value) is None:
        raise InvalidParameter(f"{field.name}: no {field.refers_to} record has that id")


def _describe_field(field: Field) -> dict[str, Any]:
    kind: dict[str, Any] = {"name": str(field.type)}
    if field.choices:
        kind["picklistValues"] = [{"label": c, "value": c} for c in field.choices]
    if field.refers_to is not None:
        kind["refersTo"] = [field.refers_to]
    return {
        "name": field.name,
        "label": field.label,
        "mandatory": field.mandatory,
        "editable": field.editable,
        "nullable": not field.mandatory,
        "type": kind,
    }
