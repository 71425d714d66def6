"""Credentials are random, only their digests are stored, and no log line holds
one (SECURITY C5, K1, K2)."""

from __future__ import annotations

import logging
import string
from typing import Any

import pytest
import webtest
from sqlalchemy import inspect, select, table, text
from sqlalchemy.orm import Session

from tests.helpers import login
from tests.ui.helpers import ADMIN_URL
from vte_extapps.credentials import digest
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


def connect(testapp: webtest.TestApp, web: Client) -> tuple[str, str, dict[str, Any]]:
    """A signed-in user approves the portal and its server redeems the code:
    the code, its verifier and the token response, for looking them up."""
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
    return code, verifier, body


def test_only_digests_of_tokens_and_secrets_are_stored(
    testapp: webtest.TestApp, web: Client, dbsession: Session
) -> None:
    login(testapp, "alice")
    code, verifier, body = connect(testapp, web)
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


def every_stored_value(dbsession: Session) -> str:
    """Each column of each of the plugin's tables, as text, one row a line."""
    connection = dbsession.connection()
    names = [
        name
        for name in inspect(connection).get_table_names()
        if name.startswith("vte_extapps_")
    ]
    assert len(names) > 5, names
    lines = []
    for name in names:
        for row in connection.execute(select(text("*")).select_from(table(name))):
            lines.append(f"{name}: " + " | ".join(str(value) for value in row))
    return "\n".join(lines)


def test_no_table_of_the_plugin_holds_a_credential_in_plain(
    testapp: webtest.TestApp,
    web: Client,
    service: Client,
    jwt_service: Client,
    dbsession: Session,
) -> None:
    # A person connects the portal; its server redeems the code and refreshes.
    login(testapp, "alice")
    verifier, challenge = pkce()
    code = get_code(testapp, web, WEB_REDIRECT, challenge)
    testapp.reset()
    first = post_token(
        testapp,
        web,
        200,
        grant_type="authorization_code",
        code=code,
        redirect_uri=WEB_REDIRECT,
        code_verifier=verifier,
    ).json
    second = post_token(
        testapp,
        web,
        200,
        grant_type="refresh_token",
        refresh_token=first["refresh_token"],
    ).json

    # Service accounts: with a secret, and with a signed assertion.
    by_secret = post_token(testapp, service, 200, grant_type="client_credentials")
    signed = assertion(jwt_service)
    by_assertion = testapp.post(
        "/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": signed,
        },
        status=200,
    )

    # The administrator rotates the secret; the new one is used at once.
    login(testapp, "admin")
    page = testapp.get(f"{ADMIN_URL}/{service.client_id}/credentials")
    (rotate,) = [f for f in page.forms.values() if f.action.endswith("/rotate-secret")]
    new_secret = rotate.submit().html.find(id="client-secret")["value"]
    testapp.reset()
    rotated = Client(service.client_id, new_secret, None, service.application)
    by_new_secret = post_token(testapp, rotated, 200, grant_type="client_credentials")

    plaintexts = [
        code,
        verifier,
        first["access_token"],
        first["refresh_token"],
        second["access_token"],
        second["refresh_token"],
        web.secret,
        service.secret,
        new_secret,
        by_secret.json["access_token"],
        by_assertion.json["access_token"],
        by_new_secret.json["access_token"],
        signed,
        # The claims and the signature of the assertion, each on its own.
        *signed.split(".")[1:],
        jwt_service.private_key,
    ]
    stored = every_stored_value(dbsession)
    # The dump reaches where credentials live: their digests are there.
    for value in (code, first["access_token"], second["refresh_token"], new_secret):
        assert digest(value) in stored
    for value in plaintexts:
        assert value
        assert value not in stored
        # Nor the random part alone, without its readable prefix.
        prefix, _, random_part = value.partition("_")
        if prefix in {"vtea", "vter", "vtec", "vtes"}:
            assert random_part not in stored


def test_no_log_line_holds_a_credential(
    testapp: webtest.TestApp,
    web: Client,
    jwt_service: Client,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    login(testapp, "alice")
    code, verifier, body = connect(testapp, web)
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
        code, _, body = connect(testapp, web)
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
