"""The query method end to end: the language, its answers, and row visibility."""

# ruff: noqa: S608 - the strings built here are CRM queries, never SQL.

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import insert, inspect, select
from sqlalchemy.orm import Session

from tests.demo.conftest import CrmClient, wire_user
from vte_extapps.demo.models import Invoice, Lead

ALL_INVOICE_FIELDS = [
    "id",
    "subject",
    "invoice_no",
    "invoicestatus",
    "invoicedate",
    "total",
    "account_id",
    "assigned_user_id",
    "createdtime",
    "modifiedtime",
]


def _invoices(dbsession: Session, owner: int | None = None) -> list[Invoice]:
    statement = select(Invoice).order_by(Invoice.id)
    if owner is not None:
        statement = statement.where(Invoice.assigned_user_id == owner)
    return list(dbsession.scalars(statement))


def _ids(rows: list[dict[str, Any]]) -> list[str]:
    return [row["id"] for row in rows]


def _wire_ids(invoices: list[Invoice]) -> list[str]:
    return [f"16x{invoice.id}" for invoice in invoices]


def test_select_star_sends_every_field_in_wire_form(
    admin: CrmClient, dbsession: Session
) -> None:
    rows = admin.query("SELECT * FROM Invoice;")
    first = _invoices(dbsession)[0]
    assert list(rows[0]) == ALL_INVOICE_FIELDS
    assert rows[0]["id"] == f"16x{first.id}"
    assert rows[0]["assigned_user_id"] == wire_user(first.assigned_user_id)
    assert rows[0]["account_id"] == f"11x{first.account_id}"
    assert rows[0]["invoicedate"] == first.invoicedate.isoformat()  # type: ignore[union-attr]
    assert rows[0]["total"] == first.total
    assert isinstance(rows[0]["total"], float)
    assert datetime.datetime.fromisoformat(rows[0]["createdtime"]).tzinfo is not None


def test_named_fields_come_back_with_the_id(alice: CrmClient) -> None:
    rows = alice.query("SELECT subject, total FROM Invoice;")
    assert rows
    assert all(list(row) == ["id", "subject", "total"] for row in rows)


def test_field_and_module_names_ignore_letter_case(alice: CrmClient) -> None:
    assert alice.query("select SUBJECT from invoice;") == alice.query(
        "SELECT subject FROM Invoice;"
    )


def test_count_counts_the_rows_the_caller_may_see(
    alice: CrmClient, admin: CrmClient, dbsession: Session, user_ids: dict[str, int]
) -> None:
    mine = len(_invoices(dbsession, user_ids["alice"]))
    assert alice.query("SELECT count(*) FROM Invoice;") == [{"count": mine}]
    assert admin.query("SELECT count(*) FROM Invoice;") == [
        {"count": len(_invoices(dbsession))}
    ]


def test_alice_sees_only_her_invoices(
    alice: CrmClient, dbsession: Session, user_ids: dict[str, int]
) -> None:
    rows = alice.query("SELECT * FROM Invoice;")
    assert _ids(rows) == _wire_ids(_invoices(dbsession, user_ids["alice"]))
    assert {row["assigned_user_id"] for row in rows} == {wire_user(user_ids["alice"])}


def test_bob_sees_only_his_leads(bob: CrmClient, user_ids: dict[str, int]) -> None:
    rows = bob.query("SELECT assigned_user_id FROM Leads;")
    assert rows
    assert {row["assigned_user_id"] for row in rows} == {wire_user(user_ids["bob"])}


def test_the_administrator_sees_every_invoice(
    admin: CrmClient, dbsession: Session
) -> None:
    rows = admin.query("SELECT * FROM Invoice;")
    assert _ids(rows) == _wire_ids(_invoices(dbsession))
    assert len({row["assigned_user_id"] for row in rows}) == 3


def test_conditions_cannot_widen_what_a_user_sees(
    alice: CrmClient, user_ids: dict[str, int]
) -> None:
    bobs = wire_user(user_ids["bob"])
    assert (
        alice.query(f"SELECT * FROM Invoice WHERE assigned_user_id = '{bobs}';") == []
    )
    rows = alice.query("SELECT * FROM Invoice WHERE total > 0 OR total <= 0;")
    assert {row["assigned_user_id"] for row in rows} == {wire_user(user_ids["alice"])}


