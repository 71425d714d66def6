"""Only digests are stored, and no log line holds a credential (SECURITY K1, K2)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
import webtest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.helpers import login
from vte_extapps.models import AccessToken, AuditEvent, ClientSecret, RefreshToken

from .conftest import WEB_REDIRECT
from .flows import (
    ASSERTION_TYPE,
    INTROSPECT,
    REVOKE,
    Client,
    assertion,
    basic,
    get_code,
    pkce,
    post_token,
)


def test_only_digests_of_tokens_and_secrets_are_stored(
    testapp: webtest.TestApp, web: Client, dbsession: Session
) -> None:
    login(testapp, "alice")
    verifier, challenge = pkce()
    code = get_code(testapp, web, WEB_REDIRECT, challenge)
    body = post_token(
        testapp,
        web,
        200,
        grant_type="authorization_code",
        code=code,
        redirect_uri=WEB_REDIRECT,
        code_verifier=verifier,
    ).json
    stored = [
        *dbsession.scalars(select(AccessToken.digest)),
        *dbsession.scalars(select(RefreshToken.digest)),
        *dbsession.scalars(select(ClientSecret.digest)),
    ]
    for value in (body["access_token"], body["refresh_token"], web.secret, code):
        assert value not in stored
    details = " ".join(repr(e.details) for e in dbsession.scalars(select(AuditEvent)))
    for value in (
        body["access_token"],
        body["refresh_token"],
        web.secret,
        code,
        verifier,
    ):
        assert value not in details


def test_no_log_line_holds_a_credential(
    testapp: webtest.TestApp,
    web: Client,
    jwt_service: Client,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    login(testapp, "alice")
    verifier, challenge = pkce()
    code = get_code(testapp, web, WEB_REDIRECT, challenge)
    body = post_token(
        testapp,
        web,
        200,
        grant_type="authorization_code",
        code=code,
        redirect_uri=WEB_REDIRECT,
        code_verifier=verifier,
    ).json
    refreshed = post_token(
        testapp,
        web,
        200,
        grant_type="refresh_token",
        refresh_token=body["refresh_token"],
    ).json
    post_token(
        testapp,
        web,
        400,
        grant_type="refresh_token",
        refresh_token=body["refresh_token"],
    )
    testapp.post(
        INTROSPECT,
        {"token": refreshed["access_token"]},
        headers=basic(web.client_id, web.secret or ""),
    )
    testapp.post(
        REVOKE,
        {"token": refreshed["refresh_token"]},
        headers=basic(web.client_id, web.secret or ""),
    )
    testapp.post(
        "/oauth/token",
        {"grant_type": "client_credentials"},
        headers=basic(web.client_id, "vtes_wrong_guess"),
        status=401,
    )
    signed = assertion(jwt_service)
    testapp.post(
        "/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": signed,
        },
        status=200,
    )
    assert caplog.records, "the flows above log something"
    text = caplog.text
    secrets: list[Any] = [
        code,
        verifier,
        body["access_token"],
        body["refresh_token"],
        refreshed["access_token"],
        refreshed["refresh_token"],
        web.secret,
        "vtes_wrong_guess",
        signed,
    ]
    for value in secrets:
        assert value not in text
