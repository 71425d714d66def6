"""The demo's REST API, called with a bearer token, when the database fails (R2).

The API answers in its own wire format; a call that fails creates nothing,
and the same call sent again does what it was meant to, once.
"""

from __future__ import annotations

import pytest
import webtest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from tests.helpers import bearer
from tests.oauth.flows import Client, post_token
from vte_extapps.demo.models import Invoice

from .answers import assert_logged_without_internals, assert_service_unavailable
from .failing import at_each, send_failing
from .injection import COMMIT, DatabaseFault
from .snapshots import snapshot

QUERY = "/restapi/v1/vtews/query"
CREATE = "/restapi/v1/vtews/create"

#: A query reads, but its token's first use is written down first.
QUERY_FAULTS = {
    "token_marked_used": "UPDATE vte_extapps_access_token",
    "records_read": "FROM demo_invoice",
}

#: Where creating a record can fail.
CREATE_FAULTS = {
    "token_marked_used": "UPDATE vte_extapps_access_token",
    "record_written": "INSERT INTO demo_invoice",
    "commit": COMMIT,
}


@pytest.fixture
def token(browser: webtest.TestApp, service: Client) -> str:
    """A fresh access token of the service account, never used yet."""
    response = post_token(
        browser,
        service,
        200,
        grant_type="client_credentials",
        scope="invoice:read invoice:write",
    )
    return str(response.json["access_token"])


def invoices(admin_engine: Engine, subject: str) -> int:
    with admin_engine.connect() as connection:
        query = select(func.count()).where(Invoice.subject == subject)
        return int(connection.execute(query).scalar_one())


@at_each(QUERY_FAULTS)
def test_a_fault_during_a_query_answers_503_in_wire_format_and_a_retry_answers(
    browser: webtest.TestApp,
    service: Client,
    token: str,
    admin_engine: Engine,
    fault: DatabaseFault,
    kind: str,
    point: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = {"query": "SELECT * FROM Invoice;"}
    before = snapshot(admin_engine, service.client_id)

    failed = send_failing(
        fault,
        kind,
        point,
        lambda: browser.post_json(QUERY, body, headers=bearer(token), status="*"),
    )

    assert_service_unavailable(failed, token)
    assert_logged_without_internals(caplog, token)
    # Not even the token's first use is kept.
    assert snapshot(admin_engine, service.client_id) == before

    answer = browser.post_json(QUERY, body, headers=bearer(token), status=200).json
    assert answer["status"] == 200
    assert answer["data"]


@at_each(CREATE_FAULTS)
def test_a_fault_while_creating_a_record_creates_none_and_a_retry_creates_one(
    browser: webtest.TestApp,
    service: Client,
    token: str,
    admin_engine: Engine,
    fault: DatabaseFault,
    kind: str,
    point: str,
    caplog: pytest.LogCaptureFixture,
    request: pytest.FixtureRequest,
) -> None:
    subject = f"Invoice {request.node.callspec.id}"
    body = {"elementType": "Invoice", "element": {"subject": subject, "total": 120.5}}
    before = snapshot(admin_engine, service.client_id)

    failed = send_failing(
        fault,
        kind,
        point,
        lambda: browser.post_json(CREATE, body, headers=bearer(token), status="*"),
    )

    assert_service_unavailable(failed, token)
    assert_logged_without_internals(caplog, token)
    assert invoices(admin_engine, subject) == 0
    assert snapshot(admin_engine, service.client_id) == before

    created = browser.post_json(CREATE, body, headers=bearer(token), status=200).json
    assert created["data"]["subject"] == subject
    assert invoices(admin_engine, subject) == 1