@pytest.mark.parametrize(
    ("written", "compare"),
    [
        ("=", operator.eq),
        ("!=", operator.ne),
        ("<>", operator.ne),
        ("<", operator.lt),
        (">", operator.gt),
        ("<=", operator.le),
        (">=", operator.ge),
    ],
)
def test_each_comparison_filters_numbers(
    admin: CrmClient,
    dbsession: Session,
    written: str,
    compare: Callable[[Any, Any], bool],
) -> None:
    invoices = _invoices(dbsession)
    pivot = sorted(invoice.total or 0 for invoice in invoices)[len(invoices) // 2]
    rows = admin.query(f"SELECT total FROM Invoice WHERE total {written} {pivot};")
    expected = [i for i in invoices if i.total is not None and compare(i.total, pivot)]
    assert _ids(rows) == _wire_ids(expected)
    assert rows


def test_comparisons_filter_dates(admin: CrmClient, dbsession: Session) -> None:
    day = datetime.date(2024, 6, 1)
    rows = admin.query("SELECT * FROM Invoice WHERE invoicedate >= '2024-06-01';")
    expected = [
        i for i in _invoices(dbsession) if i.invoicedate and i.invoicedate >= day
    ]
    assert _ids(rows) == _wire_ids(expected)
    assert 0 < len(rows) < len(_invoices(dbsession))


def test_comparisons_filter_references(admin: CrmClient, dbsession: Session) -> None:
    account_id = _invoices(dbsession)[0].account_id
    rows = admin.query(f"SELECT * FROM Invoice WHERE account_id = '11x{account_id}';")
    expected = [i for i in _invoices(dbsession) if i.account_id == account_id]
    assert _ids(rows) == _wire_ids(expected)


def test_comparisons_filter_ids(admin: CrmClient, dbsession: Session) -> None:
    first, second = _invoices(dbsession)[:2]
    rows = admin.query(
        f"SELECT id FROM Invoice WHERE id IN ('16x{first.id}', '16x{second.id}');"
    )
    assert _ids(rows) == [f"16x{first.id}", f"16x{second.id}"]


def test_in_matches_any_listed_value(admin: CrmClient, dbsession: Session) -> None:
    rows = admin.query(
        "SELECT * FROM Invoice WHERE invoicestatus IN ('Paid', 'Cancel');"
    )
    expected = [
        i for i in _invoices(dbsession) if i.invoicestatus in {"Paid", "Cancel"}
    ]
    assert _ids(rows) == _wire_ids(expected)


def test_like_matches_patterns_in_any_letter_case(
    admin: CrmClient, dbsession: Session
) -> None:
    rows = admin.query("SELECT subject FROM Invoice WHERE subject LIKE '%NORTHWIND%';")
    expected = [i for i in _invoices(dbsession) if "Northwind" in i.subject]
    assert _ids(rows) == _wire_ids(expected)
    assert rows


def test_and_binds_tighter_than_or(admin: CrmClient, dbsession: Session) -> None:
    rows = admin.query(
        "SELECT * FROM Invoice WHERE invoicestatus = 'Paid' "
        "OR invoicestatus = 'Sent' AND total > 5000;"
    )
    expected = [
        i
        for i in _invoices(dbsession)
        if i.invoicestatus == "Paid"
        or (i.invoicestatus == "Sent" and (i.total or 0) > 5000)
    ]
    assert _ids(rows) == _wire_ids(expected)


def test_parentheses_group_before_and(admin: CrmClient, dbsession: Session) -> None:
    rows = admin.query(
        "SELECT * FROM Invoice WHERE (invoicestatus = 'Paid' "
        "OR invoicestatus = 'Sent') AND total > 5000;"
    )
    expected = [
        i
        for i in _invoices(dbsession)
        if i.invoicestatus in {"Paid", "Sent"} and (i.total or 0) > 5000
    ]
    assert _ids(rows) == _wire_ids(expected)


def test_order_by_sorts_both_ways(admin: CrmClient) -> None:
    ascending = admin.query("SELECT total FROM Invoice ORDER BY total;")
    descending = admin.query("SELECT total FROM Invoice ORDER BY total DESC;")
    totals = [row["total"] for row in ascending]
    assert totals == sorted(totals)
    assert [row["total"] for row in descending] == sorted(totals, reverse=True)


def test_order_by_puts_empty_values_last(alice: CrmClient) -> None:
    empty = alice.data("create", elementType="Invoice", element={"subject": "No total"})
    for direction in ("ASC", "DESC"):
        rows = alice.query(f"SELECT total FROM Invoice ORDER BY total {direction};")
        assert rows[-1]["id"] == empty["id"]


def test_limit_takes_the_first_rows(admin: CrmClient) -> None:
    every = admin.query("SELECT id FROM Invoice ORDER BY total DESC;")
    assert (
        admin.query("SELECT id FROM Invoice ORDER BY total DESC LIMIT 3;") == every[:3]
    )


def test_limit_with_an_offset_pages_through(admin: CrmClient) -> None:
    every = admin.query("SELECT id FROM Invoice;")
    pages = [admin.query(f"SELECT id FROM Invoice LIMIT {n}, 7;") for n in (0, 7, 14)]
    assert pages[0] + pages[1] + pages[2] == every[:21]
    assert admin.query("SELECT id FROM Invoice LIMIT 10000, 5;") == []


def test_at_most_a_thousand_rows_come_back_without_limit(
    alice: CrmClient, dbsession: Session, user_ids: dict[str, int]
) -> None:
    dbsession.execute(
        insert(Lead),
        [
            {
                "lastname": f"Bulk {n}",
                "company": "Bulk Imports",
                "assigned_user_id": user_ids["alice"],
            }
            for n in range(1100)
        ],
    )
    total = alice.query("SELECT count(*) FROM Leads;")[0]["count"]
    assert total > 1100
    assert len(alice.query("SELECT id FROM Leads;")) == 1000
    assert len(alice.query("SELECT id FROM Leads LIMIT 5000;")) == 1000
    rest = alice.query("SELECT id FROM Leads LIMIT 1000, 1000;")
    assert len(rest) == total - 1000


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * FROM Invoice",
        "SELECT * FORM Invoice;",
        "SELECT * FROM Invoice WHERE total >> 5;",
        "SELECT * FROM Invoice; DELETE FROM Invoice;",
    ],
)
def test_syntax_errors_are_400_with_a_position(alice: CrmClient, text: str) -> None:
    error, message = alice.error("query", 400, query=text)
    assert error == "INVALID_QUERY"
    assert "line 1, column" in message
    assert "expected" in message


