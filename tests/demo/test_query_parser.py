"""The query language's parser alone: text in, syntax out, no database."""

# ruff: noqa: S608 - the strings built here are CRM queries, never SQL.

from __future__ import annotations

import decimal

import pytest

from vte_extapps.demo.query import (
    AllOf,
    AnyOf,
    Comparison,
    Membership,
    Operator,
    Ordering,
    Query,
    QueryError,
    QuerySyntaxError,
    parse,
)
from vte_extapps.demo.query.parser import (
    MAX_CONDITIONS,
    MAX_IN_VALUES,
    MAX_NESTING,
    MAX_QUERY_LENGTH,
)


def test_select_star_names_the_module_and_every_field() -> None:
    assert parse("SELECT * FROM Invoice;") == Query(module="Invoice")


def test_keywords_are_case_insensitive() -> None:
    assert parse(
        "select * from Invoice where total > 5 order by total desc limit 2;"
    ) == (parse("SELECT * FROM Invoice WHERE total > 5 ORDER BY total DESC LIMIT 2;"))


def test_named_fields_keep_their_order() -> None:
    query = parse("SELECT subject, total, id FROM Invoice;")
    assert query.fields == ("subject", "total", "id")
    assert not query.count


def test_count_star_asks_for_a_count() -> None:
    query = parse("SELECT count(*) FROM Leads;")
    assert query.count
    assert query.fields == ()


def test_count_keyword_may_be_any_case_and_spaced() -> None:
    assert parse("SELECT COUNT ( * ) FROM Leads;").count


@pytest.mark.parametrize(
    ("written", "operator"),
    [
        ("=", Operator.EQ),
        ("!=", Operator.NE),
        ("<>", Operator.NE),
        ("<", Operator.LT),
        (">", Operator.GT),
        ("<=", Operator.LE),
        (">=", Operator.GE),
        ("LIKE", Operator.LIKE),
        ("like", Operator.LIKE),
    ],
)
def test_each_operator_is_read(written: str, operator: Operator) -> None:
    query = parse(f"SELECT * FROM Leads WHERE lastname {written} 'Smith';")
    assert query.where == Comparison("lastname", operator, "Smith")


def test_in_takes_a_parenthesised_list_of_values() -> None:
    query = parse("SELECT * FROM Invoice WHERE invoicestatus IN ('Paid', 'Sent', 3);")
    assert query.where == Membership("invoicestatus", ("Paid", "Sent", 3))


def test_numbers_are_whole_or_exact_decimals() -> None:
    query = parse("SELECT * FROM Invoice WHERE total IN (10, -2, 3.25);")
    assert query.where == Membership("total", (10, -2, decimal.Decimal("3.25")))


def test_doubled_quotes_stand_for_one_quote() -> None:
    query = parse("SELECT * FROM Accounts WHERE accountname = 'Margie''s Travel';")
    assert query.where == Comparison("accountname", Operator.EQ, "Margie's Travel")


def test_backslash_escapes_a_quote_and_itself() -> None:
    query = parse(r"SELECT * FROM Accounts WHERE accountname = 'it\'s a \\ b';")
    assert query.where == Comparison("accountname", Operator.EQ, "it's a \\ b")


def test_and_binds_tighter_than_or() -> None:
    query = parse("SELECT * FROM Leads WHERE a = 1 OR b = 2 AND c = 3;")
    assert query.where == AnyOf(
        (
            Comparison("a", Operator.EQ, 1),
            AllOf((Comparison("b", Operator.EQ, 2), Comparison("c", Operator.EQ, 3))),
        )
    )


def test_parentheses_group_conditions() -> None:
    query = parse("SELECT * FROM Leads WHERE (a = 1 OR b = 2) AND c = 3;")
    assert query.where == AllOf(
        (
            AnyOf((Comparison("a", Operator.EQ, 1), Comparison("b", Operator.EQ, 2))),
            Comparison("c", Operator.EQ, 3),
        )
    )


def test_redundant_parentheses_add_nothing() -> None:
    query = parse("SELECT * FROM Leads WHERE ((((a = 1))));")
    assert query.where == Comparison("a", Operator.EQ, 1)


def test_order_by_is_ascending_unless_told_otherwise() -> None:
    assert parse("SELECT * FROM Leads ORDER BY lastname;").order_by == Ordering(
        "lastname"
    )
    assert parse("SELECT * FROM Leads ORDER BY lastname ASC;").order_by == Ordering(
        "lastname"
    )
    assert parse("SELECT * FROM Leads ORDER BY lastname desc;").order_by == Ordering(
        "lastname", descending=True
    )


def test_limit_with_one_number_counts_rows() -> None:
    query = parse("SELECT * FROM Leads LIMIT 5;")
    assert (query.offset, query.limit) == (0, 5)


def test_limit_with_two_numbers_skips_then_counts() -> None:
    query = parse("SELECT * FROM Leads LIMIT 10, 5;")
    assert (query.offset, query.limit) == (10, 5)


