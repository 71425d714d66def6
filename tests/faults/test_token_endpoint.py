"""The token endpoint when the database fails half-way through issuing (SECURITY R2).

Each fault hits one statement of the request, after others have written; the
answer is 503 ``temporarily_unavailable``, the database holds exactly what it
held before, and the same request sent again succeeds, once.
"""

from __future__ import annotations

from typing import Any

import pytest
import webtest
from sqlalchemy.engine import Engine

from tests.helpers import login
from tests.oauth.conftest import WEB_REDIRECT
from tests.oauth.flows import Client, code_tokens, get_code, pkce, post_token

from .answers import assert_logged_without_internals, assert_temporarily_unavailable
from .failing import at_each, send_failing
from .injection import COMMIT, DatabaseFault
from .snapshots import actions, snapshot

#: Where redeeming a code can fail: claiming it, each row written, the commit.
REDEMPTION_FAULTS = {
    "code_claimed": "UPDATE vte_extapps_authorization_code",
    "refresh_token_written": "INSERT INTO vte_extapps_refresh_token",
    "access_token_written": "INSERT INTO vte_extapps_access_token",
    "grant_marked_used": "UPDATE vte_extapps_grant",
    "audited": "INSERT INTO vte_extapps_audit_event",
    "commit": COMMIT,
}

#: Where a refresh can fail: rotating the old token, writing the new ones.
REFRESH_FAULTS = {
    "old_token_rotated": "UPDATE vte_extapps_refresh_token",
    "refresh_token_written": "INSERT INTO vte_extapps_refresh_token",
    "access_token_written": "INSERT INTO vte_extapps_access_token",
    "audited": "INSERT INTO vte_extapps_audit_event",
    "commit": COMMIT,
}

#: Where a service account's token request can fail.
CLIENT_CREDENTIALS_FAULTS = {
    "access_token_written": "INSERT INTO vte_extapps_access_token",
    "audited": "INSERT INTO vte_extapps_audit_event",
    "commit": COMMIT,
}


def refresh(
    browser: webtest.TestApp, client: Client, token: str, status: Any = "*"
) -> webtest.TestResponse:
    return post_token(
        browser, client, status, grant_type="refresh_token", refresh_token=token
    )


@at_each(REDEMPTION_FAULTS)
def test_a_fault_while_redeeming_a_code_keeps_nothing_and_the_code_works_once_after(
    browser: webtest.TestApp,
    web: Client,
    admin_engine: Engine,
    fault: DatabaseFault,
    kind: str,
    point: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    login(browser, "alice")
    verifier, challenge = pkce()
    code = get_code(browser, web, WEB_REDIRECT, challenge)
    params = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": WEB_REDIRECT,
        "code_verifier": verifier,
    }
    before = snapshot(admin_engine, web.client_id)

    failed = send_failing(
        fault, kind, point, lambda: post_token(browser, web, **params)
    )

    assert web.secret is not None
    assert_temporarily_unavailable(failed, web.secret, code, verifier)
    assert_logged_without_internals(caplog, web.secret, code, verifier)
    # No token without its audit row, and the code not marked used.
    assert snapshot(admin_engine, web.client_id) == before

    retried = post_token(browser, web, 200, **params).json
    assert retried["access_token"]
    assert retried["refresh_token"]
    assert actions(admin_engine, web.client_id).count("token.issued") == 1
    assert post_token(browser, web, 400, **params).json["error"] == "invalid_grant"


@at_each(REFRESH_FAULTS)
def test_a_fault_while_refreshing_keeps_nothing_and_the_old_token_works_once_after(
    browser: webtest.TestApp,
    web: Client,
    admin_engine: Engine,
    fault: DatabaseFault,
    kind: str,
    point: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    login(browser, "alice")
    old = code_tokens(browser, web, WEB_REDIRECT)["refresh_token"]
    before = snapshot(admin_engine, web.client_id)

    failed = send_failing(fault, kind, point, lambda: refresh(browser, web, old))

    assert web.secret is not None
    assert_temporarily_unavailable(failed, web.secret, old)
    assert_logged_without_internals(caplog, web.secret, old)
    # The old refresh token is not rotated, and no successor was kept.
    assert snapshot(admin_engine, web.client_id) == before

    renewed = refresh(browser, web, old, 200).json
    assert renewed["refresh_token"] != old
    assert refresh(browser, web, renewed["refresh_token"], 200).json["access_token"]
    assert refresh(browser, web, old, 400).json["error"] == "invalid_grant"


@at_each(CLIENT_CREDENTIALS_FAULTS)
def test_a_fault_while_issuing_to_a_service_account_keeps_nothing_and_a_retry_works(
    browser: webtest.TestApp,
    service: Client,
    admin_engine: Engine,
    fault: DatabaseFault,
    kind: str,
    point: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    before = snapshot(admin_engine, service.client_id)

    failed = send_failing(
        fault,
        kind,
        point,
        lambda: post_token(browser, service, grant_type="client_credentials"),
    )

    assert service.secret is not None
    assert_temporarily_unavailable(failed, service.secret)
    assert_logged_without_internals(caplog, service.secret)
    assert snapshot(admin_engine, service.client_id) == before

    issued = post_token(browser, service, 200, grant_type="client_credentials").json
    assert issued["access_token"]
    assert actions(admin_engine, service.client_id).count("token.issued") == 1
