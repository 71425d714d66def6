"""The CRM's query language, parsed by an LALR grammar into ``syntax`` objects.

Keywords and module names are case-insensitive; text is quoted with single
quotes, a quote inside doubled (``''``) or escaped (``\\'``); AND binds tighter
than OR and parentheses group; the query ends with ``;``.
"""

from __future__ import annotations

import decimal
import re
from typing import Any, cast

from lark import Lark, Token, Transformer, UnexpectedInput
from lark.exceptions import UnexpectedCharacters, UnexpectedToken

from .errors import QueryError, QuerySyntaxError
from .syntax import (
    AllOf,
    AnyOf,
    Comparison,
    Condition,
    Membership,
    Operator,
    Ordering,
    Query,
    Value,
)

GRAMMAR = r"""
start: _SELECT columns _FROM NAME [where] [order] [limit] _SEMICOLON

columns: STAR                  -> every_field
       | COUNT "(" STAR ")"    -> count
       | NAME ("," NAME)*      -> fields

where: _WHERE disjunction
?disjunction: conjunction (_OR conjunction)*
?conjunction: _condition (_AND _condition)*
_condition: comparison | membership | "(" disjunction ")"
comparison: NAME (OPERATOR | LIKE) _value
membership: NAME _IN "(" _value ("," _value)* ")"
_value: STRING | NUMBER

order: _ORDER _BY NAME [DIRECTION]
limit: _LIMIT INT ["," INT]

_SELECT: "select"i
_FROM: "from"i
_WHERE: "where"i
_AND: "and"i
_OR: "or"i
_IN: "in"i
_ORDER: "order"i
_BY: "by"i
_LIMIT: "limit"i
COUNT: "count"i
LIKE: "like"i
DIRECTION: "asc"i | "desc"i
OPERATOR: "=" | "!=" | "<>" | "<=" | ">=" | "<" | ">"
STAR: "*"
_SEMICOLON: ";"
NAME: /[A-Za-z_][A-Za-z0-9_]*/
STRING: /'(?:[^'\\]|''|\\.)*'/s
NUMBER: /-?[0-9]+(\.[0-9]+)?/
INT: /[0-9]+/

%ignore /\s+/
"""

#: Longest query text accepted.
MAX_QUERY_LENGTH = 10_000
#: Most comparisons in one WHERE clause, and most values in one IN list.
MAX_CONDITIONS = 100
MAX_IN_VALUES = 500
#: Deepest nesting of AND inside OR inside AND...
MAX_NESTING = 8
#: Largest LIMIT count or offset: a signed 32-bit integer on every database.
MAX_ROW_NUMBER = 2**31 - 1

# How error messages name what the grammar expected.
_TERMINAL_NAMES = {
    "SEMICOLON": "';'",
    "LPAR": "'('",
    "RPAR": "')'",
    "COMMA": "','",
    "STAR": "'*'",
    "NAME": "a name",
    "STRING": "a quoted text",
    "NUMBER": "a number",
    "INT": "a whole number",
    "OPERATOR": "an operator",
    "DIRECTION": "ASC or DESC",
}
_ESCAPE = re.compile(r"''|\\(.)", re.DOTALL)


