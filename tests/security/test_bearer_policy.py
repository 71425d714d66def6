"""Bearer tokens on the demo CRM's REST API (SECURITY J1-J4, and the policy rules)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import webtest
from sqlalchemy import event, update
from sqlalchemy.orm import Session

from vte_extapps.demo.models import User
from vte_extapps.models import AccessToken, utcnow
from vte_extapps.services.applications import set_active

from ..helpers import (
    access_token_for,
    bearer,
    login,
    save_configuration,
    service_account,
    user_id_of,
)

QUERY = "/restapi/v1/vtews/query"
RETRIEVE = "/restapi/v1/vtews/retrieve"
CREATE = "/restapi/v1/vtews/create"


def invoice_rows(response: webtest.TestResponse) -> list[dict[str, Any]]:
    assert response.json["status"] == 200
    return response.json["data"]  # type: ignore[no-any-return]


@pytest.fixture
def alice_token(extapps_request: Any, dbsession: Session) -> str:
    issued = service_account(extapps_request, "alice", ["invoice:read"])
    return access_token_for(dbsession, issued.application)


def test_a_valid_token_runs_the_vendors_query_as_its_run_as_user(
    testapp: webtest.TestApp, dbsession: Session, alice_token: str
) -> None:
    response = testapp.post_json(
        QUERY, {"query": "SELECT * FROM Invoice;"}, headers=bearer(alice_token)
    )
    rows = invoice_rows(response)
    alice = user_id_of(dbsession, "alice")
    assert rows
    assert {row["assigned_user_id"] for row in rows} == {f"19x{alice}"}


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "BeArEr"])
def test_the_scheme_is_accepted_in_any_letter_case(
    testapp: webtest.TestApp, alice_token: str, scheme: str
) -> None:
    response = testapp.post_json(
        QUERY,
        {"query": "SELECT count(*) FROM Invoice;"},
        headers={"Authorization": f"{scheme} {alice_token}"},
    )
    assert response.json["status"] == 200


def test_a_token_in_the_query_string_is_refused(
    testapp: webtest.TestApp, alice_token: str
) -> None:
    response = testapp.post_json(
        f"{QUERY}?access_token={alice_token}",
        {"query": "SELECT * FROM Invoice;"},
        status=401,
    )
    assert response.json["error"] == "AUTHENTICATION_REQUIRED"
    assert 'error="invalid_request"' in response.headers["WWW-Authenticate"]
    assert alice_token not in response.text


def test_a_token_in_the_query_string_spoils_even_a_good_header(
    testapp: webtest.TestApp, alice_token: str
) -> None:
    response = testapp.post_json(
        f"{QUERY}?access_token={alice_token}",
        {"query": "SELECT * FROM Invoice;"},
        headers=bearer(alice_token),
        status=401,
    )
    assert 'error="invalid_request"' in response.headers["WWW-Authenticate"]


def test_a_token_in_a_form_body_is_not_a_credential(
    testapp: webtest.TestApp, alice_token: str
) -> None:
    # RFC 6750 2.2 is not offered: only the Authorization header carries one.
    response = testapp.post(
        QUERY,
        {"query": "SELECT * FROM Invoice;", "access_token": alice_token},
        status=401,
    )
    assert response.json["error"] == "AUTHENTICATION_REQUIRED"
    assert alice_token not in response.text


def test_no_token_gets_a_bearer_challenge(testapp: webtest.TestApp) -> None:
    response = testapp.post_json(QUERY, {"query": "SELECT * FROM Invoice;"}, status=401)
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="CRM"'
    assert response.json == {
        "status": 401,
        "error": "AUTHENTICATION_REQUIRED",
        "message": response.json["message"],
    }


@pytest.mark.parametrize("token", ["vtea_not-a-real-token", "", "x" * 600, "é"])
def test_an_unknown_token_is_invalid(testapp: webtest.TestApp, token: str) -> None:
    response = testapp.post_json(
        QUERY,
        {"query": "SELECT * FROM Invoice;"},
        headers={"Authorization": f"Bearer {token}".encode().decode("latin-1")},
        status=401,
    )
    challenge = response.headers["WWW-Authenticate"]
    assert challenge == 'Bearer realm="CRM", error="invalid_token"'


def test_an_expired_token_is_invalid(
    testapp: webtest.TestApp, dbsession: Session, alice_token: str
) -> None:
    dbsession.execute(
        update(AccessToken).values(expires_at=utcnow() - datetime.timedelta(seconds=1))
    )
    response = testapp.post_json(
        QUERY,
        {"query": "SELECT * FROM Invoice;"},
        headers=bearer(alice_token),
        status=401,
    )
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert response.json["error"] == "AUTHENTICATION_REQUIRED"
    assert response.json["message"] == "the access token is invalid, expired or revoked"


def test_a_revoked_token_is_refused_at_once(
    testapp: webtest.TestApp, dbsession: Session, alice_token: str
) -> None:
    testapp.post_json(
        QUERY, {"query": "SELECT * FROM Invoice;"}, headers=bearer(alice_token)
    )
    dbsession.execute(update(AccessToken).values(revoked_at=utcnow()))
    response = testapp.post_json(
        QUERY,
        {"query": "SELECT * FROM Invoice;"},
        headers=bearer(alice_token),
        status=401,
    )
    challenge = response.headers["WWW-Authenticate"]
    assert challenge == 'Bearer realm="CRM", error="invalid_token"'


def test_a_deactivated_application_loses_access_at_once(
    testapp: webtest.TestApp, extapps_request: Any, dbsession: Session
) -> None:
    issued = service_account(extapps_request, "alice")
    token = access_token_for(dbsession, issued.application)
    set_active(extapps_request, issued.application, active=False)
    testapp.post_json(
        QUERY, {"query": "SELECT * FROM Invoice;"}, headers=bearer(token), status=401
    )
    # The token was revoked, not suspended: activating gives nothing back.
    set_active(extapps_request, issued.application, active=True)
    testapp.post_json(
        QUERY, {"query": "SELECT * FROM Invoice;"}, headers=bearer(token), status=401
    )


def test_a_user_deactivated_in_the_crm_loses_access_at_once(
    testapp: webtest.TestApp, dbsession: Session, alice_token: str
) -> None:
    dbsession.execute(update(User).where(User.username == "alice").values(active=False))
    dbsession.expire_all()
    testapp.post_json(
        QUERY,
        {"query": "SELECT * FROM Invoice;"},
        headers=bearer(alice_token),
        status=401,
    )


def test_switching_the_server_off_refuses_tokens(
    testapp: webtest.TestApp, dbsession: Session, alice_token: str
) -> None:
    save_configuration(dbsession, server_enabled=False)
    testapp.post_json(
        QUERY,
        {"query": "SELECT * FROM Invoice;"},
        headers=bearer(alice_token),
        status=401,
    )


def test_a_module_outside_the_scopes_is_insufficient_scope(
    testapp: webtest.TestApp, alice_token: str
) -> None:
    response = testapp.post_json(
        QUERY,
        {"query": "SELECT * FROM Leads;"},
        headers=bearer(alice_token),
        status=403,
    )
    assert response.headers["WWW-Authenticate"] == (
        'Bearer realm="CRM", error="insufficient_scope"'
    )


def test_read_scope_cannot_create(testapp: webtest.TestApp, alice_token: str) -> None:
    response = testapp.post_json(
        CREATE,
        {"elementType": "Invoice", "element": {"subject": "Sneaky", "total": 1}},
        headers=bearer(alice_token),
        status=403,
    )
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]


def test_the_users_own_acl_still_applies_within_the_scope(
    testapp: webtest.TestApp, dbsession: Session, alice_token: str, extapps_request: Any
) -> None:
    # Bob's invoice is within invoice:read, but alice may not see it.
    admin = service_account(
        extapps_request, "admin", ["invoice:read"], name="Admin ERP"
    )
    admin_token = access_token_for(dbsession, admin.application)
    bob = user_id_of(dbsession, "bob")
    rows = invoice_rows(
        testapp.post_json(
            QUERY,
            # A CRM query in the request body, not SQL.
            {"query": f"SELECT id FROM Invoice WHERE assigned_user_id = '19x{bob}';"},  # noqa: S608
            headers=bearer(admin_token),
        )
    )
    assert rows, "the seed gives bob some invoices"
    response = testapp.post_json(
        RETRIEVE, {"id": rows[0]["id"]}, headers=bearer(alice_token), status=403
    )
    assert "insufficient_scope" not in response.headers.get("WWW-Authenticate", "")


def test_a_token_never_inherits_the_browser_session(
    testapp: webtest.TestApp, dbsession: Session, alice_token: str
) -> None:
    login(testapp, "admin")
    rows = invoice_rows(
        testapp.post_json(
            QUERY, {"query": "SELECT * FROM Invoice;"}, headers=bearer(alice_token)
        )
    )
    alice = user_id_of(dbsession, "alice")
    assert {row["assigned_user_id"] for row in rows} == {f"19x{alice}"}
    # A bad token next to a good session is still just a bad token.
    testapp.post_json(
        QUERY,
        {"query": "SELECT * FROM Invoice;"},
        headers=bearer("vtea_bad"),
        status=401,
    )


def test_a_bearer_request_needs_no_csrf_token_but_a_session_request_does(
    testapp: webtest.TestApp, extapps_request: Any, dbsession: Session
) -> None:
    writer = service_account(extapps_request, "alice", ["invoice:write"], name="Writer")
    token = access_token_for(dbsession, writer.application)
    element = {"subject": "From the ERP", "invoicestatus": "Created", "total": 10}
    response = testapp.post_json(
        CREATE, {"elementType": "Invoice", "element": element}, headers=bearer(token)
    )
    assert response.json["status"] == 200
    login(testapp, "alice")
    testapp.post_json(
        CREATE, {"elementType": "Invoice", "element": element}, status=(400, 403)
    )


def test_checking_a_valid_token_is_one_read_and_at_most_one_write_a_minute(
    testapp: webtest.TestApp, dbsession: Session, alice_token: str
) -> None:
    statements: list[str] = []

    def remember(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "vte_extapps_" in statement:
            statements.append(statement.split()[0].upper())

    engine = dbsession.get_bind()
    event.listen(engine, "before_cursor_execute", remember)
    try:
        body = {"query": "SELECT count(*) FROM Invoice;"}
        testapp.post_json(QUERY, body, headers=bearer(alice_token))
        first = list(statements)
        statements.clear()
        testapp.post_json(QUERY, body, headers=bearer(alice_token))
        second = list(statements)
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    # The first use records last_used; within the minute, a check is one read.
    assert first == ["SELECT", "UPDATE"]
    assert second == ["SELECT"]
