"""The web services' methods over HTTP: answers, errors, and who may do what."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import webtest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.demo.conftest import API, CrmClient, wire_user
from tests.helpers import csrf_token_of, login
from vte_extapps.demo.models import Account, Contact, Invoice, User

INVALID = "INVALID_PARAMETER"
METHODS = [
    "query",
    "retrieve",
    "describe",
    "listtypes",
    "create",
    "update",
    "delete",
    "me",
]


def _first_invoice_of(client: CrmClient) -> dict[str, Any]:
    return client.query("SELECT * FROM Invoice LIMIT 1;")[0]


def _new_invoice(client: CrmClient, **fields: Any) -> dict[str, Any]:
    element = {"subject": "Test invoice", "total": 120.5, **fields}
    created: dict[str, Any] = client.data(
        "create", elementType="Invoice", element=element
    )
    return created


@pytest.mark.parametrize("method", METHODS)
def test_every_method_needs_a_signed_in_caller(
    anonymous: CrmClient, method: str
) -> None:
    error, message = anonymous.error(
        method, 401, id="16x1", query="SELECT * FROM Invoice;"
    )
    assert error == "AUTHENTICATION_REQUIRED"
    assert message


def test_the_vendors_example_answers_401_in_wire_format(
    testapp: webtest.TestApp,
) -> None:
    response = testapp.post(
        API + "query",
        '{"query":"SELECT * FROM Invoice;"}',
        content_type="application/json",
        status=401,
    )
    assert response.json == {
        "status": 401,
        "error": "AUTHENTICATION_REQUIRED",
        "message": response.json["message"],
    }
    assert response.headers["Cache-Control"] == "no-store"


def test_a_session_call_without_the_csrf_token_is_refused(
    testapp: webtest.TestApp,
) -> None:
    login(testapp, "alice")
    client = CrmClient(testapp, None)
    assert client.error("listtypes", 403)[0] == "INVALID_CSRF_TOKEN"
    client.csrf_token = "forged"
    assert client.error("listtypes", 403)[0] == "INVALID_CSRF_TOKEN"


def test_a_form_body_carries_its_csrf_token_as_a_field(
    testapp: webtest.TestApp,
) -> None:
    login(testapp, "alice")
    token = csrf_token_of(testapp.get("/"))
    response = testapp.post(API + "listtypes", {"csrf_token": token})
    assert response.json["status"] == 200


def test_an_unknown_method_is_405(alice: CrmClient) -> None:
    error, message = alice.error("sync", 405)
    assert error == "UNKNOWN_OPERATION"
    assert "sync" in message


def test_methods_take_post_only(alice: CrmClient) -> None:
    response = alice.testapp.get(API + "listtypes", status=405)
    assert response.json["error"] == "METHOD_NOT_ALLOWED"
    assert response.headers["Allow"] == "POST"


def test_a_body_that_is_not_json_is_400(alice: CrmClient) -> None:
    headers = {"X-CSRF-Token": alice.csrf_token or ""}
    for body in ("{not json", "[1, 2]", '"text"', "[" * 5_000):
        response = alice.testapp.post(
            API + "listtypes",
            body,
            headers=headers,
            content_type="application/json",
            status=400,
        )
        assert response.json["error"] == "INVALID_REQUEST"


def test_listtypes_lists_the_modules(alice: CrmClient) -> None:
    data = alice.data("listtypes")
    assert data["types"] == ["Leads", "Contacts", "Accounts", "Invoice"]
    assert data["information"]["Invoice"] == {
        "isEntity": True,
        "label": "Invoices",
        "singular": "Invoice",
    }


def test_describe_lists_the_fields_and_their_types(alice: CrmClient) -> None:
    data = alice.data("describe", elementType="invoice")
    assert data["name"] == "Invoice"
    assert data["idPrefix"] == "16"
    assert (data["createable"], data["updateable"], data["deleteable"]) == (True,) * 3
    fields = {field["name"]: field for field in data["fields"]}
    assert fields["subject"]["mandatory"] is True
    assert fields["total"]["type"] == {"name": "currency"}
    assert fields["account_id"]["type"] == {
        "name": "reference",
        "refersTo": ["Accounts"],
    }
    assert {"label": "Paid", "value": "Paid"} in fields["invoicestatus"]["type"][
        "picklistValues"
    ]
    assert fields["id"]["editable"] is False


def test_describe_of_an_unknown_module_is_404(alice: CrmClient) -> None:
    assert alice.error("describe", 404, elementType="Potentials")[0] == "INVALID_MODULE"


def test_describe_needs_an_element_type(alice: CrmClient) -> None:
    error, message = alice.error("describe", 400)
    assert error == "MANDATORY_PARAMETER_MISSING"
    assert "elementType" in message


def test_retrieve_returns_the_callers_record(
    alice: CrmClient, user_ids: dict[str, int]
) -> None:
    invoice = _first_invoice_of(alice)
    record = alice.data("retrieve", id=invoice["id"])
    assert record == invoice
    assert record["assigned_user_id"] == wire_user(user_ids["alice"])


def test_retrieve_of_someone_elses_record_is_403(
    alice: CrmClient, bob: CrmClient
) -> None:
    invoice = _first_invoice_of(bob)
    error, _ = alice.error("retrieve", 403, id=invoice["id"])
    assert error == "ACCESS_DENIED"


def test_administrators_retrieve_anyones_record(
    admin: CrmClient, bob: CrmClient
) -> None:
    invoice = _first_invoice_of(bob)
    assert admin.data("retrieve", id=invoice["id"]) == invoice


@pytest.mark.parametrize(
    ("record_id", "status", "error"),
    [
        ("16x999999", 404, "RECORD_NOT_FOUND"),
        ("99x1", 404, "RECORD_NOT_FOUND"),
        ("19x1", 404, "RECORD_NOT_FOUND"),
        ("16x99999999999", 400, "INVALID_PARAMETER"),
        ("16x0", 400, "INVALID_PARAMETER"),
        ("16", 400, "INVALID_PARAMETER"),
        ("16x1; DROP TABLE demo_invoice", 400, "INVALID_PARAMETER"),
        (12, 400, "INVALID_PARAMETER"),
        (["16x1"], 400, "INVALID_PARAMETER"),
        ("", 400, "MANDATORY_PARAMETER_MISSING"),
        (None, 400, "MANDATORY_PARAMETER_MISSING"),
    ],
)
def test_retrieve_of_a_bad_id_is_refused(
    admin: CrmClient, record_id: object, status: int, error: str
) -> None:
    assert admin.error("retrieve", status, id=record_id)[0] == error


def test_create_assigns_the_record_to_the_caller(
    alice: CrmClient, user_ids: dict[str, int]
) -> None:
    created = _new_invoice(alice, invoicestatus="Created", invoicedate="2025-02-03")
    assert created["id"].startswith("16x")
    assert created["assigned_user_id"] == wire_user(user_ids["alice"])
    assert created["total"] == 120.5
    assert created["invoicedate"] == "2025-02-03"
    assert created["createdtime"].endswith("+00:00")
    assert alice.data("retrieve", id=created["id"]) == created


def test_create_takes_the_element_as_json_text_in_a_form(alice: CrmClient) -> None:
    response = alice.testapp.post(
        API + "create",
        {
            "elementType": "Leads",
            "element": '{"lastname": "Form", "company": "Posted Ltd"}',
            "csrf_token": alice.csrf_token,
        },
    )
    assert response.json["data"]["company"] == "Posted Ltd"


def test_create_may_assign_to_another_active_user(
    alice: CrmClient, bob: CrmClient, user_ids: dict[str, int]
) -> None:
    created = _new_invoice(alice, assigned_user_id=wire_user(user_ids["bob"]))
    assert bob.data("retrieve", id=created["id"])["subject"] == "Test invoice"
    alice.error("retrieve", 403, id=created["id"])


@pytest.mark.parametrize(
    ("element", "error", "named"),
    [
        ({"total": 5}, "MANDATORY_FIELDS_MISSING", "subject"),
        ({"subject": ""}, INVALID, "subject"),
        ({"subject": "x", "colour": "red"}, INVALID, "colour"),
        ({"subject": "x", "invoicestatus": "Lost"}, INVALID, "invoicestatus"),
        ({"subject": "x", "total": "lots"}, INVALID, "total"),
        ({"subject": "x", "total": 1e15}, INVALID, "total"),
        ({"subject": "x", "total": True}, INVALID, "total"),
        ({"subject": "x", "invoicedate": "31/12/2024"}, INVALID, "invoicedate"),
        ({"subject": "x" * 101}, INVALID, "subject"),
        ({"subject": ["x"]}, INVALID, "subject"),
        ({"subject": "x", "account_id": "11x999999"}, INVALID, "account_id"),
        ({"subject": "x", "account_id": "12x1"}, INVALID, "account_id"),
        ({"subject": "x", "assigned_user_id": "19x999999"}, INVALID, "assigned_user"),
        ({"subject": "x", "assigned_user_id": None}, INVALID, "assigned_user"),
    ],
)
def test_create_refuses_bad_elements(
    alice: CrmClient, element: dict[str, Any], error: str, named: str
) -> None:
    name, message = alice.error("create", 400, elementType="Invoice", element=element)
    assert name == error
    assert named in message


def test_create_refuses_assigning_to_a_deactivated_user(
    alice: CrmClient, dbsession: Session
) -> None:
    carol = dbsession.scalars(select(User).where(User.username == "carol")).one()
    element = {"subject": "x", "assigned_user_id": wire_user(carol.id)}
    alice.error("create", 400, elementType="Invoice", element=element)


@pytest.mark.parametrize(
    ("params", "status", "error"),
    [
        ({"elementType": "Invoice"}, 400, "MANDATORY_PARAMETER_MISSING"),
        ({"elementType": "Invoice", "element": "[1]"}, 400, "INVALID_PARAMETER"),
        ({"elementType": "Invoice", "element": "{"}, 400, "INVALID_PARAMETER"),
        ({"elementType": "Invoice", "element": 3}, 400, "INVALID_PARAMETER"),
        ({"elementType": "Potentials", "element": {}}, 404, "INVALID_MODULE"),
        ({"element": {"subject": "x"}}, 400, "MANDATORY_PARAMETER_MISSING"),
    ],
)
def test_create_refuses_bad_parameters(
    alice: CrmClient, params: dict[str, Any], status: int, error: str
) -> None:
    assert alice.error("create", status, **params)[0] == error


def test_update_changes_only_the_given_fields(alice: CrmClient) -> None:
    created = _new_invoice(alice, invoicestatus="Created")
    updated = alice.data(
        "update",
        element={"id": created["id"], "invoicestatus": "Paid", "total": "99.99"},
    )
    assert updated["invoicestatus"] == "Paid"
    assert updated["total"] == 99.99
    assert updated["subject"] == created["subject"]
    assert alice.data("retrieve", id=created["id"]) == updated


def test_update_ignores_read_only_fields_sent_back(alice: CrmClient) -> None:
    record = _first_invoice_of(alice)
    sent = {**record, "createdtime": "2000-01-01T00:00:00", "subject": "Renamed"}
    updated = alice.data("update", element=sent)
    assert updated["createdtime"] == record["createdtime"]
    assert updated["subject"] == "Renamed"


def test_update_can_hand_a_record_over(
    alice: CrmClient, bob: CrmClient, user_ids: dict[str, int]
) -> None:
    created = _new_invoice(alice)
    alice.data(
        "update",
        element={"id": created["id"], "assigned_user_id": wire_user(user_ids["bob"])},
    )
    alice.error("retrieve", 403, id=created["id"])
    assert bob.data("retrieve", id=created["id"])["id"] == created["id"]


def test_update_of_someone_elses_record_is_403(
    alice: CrmClient, bob: CrmClient
) -> None:
    invoice = _first_invoice_of(bob)
    element = {"id": invoice["id"], "subject": "Mine now"}
    assert alice.error("update", 403, element=element)[0] == "ACCESS_DENIED"
    assert bob.data("retrieve", id=invoice["id"])["subject"] == invoice["subject"]


def test_update_refuses_bad_elements(alice: CrmClient) -> None:
    invoice = _first_invoice_of(alice)
    assert alice.error("update", 400, element={"subject": "x"})[0] == (
        "MANDATORY_PARAMETER_MISSING"
    )
    alice.error("update", 404, element={"id": "16x999999", "subject": "x"})
    alice.error("update", 400, element={"id": invoice["id"], "subject": None})
    alice.error("update", 400, element={"id": invoice["id"], "total": "NaN"})


def test_delete_removes_the_record(alice: CrmClient) -> None:
    created = _new_invoice(alice)
    assert alice.data("delete", id=created["id"]) == {"status": "successful"}
    assert alice.error("retrieve", 404, id=created["id"])[0] == "RECORD_NOT_FOUND"
    alice.error("delete", 404, id=created["id"])


def test_delete_of_someone_elses_record_is_403(
    alice: CrmClient, bob: CrmClient
) -> None:
    invoice = _first_invoice_of(bob)
    assert alice.error("delete", 403, id=invoice["id"])[0] == "ACCESS_DENIED"
    bob.data("retrieve", id=invoice["id"])


def test_administrators_delete_anyones_record(admin: CrmClient, bob: CrmClient) -> None:
    invoice = _first_invoice_of(bob)
    admin.data("delete", id=invoice["id"])
    bob.error("retrieve", 404, id=invoice["id"])


def test_deleting_an_account_keeps_its_contacts_and_invoices(
    admin: CrmClient, dbsession: Session
) -> None:
    account = dbsession.scalars(select(Account).order_by(Account.id)).first()
    assert account is not None
    contacts = list(
        dbsession.scalars(select(Contact).where(Contact.account_id == account.id))
    )
    invoices = list(
        dbsession.scalars(select(Invoice).where(Invoice.account_id == account.id))
    )
    assert contacts
    assert invoices

    admin.data("delete", id=f"11x{account.id}")
    linked: list[Contact | Invoice] = [*contacts, *invoices]
    for record in linked:
        dbsession.refresh(record)
        assert record.account_id is None
    assert dbsession.get(Account, account.id) is None


def test_me_describes_the_caller(alice: CrmClient, user_ids: dict[str, int]) -> None:
    assert alice.data("me") == {
        "id": wire_user(user_ids["alice"]),
        "display_name": "Alice Martin",
        "email": "alice@crm.example.com",
    }


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"id": {"a": 1}, "query": 5, "elementType": ["x"], "element": "null"},
        {"id": "16x1", "query": "", "elementType": "", "element": {"id": 7}},
        {"id": "x" * 5_000, "query": "SELECT", "elementType": "\x00", "element": "{}"},
    ],
)
def test_no_input_makes_a_method_fail_with_500(
    client_for: Callable[[str], CrmClient], method: str, params: dict[str, Any]
) -> None:
    client = client_for("alice")
    headers = {"X-CSRF-Token": client.csrf_token or ""}
    response = client.testapp.post_json(
        API + method, params, headers=headers, status="*"
    )
    assert response.status_int < 500
    assert response.json["status"] == response.status_int


@pytest.mark.parametrize(
    "params",
    [
        {"elementType": "Leads", "element": {"lastname": "a\x00b", "company": "c"}},
        {"elementType": "Leads", "element": {"lastname": "\ud800", "company": "c"}},
        {"query": "SELECT * FROM Leads WHERE lastname = 'a\x00b';"},
        {"query": "SELECT * FROM Leads WHERE lastname LIKE '%\x00%';"},
        {"query": "SELECT * FROM Leads WHERE lastname IN ('\ud800');"},
        {"query": "SELECT * FROM Leads WHERE lastname LIKE '\udfff';"},
    ],
)
def test_text_no_database_can_store_is_refused(
    alice: CrmClient, params: dict[str, Any]
) -> None:
    method = "create" if "element" in params else "query"
    error, message = alice.error(method, 400, **params)
    assert error in {"INVALID_PARAMETER", "INVALID_QUERY"}
    assert "lastname" in message


def test_emoji_and_accents_are_stored_as_written(alice: CrmClient) -> None:
    name = "Zoë 🚲 Ångström"
    created = alice.data(
        "create", elementType="Leads", element={"lastname": name, "company": "Ünïcode"}
    )
    assert alice.data("retrieve", id=created["id"])["lastname"] == name


def test_a_deactivated_user_loses_the_web_services_at_once(
    alice: CrmClient, dbsession: Session
) -> None:
    alice.query("SELECT count(*) FROM Invoice;")
    dbsession.execute(update(User).where(User.username == "alice").values(active=False))
    error, _ = alice.error("query", 401, query="SELECT count(*) FROM Invoice;")
    assert error == "AUTHENTICATION_REQUIRED"