class _ToSyntax(Transformer[Token, Any]):
    """Builds ``syntax`` objects as the parser reduces, with no recursion."""

    def start(self, children: list[Any]) -> Query:
        (count, fields), module, where, order, limit = children
        offset, row_count = limit if limit is not None else (0, None)
        return Query(
            module=str(module),
            fields=fields,
            count=count,
            where=where,
            order_by=order,
            limit=row_count,
            offset=offset,
        )

    def every_field(self, children: list[Token]) -> tuple[bool, tuple[str, ...]]:
        return False, ()

    def count(self, children: list[Token]) -> tuple[bool, tuple[str, ...]]:
        return True, ()

    def fields(self, children: list[Token]) -> tuple[bool, tuple[str, ...]]:
        return False, tuple(str(name) for name in children)

    def where(self, children: list[Condition]) -> Condition:
        return children[0]

    def disjunction(self, children: list[Condition]) -> AnyOf:
        return AnyOf(tuple(children))

    def conjunction(self, children: list[Condition]) -> AllOf:
        return AllOf(tuple(children))

    def comparison(self, children: list[Token]) -> Comparison:
        name, operator, value = children
        symbol = "!=" if operator == "<>" else operator.upper()
        return Comparison(str(name), Operator(symbol), _literal(value))

    def membership(self, children: list[Token]) -> Membership:
        name, *values = children
        if len(values) > MAX_IN_VALUES:
            raise QueryError(f"IN takes at most {MAX_IN_VALUES} values")
        return Membership(str(name), tuple(_literal(value) for value in values))

    def order(self, children: list[Token | None]) -> Ordering:
        name, direction = children
        descending = direction is not None and direction.lower() == "desc"
        return Ordering(str(name), descending)

    def limit(self, children: list[Token | None]) -> tuple[int, int]:
        first, second = (None if n is None else _row_number(n) for n in children)
        assert first is not None
        # LIMIT n, or LIMIT offset, n.
        return (0, first) if second is None else (first, second)


_PARSER = Lark(GRAMMAR, parser="lalr", transformer=_ToSyntax())


def parse(text: str) -> Query:
    """The query ``text`` says; QueryError (or its subclasses) if it says none."""
    if len(text) > MAX_QUERY_LENGTH:
        raise QueryError(f"a query is at most {MAX_QUERY_LENGTH} characters long")
    try:
        query = cast(Query, _PARSER.parse(text))
    except UnexpectedInput as error:
        raise _syntax_error(text, error) from None
    if query.where is not None:
        _check_size(query.where)
    return query


def _literal(token: Token) -> Value:
    if token.type == "STRING":
        return _ESCAPE.sub(lambda found: found.group(1) or "'", token[1:-1])
    if "." in token:
        return decimal.Decimal(token)
    return int(token)


def _row_number(token: Token) -> int:
    number = int(token)
    if number > MAX_ROW_NUMBER:
        raise QueryError(f"LIMIT takes numbers up to {MAX_ROW_NUMBER}")
    return number


def _check_size(where: Condition) -> None:
    """Refuse conditions too big or deep to run everywhere (SQLite stops at 1000)."""
    comparisons = 0
    pending: list[tuple[Condition, int]] = [(where, 1)]
    while pending:
        condition, depth = pending.pop()
        if isinstance(condition, AllOf | AnyOf):
            if depth > MAX_NESTING:
                raise QueryError(f"conditions nest at most {MAX_NESTING} deep")
            pending.extend((inner, depth + 1) for inner in condition.conditions)
        else:
            comparisons += 1
    if comparisons > MAX_CONDITIONS:
        raise QueryError(f"a query has at most {MAX_CONDITIONS} conditions")


def _syntax_error(text: str, error: UnexpectedInput) -> QuerySyntaxError:
    if isinstance(error, UnexpectedCharacters):
        found = "an unterminated quoted text" if error.char == "'" else repr(error.char)
        return QuerySyntaxError(error.line, error.column, found, _names(error.allowed))
    expected = _names(getattr(error, "expected", None) or ())
    token = getattr(error, "token", None)
    if (
        isinstance(error, UnexpectedToken)
        and token is not None
        and token.type != "$END"
    ):
        return QuerySyntaxError(error.line, error.column, repr(str(token)), expected)
    # The end came too early: point just past the last character.
    lines = text.split("\n")
    return QuerySyntaxError(
        len(lines), len(lines[-1]) + 1, "the end of the query", expected
    )


def _names(terminals: Any) -> list[str]:
    names = {name.lstrip("_") for name in terminals}
    return sorted(_TERMINAL_NAMES.get(name, name) for name in names)
