"""The CRM's query language: ``SELECT ... FROM Module ... ;`` over web services."""

from .errors import QueryError, QuerySyntaxError, UnknownFieldError
from .parser import parse
from .statement import MAX_ROWS, build_statement
from .syntax import AllOf, AnyOf, Comparison, Membership, Operator, Ordering, Query

__all__ = [
    "MAX_ROWS",
    "AllOf",
    "AnyOf",
    "Comparison",
    "Membership",
    "Operator",
    "Ordering",
    "Query",
    "QueryError",
    "QuerySyntaxError",
    "UnknownFieldError",
    "build_statement",
    "parse",
]