def test_words_that_are_keywords_elsewhere_may_name_fields() -> None:
    query = parse("SELECT order, limit FROM Leads WHERE count = 1;")
    assert query.fields == ("order", "limit")
    assert query.where == Comparison("count", Operator.EQ, 1)


def test_whitespace_and_newlines_are_free() -> None:
    query = parse("SELECT\n  subject\nFROM\tInvoice\n  WHERE total > 1\n;")
    assert query.where == Comparison("total", Operator.GT, 1)


def test_the_trailing_semicolon_is_mandatory() -> None:
    with pytest.raises(QuerySyntaxError) as raised:
        parse("SELECT * FROM Invoice")
    assert "';'" in raised.value.expected
    assert (raised.value.line, raised.value.column) == (1, 22)
    assert "the end of the query" in str(raised.value)


def test_a_misspelt_keyword_is_reported_where_it_stands() -> None:
    with pytest.raises(QuerySyntaxError) as raised:
        parse("SELECT * FORM Invoice;")
    error = raised.value
    assert (error.line, error.column) == (1, 10)
    assert error.expected == ["FROM"]
    assert (
        str(error) == "syntax error at line 1, column 10: expected FROM, found 'FORM'"
    )


def test_syntax_errors_count_lines_and_columns() -> None:
    with pytest.raises(QuerySyntaxError) as raised:
        parse("SELECT *\nFROM Invoice\nWHERE total >> 5;")
    assert (raised.value.line, raised.value.column) == (3, 14)


def test_a_stray_character_is_named() -> None:
    with pytest.raises(QuerySyntaxError) as raised:
        parse("SELECT * FROM Invoice $;")
    assert "'$'" in str(raised.value)
    assert "';'" in raised.value.expected


def test_an_unterminated_text_is_reported() -> None:
    with pytest.raises(QuerySyntaxError) as raised:
        parse("SELECT * FROM Leads WHERE lastname = 'Smith;")
    assert "unterminated" in str(raised.value)


@pytest.mark.parametrize(
    "text",
    [
        "",
        ";",
        "SELECT FROM Leads;",
        "SELECT * FROM;",
        "SELECT * FROM Leads WHERE;",
        "SELECT * FROM Leads WHERE lastname;",
        "SELECT * FROM Leads WHERE lastname = ;",
        "SELECT * FROM Leads WHERE lastname IN ();",
        "SELECT * FROM Leads WHERE lastname = 'a' AND;",
        "SELECT * FROM Leads WHERE (lastname = 'a';",
        "SELECT * FROM Leads ORDER lastname;",
        "SELECT * FROM Leads LIMIT;",
        "SELECT * FROM Leads LIMIT -1;",
        "SELECT * FROM Leads LIMIT 1.5;",
        "SELECT * FROM Leads; DROP TABLE demo_lead;",
        "SELECT * FROM Leads WHERE lastname = 'a' -- comment;",
        "SELECT * FROM Leads WHERE lastname = name;",
        "SELECT a.b FROM Leads;",
        "DELETE FROM Leads;",
    ],
)
def test_malformed_queries_are_syntax_errors(text: str) -> None:
    with pytest.raises(QuerySyntaxError):
        parse(text)


def test_injection_looking_text_stays_inside_its_quotes() -> None:
    query = parse("SELECT * FROM Leads WHERE lastname = 'x'' OR ''1''=''1';")
    assert query.where == Comparison("lastname", Operator.EQ, "x' OR '1'='1")


def test_overlong_queries_are_refused_before_parsing() -> None:
    text = "SELECT * FROM Leads WHERE lastname = '" + "x" * MAX_QUERY_LENGTH + "';"
    with pytest.raises(QueryError, match="characters long"):
        parse(text)


def test_too_many_conditions_are_refused() -> None:
    conditions = " OR ".join(f"employees = {n}" for n in range(MAX_CONDITIONS + 1))
    with pytest.raises(QueryError, match="conditions"):
        parse(f"SELECT * FROM Accounts WHERE {conditions};")


def test_too_long_an_in_list_is_refused() -> None:
    values = ", ".join(str(n) for n in range(MAX_IN_VALUES + 1))
    with pytest.raises(QueryError, match="IN takes"):
        parse(f"SELECT * FROM Accounts WHERE employees IN ({values});")


def test_too_deep_a_nesting_is_refused() -> None:
    condition = "a = 1"
    for level in range(MAX_NESTING + 1):
        joiner = "AND" if level % 2 else "OR"
        condition = f"b = 2 {joiner} ({condition})"
    with pytest.raises(QueryError, match="nest"):
        parse(f"SELECT * FROM Leads WHERE {condition};")


def test_thousands_of_parentheses_do_not_exhaust_the_stack() -> None:
    query = parse(
        "SELECT * FROM Leads WHERE " + "(" * 3000 + "a = 1" + ")" * 3000 + ";"
    )
    assert query.where == Comparison("a", Operator.EQ, 1)


def test_a_limit_beyond_what_databases_hold_is_refused() -> None:
    with pytest.raises(QueryError, match="LIMIT"):
        parse("SELECT * FROM Leads LIMIT 99999999999, 1;")
