"""What a parsed query says, independent of how it was written or is run."""

from __future__ import annotations

import dataclasses
import decimal
import enum

#: A literal: quoted text, a whole number, or a decimal number.
Value = str | int | decimal.Decimal


class Operator(enum.StrEnum):
    EQ = "="
    NE = "!="
    LT = "<"
    GT = ">"
    LE = "<="
    GE = ">="
    LIKE = "LIKE"


@dataclasses.dataclass(frozen=True, slots=True)
class Comparison:
    """``field op value``."""

    field: str
    operator: Operator
    value: Value


@dataclasses.dataclass(frozen=True, slots=True)
class Membership:
    """``field IN (value, ...)``."""

    field: str
    values: tuple[Value, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class AllOf:
    """Conditions joined by AND."""

    conditions: tuple[Condition, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class AnyOf:
    """Conditions joined by OR."""

    conditions: tuple[Condition, ...]


Condition = Comparison | Membership | AllOf | AnyOf


@dataclasses.dataclass(frozen=True, slots=True)
class Ordering:
    field: str
    descending: bool = False


@dataclasses.dataclass(frozen=True, slots=True)
class Query:
    """``SELECT ... FROM module [WHERE ...] [ORDER BY ...] [LIMIT ...];``"""

    module: str
    #: The fields asked for; empty for ``*``.
    fields: tuple[str, ...] = ()
    #: ``count(*)`` instead of rows.
    count: bool = False
    where: Condition | None = None
    order_by: Ordering | None = None
    limit: int | None = None
    offset: int = 0
