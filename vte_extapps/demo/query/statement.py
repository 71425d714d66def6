"""From a parsed query to a SQLAlchemy ``select()``: bound parameters only.

Names in the query are checked against the module's fields, and literals are
converted to the field's type, so nothing the client wrote becomes SQL text.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, inspect, or_, select

from ..fields import Field, InvalidValue
from ..modules import Module
from .errors import QueryError, UnknownFieldError
from .syntax import (
    AllOf,
    AnyOf,
    Comparison,
    Condition,
    Operator,
    Ordering,
    Query,
    Value,
)

#: Most rows one query answers with, with or without LIMIT.
MAX_ROWS = 1000

_COMPARE: dict[Operator, Callable[[Any, Any], ColumnElement[bool]]] = {
    Operator.EQ: operator.eq,
    Operator.NE: operator.ne,
    Operator.LT: operator.lt,
    Operator.GT: operator.gt,
    Operator.LE: operator.le,
    Operator.GE: operator.ge,
}


@dataclasses.dataclass(frozen=True, slots=True)
class Statement:
    """A query ready to run, and the fields each of its rows holds."""

    select: Select[Any]
    #: The fields of each row, labelled by name; empty for ``count(*)``.
    fields: tuple[Field, ...]


def build_statement(
    query: Query, module: Module, row_filter: ColumnElement[bool] | None = None
) -> Statement:
    """The SQL for ``query`` on ``module``, keeping only rows ``row_filter`` allows."""
    model = module.model
    criteria = [] if row_filter is None else [row_filter]
    if query.where is not None:
        criteria.append(_condition(query.where, module))
    fields = _selected_fields(query, module)
    ordering = () if query.order_by is None else _ordering(query.order_by, module)

    if query.count:
        counting = select(func.count().label("count")).select_from(model)
        return Statement(counting.where(*criteria), ())

    columns = [getattr(model, field.name).label(field.name) for field in fields]
    # Ties, and queries without ORDER BY, go by id so that pages do not shift.
    statement = select(*columns).where(*criteria).order_by(*ordering, model.id)
    row_count = MAX_ROWS if query.limit is None else min(query.limit, MAX_ROWS)
    return Statement(statement.limit(row_count).offset(query.offset), fields)


def _ordering(ordering: Ordering, module: Module) -> tuple[ColumnElement[Any], ...]:
    field = _field(module, ordering.field)
    column = getattr(module.model, field.name)
    direction = column.desc() if ordering.descending else column.asc()
    if not inspect(module.model).columns[field.name].nullable:
        return (direction,)
    # Empty values last, in either direction, on every database.
    return (column.is_(None), direction)


def _selected_fields(query: Query, module: Module) -> tuple[Field, ...]:
    if query.count:
        return ()
    if not query.fields:
        return module.fields
    # The id always comes back, as the CRM sends it, followed by what was asked.
    named = [_field(module, name) for name in query.fields]
    chosen = dict.fromkeys([module.fields[0], *named])
    return tuple(chosen)


def _field(module: Module, name: str) -> Field:
    field = module.field(name)
    if field is None:
        raise UnknownFieldError(module.name, name)
    return field


def _condition(condition: Condition, module: Module) -> ColumnElement[bool]:
    # The parser bounds how deep conditions nest, so this recursion is shallow.
    if isinstance(condition, AllOf):
        return and_(*(_condition(inner, module) for inner in condition.conditions))
    if isinstance(condition, AnyOf):
        return or_(*(_condition(inner, module) for inner in condition.conditions))
    field = _field(module, condition.field)
    column = getattr(module.model, field.name)
    if isinstance(condition, Comparison):
        if condition.operator is Operator.LIKE:
            # Case-insensitive everywhere, as MySQL, SQLite and the CRM are.
            return column.ilike(_value(field.like_pattern, field, condition.value))
        compare = _COMPARE[condition.operator]
        return compare(column, _value(field.from_query, field, condition.value))
    return column.in_(
        [_value(field.from_query, field, value) for value in condition.values]
    )


def _value(convert: Callable[[Value], Any], field: Field, value: Value) -> Any:
    try:
        return convert(value)
    except InvalidValue as error:
        raise QueryError(f"{field.name}: {error}") from None
