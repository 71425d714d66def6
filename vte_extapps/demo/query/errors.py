"""What goes wrong with a query, in terms a client can act on."""

from __future__ import annotations


class QueryError(ValueError):
    """A query the CRM cannot answer; the message is meant for the client."""


class QuerySyntaxError(QueryError):
    """The text is not a query: where it went wrong and what was expected."""

    def __init__(self, line: int, column: int, found: str, expected: list[str]):
        self.line = line
        self.column = column
        self.found = found
        self.expected = expected
        wanted = _one_of(expected)
        super().__init__(
            f"syntax error at line {line}, column {column}: "
            f"expected {wanted}, found {found}"
        )


class UnknownFieldError(QueryError):
    def __init__(self, module: str, name: str):
        self.module = module
        self.name = name
        super().__init__(f"{module} has no field {name!r}")


def _one_of(names: list[str]) -> str:
    if not names:
        return "nothing more"
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} or {names[-1]}"
