"""Revoking and introspecting when the database fails mid-request (SECURITY R2)."""

from __future__ import annotations

from typing import Any

import pytest
import webtest
from sqlalchemy.engine import Engine

from tests.helpers import login
from tests.oauth.conftest import WEB_REDIRECT
from tests.oauth.flows import INTROSPECT, REVOKE, Client, basic, code_tokens

from .answers import assert_logged_without_internals, assert_temporarily_unavailable
from .failing import at_each, send_failing
from .injection import COMMIT, DatabaseFault
from .snapshots import actions, snapshot

#: Where revoking an access token can fail: ending it, auditing it, the commit.
ACCESS_REVOCATION_FAULTS = {
    "token_ended": "UPDATE vte_extapps_access_token",
    "audited": "INSERT INTO vte_extapps_audit_event",
    "commit": COMMIT,
}

#: Revoking a refresh token ends it, then the access tokens issued with it.
REFRESH_REVOCATION_FAULTS = {
    "refresh_token_ended": "UPDATE vte_extapps_refresh_token",
    "its_access_tokens_ended": "UPDATE vte_extapps_access_token",
    "audited": "INSERT INTO vte_extapps_audit_event",
    "commit": COMMIT,
}

#: Introspection only reads: the token, then its user in the CRM.
INTROSPECTION_FAULTS = {
    "token_looked_up": "FROM vte_extapps_access_token",
    "user_looked_up": "FROM demo_user",
}


def post_as(
    browser: webtest.TestApp,
    client: Client,
    path: str,
    status: Any = "*",
    **params: str,
) -> webtest.TestResponse:
    assert client.secret is not None
    return browser.post(
        path, params, headers=basic(client.client_id, client.secret), status=status
    )


def is_active(browser: webtest.TestApp, client: Client, token: str) -> bool:
    return bool(post_as(browser, client, INTROSPECT, 200, token=token).json["active"])


@pytest.fixture
def tokens(browser: webtest.TestApp, web: Client) -> dict[str, Any]:
    login(browser, "alice")
    return code_tokens(browser, web, WEB_REDIRECT)


@at_each(ACCESS_REVOCATION_FAULTS)
def test_a_fault_while_revoking_an_access_token_keeps_it_alive_until_the_retry(
    browser: webtest.TestApp,
    web: Client,
    tokens: dict[str, Any],
    admin_engine: Engine,
    fault: DatabaseFault,
    kind: str,
    point: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    token = tokens["access_token"]
    before = snapshot(admin_engine, web.client_id)

    failed = send_failing(
        fault, kind, point, lambda: post_as(browser, web, REVOKE, token=token)
    )

    assert web.secret is not None
    assert_temporarily_unavailable(failed, web.secret, token)
    assert_logged_without_internals(caplog, web.secret, token)
    assert snapshot(admin_engine, web.client_id) == before
    assert is_active(browser, web, token)

    post_as(browser, web, REVOKE, 200, token=token)
    assert not is_active(browser, web, token)
    assert actions(admin_engine, web.client_id).count("token.revoked") == 1


@at_each(REFRESH_REVOCATION_FAULTS)
def test_a_fault_while_revoking_a_refresh_token_ends_neither_it_nor_its_access_tokens(
    browser: webtest.TestApp,
    web: Client,
    tokens: dict[str, Any],
    admin_engine: Engine,
    fault: DatabaseFault,
    kind: str,
    point: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    refresh_token, access_token = tokens["refresh_token"], tokens["access_token"]
    before = snapshot(admin_engine, web.client_id)

    failed = send_failing(
        fault, kind, point, lambda: post_as(browser, web, REVOKE, token=refresh_token)
    )

    assert web.secret is not None
    assert_temporarily_unavailable(failed, web.secret, refresh_token)
    assert_logged_without_internals(caplog, web.secret, refresh_token)
    assert snapshot(admin_engine, web.client_id) == before
    assert is_active(browser, web, refresh_token)
    assert is_active(browser, web, access_token)

    post_as(browser, web, REVOKE, 200, token=refresh_token)
    assert not is_active(browser, web, refresh_token)
    assert not is_active(browser, web, access_token)


@at_each(INTROSPECTION_FAULTS)
def test_a_fault_while_introspecting_changes_nothing_and_a_retry_answers(
    browser: webtest.TestApp,
    web: Client,
    tokens: dict[str, Any],
    admin_engine: Engine,
    fault: DatabaseFault,
    kind: str,
    point: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    token = tokens["access_token"]
    before = snapshot(admin_engine, web.client_id)

    failed = send_failing(
        fault, kind, point, lambda: post_as(browser, web, INTROSPECT, token=token)
    )

    assert web.secret is not None
    assert_temporarily_unavailable(failed, web.secret, token)
    assert_logged_without_internals(caplog, web.secret, token)
    assert snapshot(admin_engine, web.client_id) == before

    answer = post_as(browser, web, INTROSPECT, 200, token=token).json
    assert answer["active"] is True
    assert answer["client_id"] == web.client_id
