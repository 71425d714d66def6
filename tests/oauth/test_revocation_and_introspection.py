"""Revocation (RFC 7009) and introspection (RFC 7662) (SECURITY H1-H4, A5, D2)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import webtest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.helpers import login, save_configuration
from vte_extapps.credentials import digest
from vte_extapps.models import AccessToken, RefreshToken

from .conftest import WEB_REDIRECT
from .flows import (
    INTROSPECT,
    REVOKE,
    Client,
    assert_no_store,
    basic,
    code_tokens,
    post_token,
    user_id_of,
)


def call(
    testapp: webtest.TestApp,
    path: str,
    client: Client | None,
    token: str,
    status: Any = "*",
    **extra: str,
) -> webtest.TestResponse:
    headers = basic(client.client_id, client.secret) if client and client.secret else {}
    return testapp.post(path, {"token": token, **extra}, headers=headers, status=status)


@pytest.fixture
def tokens(testapp: webtest.TestApp, web: Client) -> dict[str, Any]:
    login(testapp, "alice")
    return code_tokens(testapp, web, WEB_REDIRECT)


def test_both_endpoints_require_client_authentication(
    testapp: webtest.TestApp, tokens: dict[str, Any]
) -> None:
    for path in (REVOKE, INTROSPECT):
        response = call(testapp, path, None, tokens["access_token"], 401)
        assert response.json["error"] == "invalid_client"
        assert response.headers["Cache-Control"] == "no-store"
        wrong = testapp.post(
            path,
            {"token": tokens["access_token"]},
            headers=basic("vte_nobody", "vtes_nothing"),
            status=401,
        )
        assert wrong.json["error"] == "invalid_client"


def test_introspecting_an_active_access_token(
    testapp: webtest.TestApp, web: Client, tokens: dict[str, Any], dbsession: Session
) -> None:
    body = call(testapp, INTROSPECT, web, tokens["access_token"], 200).json
    assert body["active"] is True
    assert body["scope"] == "invoice:read"
    assert body["client_id"] == web.client_id
    assert body["sub"] == user_id_of(dbsession, "alice")
    assert body["username"]
    assert body["token_type"] == "Bearer"
    assert body["exp"] > body["iat"]


def test_introspecting_a_refresh_token(
    testapp: webtest.TestApp, web: Client, tokens: dict[str, Any]
) -> None:
    body = call(testapp, INTROSPECT, web, tokens["refresh_token"], 200).json
    assert body["active"] is True
    assert body["token_type"] == "refresh_token"


def test_revoking_an_access_token(
    testapp: webtest.TestApp, web: Client, tokens: dict[str, Any]
) -> None:
    response = call(testapp, REVOKE, web, tokens["access_token"], 200)
    assert response.headers["Cache-Control"] == "no-store"
    assert call(testapp, INTROSPECT, web, tokens["access_token"], 200).json == {
        "active": False
    }


def test_revoking_a_refresh_token_revokes_its_access_tokens(
    testapp: webtest.TestApp, web: Client, tokens: dict[str, Any]
) -> None:
    call(
        testapp,
        REVOKE,
        web,
        tokens["refresh_token"],
        200,
        token_type_hint="refresh_token",
    )
    assert call(testapp, INTROSPECT, web, tokens["access_token"], 200).json == {
        "active": False
    }
    response = post_token(
        testapp,
        web,
        400,
        grant_type="refresh_token",
        refresh_token=tokens["refresh_token"],
    )
    assert response.json["error"] == "invalid_grant"


@pytest.mark.parametrize("token", ["vtea_unknown", "garbage", "x" * 3000, "é"])
def test_unknown_or_garbage_tokens_revoke_with_200(
    testapp: webtest.TestApp, web: Client, token: str
) -> None:
    call(testapp, REVOKE, web, token, 200)


def test_revoking_twice_is_200(
    testapp: webtest.TestApp, web: Client, tokens: dict[str, Any]
) -> None:
    call(testapp, REVOKE, web, tokens["access_token"], 200)
    call(testapp, REVOKE, web, tokens["access_token"], 200)


def test_a_client_cannot_revoke_or_introspect_another_clients_token(
    testapp: webtest.TestApp, web: Client, other_web: Client, tokens: dict[str, Any]
) -> None:
    call(testapp, REVOKE, other_web, tokens["access_token"], 200)
    assert call(testapp, INTROSPECT, other_web, tokens["access_token"], 200).json == {
        "active": False
    }
    assert (
        call(testapp, INTROSPECT, web, tokens["access_token"], 200).json["active"]
        is True
    )


def test_introspection_of_unknown_expired_or_revoked_is_exactly_inactive(
    testapp: webtest.TestApp, web: Client, tokens: dict[str, Any], dbsession: Session
) -> None:
    assert call(testapp, INTROSPECT, web, "vtea_nope", 200).json == {"active": False}
    row = dbsession.scalars(
        select(AccessToken).where(AccessToken.digest == digest(tokens["access_token"]))
    ).one()
    row.expires_at = row.issued_at - datetime.timedelta(seconds=1)
    dbsession.flush()
    assert call(testapp, INTROSPECT, web, tokens["access_token"], 200).json == {
        "active": False
    }


def test_a_public_client_may_revoke_but_not_introspect(
    testapp: webtest.TestApp, mobile: Client
) -> None:
    from .conftest import MOBILE_REDIRECT

    login(testapp, "alice")
    body = code_tokens(testapp, mobile, MOBILE_REDIRECT)
    response = call(
        testapp, INTROSPECT, None, body["access_token"], 401, client_id=mobile.client_id
    )
    assert response.json["error"] == "invalid_client"
    call(testapp, REVOKE, None, body["access_token"], 200, client_id=mobile.client_id)


def test_get_is_refused_on_both(testapp: webtest.TestApp, web: Client) -> None:
    for path in (REVOKE, INTROSPECT):
        response = testapp.get(path, {"token": "x"}, status=405)
        assert response.json["error"] == "invalid_request"


@pytest.mark.parametrize("path", [REVOKE, INTROSPECT])
def test_a_repeated_parameter_is_invalid_request(
    testapp: webtest.TestApp, web: Client, tokens: dict[str, Any], path: str
) -> None:
    response = testapp.post(
        path,
        [("token", tokens["access_token"]), ("token", tokens["refresh_token"])],
        headers=basic(web.client_id, web.secret or ""),
        status=400,
    )
    assert response.json["error"] == "invalid_request"
    assert tokens["access_token"] not in response.text
    assert call(testapp, INTROSPECT, web, tokens["access_token"], 200).json["active"]


@pytest.mark.parametrize("path", [REVOKE, INTROSPECT])
def test_every_answer_is_json_that_no_cache_keeps(
    testapp: webtest.TestApp,
    web: Client,
    tokens: dict[str, Any],
    dbsession: Session,
    path: str,
) -> None:
    assert_no_store(call(testapp, path, web, tokens["access_token"], 200))
    assert_no_store(call(testapp, path, None, tokens["access_token"], 401))
    # Ten failures in all, then even the right secret gets a 429.
    guesser = Client(web.client_id, "vtes_wrong", None, web.application)
    for _ in range(10):
        assert_no_store(call(testapp, path, guesser, "x", 401))
    assert_no_store(call(testapp, path, web, tokens["access_token"], 429))
    save_configuration(dbsession, server_enabled=False)
    assert_no_store(call(testapp, path, web, tokens["access_token"], 503))


def test_revoking_an_expired_token_is_200(
    testapp: webtest.TestApp, web: Client, tokens: dict[str, Any], dbsession: Session
) -> None:
    row = dbsession.scalars(
        select(AccessToken).where(AccessToken.digest == digest(tokens["access_token"]))
    ).one()
    row.expires_at = row.issued_at - datetime.timedelta(seconds=1)
    dbsession.flush()
    call(testapp, REVOKE, web, tokens["access_token"], 200)


def test_a_client_cannot_revoke_another_clients_refresh_token(
    testapp: webtest.TestApp, web: Client, other_web: Client, tokens: dict[str, Any]
) -> None:
    call(testapp, REVOKE, other_web, tokens["refresh_token"], 200)
    assert call(testapp, INTROSPECT, other_web, tokens["refresh_token"], 200).json == {
        "active": False
    }
    assert call(testapp, INTROSPECT, web, tokens["refresh_token"], 200).json["active"]
    post_token(
        testapp,
        web,
        200,
        grant_type="refresh_token",
        refresh_token=tokens["refresh_token"],
    )


def test_introspection_of_revoked_rotated_or_expired_refresh_tokens_is_inactive(
    testapp: webtest.TestApp, web: Client, tokens: dict[str, Any], dbsession: Session
) -> None:
    rotated = post_token(
        testapp,
        web,
        200,
        grant_type="refresh_token",
        refresh_token=tokens["refresh_token"],
    ).json
    inactive = {"active": False}
    assert call(testapp, INTROSPECT, web, tokens["refresh_token"], 200).json == inactive
    # Statements rather than a loaded row, so the server reads fresh values.
    live = RefreshToken.digest == digest(rotated["refresh_token"])
    dbsession.execute(
        update(RefreshToken).where(live).values(idle_expires_at=RefreshToken.issued_at)
    )
    assert (
        call(testapp, INTROSPECT, web, rotated["refresh_token"], 200).json == inactive
    )
    dbsession.execute(
        update(RefreshToken).where(live).values(idle_expires_at=RefreshToken.expires_at)
    )
    assert call(testapp, INTROSPECT, web, rotated["refresh_token"], 200).json["active"]
    call(testapp, REVOKE, web, rotated["refresh_token"], 200)
    assert (
        call(testapp, INTROSPECT, web, rotated["refresh_token"], 200).json == inactive
    )