def test_a_missing_semicolon_is_pointed_at(alice: CrmClient) -> None:
    message = alice.error("query", 400, query="SELECT * FROM Invoice")[1]
    assert message.startswith("syntax error at line 1, column 22: expected ")
    assert "';'" in message


def test_an_unknown_module_is_404(alice: CrmClient) -> None:
    error, message = alice.error("query", 404, query="SELECT * FROM Potentials;")
    assert error == "INVALID_MODULE"
    assert "Potentials" in message


@pytest.mark.parametrize(
    "text",
    [
        "SELECT colour FROM Invoice;",
        "SELECT * FROM Invoice WHERE colour = 'red';",
        "SELECT * FROM Invoice ORDER BY colour;",
        "SELECT count(*) FROM Invoice ORDER BY colour;",
        "SELECT * FROM Invoice WHERE total > 1 AND (colour IN ('red'));",
    ],
)
def test_an_unknown_field_is_400_and_named(alice: CrmClient, text: str) -> None:
    error, message = alice.error("query", 400, query=text)
    assert error == "INVALID_QUERY"
    assert "'colour'" in message


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("SELECT * FROM Invoice WHERE total > 'lots';", "total"),
        ("SELECT * FROM Invoice WHERE invoicedate < 'yesterday';", "invoicedate"),
        ("SELECT * FROM Invoice WHERE total LIKE '1%';", "total"),
        ("SELECT * FROM Invoice WHERE id = '12x1';", "id"),
        ("SELECT * FROM Invoice WHERE id = 3;", "id"),
        ("SELECT * FROM Accounts WHERE employees > 99999999999999999999;", "employees"),
        ("SELECT * FROM Invoice WHERE account_id = 'Northwind';", "account_id"),
    ],
)
def test_values_of_the_wrong_type_are_400(
    alice: CrmClient, text: str, named: str
) -> None:
    error, message = alice.error("query", 400, query=text)
    assert error == "INVALID_QUERY"
    assert message.startswith(f"{named}: ")


def test_a_query_must_be_text(alice: CrmClient) -> None:
    assert alice.error("query", 400, query=["SELECT"])[0] == "INVALID_PARAMETER"
    assert alice.error("query", 400)[0] == "MANDATORY_PARAMETER_MISSING"


def test_querying_a_module_needs_view_on_it(alice: CrmClient) -> None:
    # Every signed-in user may view every module; rows are what differ.
    assert alice.query("SELECT count(*) FROM Accounts;")[0]["count"] > 0


@pytest.mark.parametrize(
    "value",
    [
        "x' OR '1'='1",
        "x\\' OR 1=1 --",
        "'; DROP TABLE demo_lead; --",
        "%' OR 1=1 OR lastname LIKE '%",
        "\\",
    ],
)
def test_injection_looking_values_are_just_data(
    admin: CrmClient, dbsession: Session, value: str
) -> None:
    quoted = value.replace("\\", "\\\\").replace("'", "''")
    rows = admin.query(f"SELECT * FROM Leads WHERE lastname = '{quoted}';")
    assert rows == []
    assert inspect(dbsession.connection()).has_table("demo_lead")
    assert admin.query("SELECT count(*) FROM Leads;")[0]["count"] > 0


def test_text_with_quotes_is_found_by_equality(admin: CrmClient) -> None:
    rows = admin.query("SELECT * FROM Accounts WHERE accountname = 'Margie''s Travel';")
    assert [row["accountname"] for row in rows] == ["Margie's Travel"]
    escaped = admin.query(
        r"SELECT * FROM Accounts WHERE accountname = 'Margie\'s Travel';"
    )
    assert escaped == rows


def test_a_value_that_looks_like_sql_is_found_as_written(admin: CrmClient) -> None:
    name = "Robert'); DROP TABLE demo_lead; --"
    created = admin.data(
        "create", elementType="Leads", element={"lastname": name, "company": "Tables"}
    )
    quoted = name.replace("'", "''")
    rows = admin.query(f"SELECT lastname FROM Leads WHERE lastname = '{quoted}';")
    assert rows == [{"id": created["id"], "lastname": name}]
