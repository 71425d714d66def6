"""Credentials are random, only their digests are stored, and no log line holds
one (SECURITY C5, K1, K2)."""

from __future__ import annotations

import logging
import string
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

UNRESERVED = string.ascii_letters + string.digits + "-._~"


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
    # The API with a good and a bad token; a secret in the body; a bad verifier.
    for token in (refreshed["access_token"], "vtea_bad_guess"):
        testapp.post_json(
            "/restapi/v1/vtews/query",
            {"query": "SELECT count(*) FROM Invoice;"},
            headers={"Authorization": f"Bearer {token}"},
            status="*",
        )
    testapp.post(
        "/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": web.client_id,
            "client_secret": "vtes_posted_guess",
        },
        status=401,
    )
    wrong_verifier, challenge = pkce()
    other_code = get_code(testapp, web, WEB_REDIRECT, challenge)
    post_token(
        testapp,
        web,
        400,
        grant_type="authorization_code",
        code=other_code,
        redirect_uri=WEB_REDIRECT,
        code_verifier=wrong_verifier[::-1],
    )
    assert caplog.records, "the flows above log something"
    text = caplog.text
    authorization_headers = [
        basic(web.client_id, web.secret or "")["Authorization"],
        basic(web.client_id, "vtes_wrong_guess")["Authorization"],
    ]
    secrets: list[Any] = [
        code,
        other_code,
        verifier,
        wrong_verifier[::-1],
        body["access_token"],
        body["refresh_token"],
        refreshed["access_token"],
        refreshed["refresh_token"],
        web.secret,
        "vtes_wrong_guess",
        "vtes_posted_guess",
        "vtea_bad_guess",
        signed,
        *authorization_headers,
        *(header.split()[1] for header in authorization_headers),
    ]
    for value in secrets:
        assert value not in text


def test_every_credential_handed_out_carries_256_random_bits(
    testapp: webtest.TestApp, web: Client, service: Client
) -> None:
    login(testapp, "alice")
    handed_out: list[str] = [web.secret or "", service.secret or ""]
    for _ in range(3):
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
        handed_out += [code, body["access_token"], body["refresh_token"]]
        handed_out.append(
            post_token(testapp, service, 200, grant_type="client_credentials").json[
                "access_token"
            ]
        )
    for value in handed_out:
        prefix, _, random_part = value.partition("_")
        assert prefix in {"vtes", "vtec", "vtea", "vter"}
        # 43 base64url characters are 258 bits; RFC 6749 10.10 asks for 128.
        assert len(random_part) >= 43
        assert set(random_part) <= set(UNRESERVED)
    assert len(set(handed_out)) == len(handed_out)
