"""Authorization codes and PKCE (SECURITY B1-B5, C1-C5)."""

from __future__ import annotations

import datetime
import hmac
import string
from typing import Any

import pytest
import webtest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.helpers import login, save_configuration
from vte_extapps.credentials import digest
from vte_extapps.models import (
    AccessToken,
    AuditEvent,
    AuthorizationCode,
    utcnow,
)

from .conftest import MOBILE_REDIRECT, WEB_REDIRECT
from .flows import (
    AUTHORIZE,
    Client,
    authorize_params,
    code_tokens,
    get_code,
    pkce,
    post_token,
    query_of,
    s256,
)


def redeem(
    testapp: webtest.TestApp,
    client: Client,
    code: str,
    verifier: str | None,
    status: Any = "*",
    redirect_uri: str = WEB_REDIRECT,
) -> webtest.TestResponse:
    params = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
    }
    if verifier is not None:
        params["code_verifier"] = verifier
    if client.secret is None:
        params["client_id"] = client.client_id
    return post_token(testapp, client, status, **params)


@pytest.fixture
def alice(testapp: webtest.TestApp) -> None:
    login(testapp, "alice")


def test_the_code_flow_issues_access_and_refresh_tokens(
    testapp: webtest.TestApp, web: Client, alice: None
) -> None:
    body = code_tokens(testapp, web, WEB_REDIRECT)
    assert body["access_token"].startswith("vtea_")
    assert body["refresh_token"].startswith("vter_")
    assert body["scope"] == "invoice:read"


def test_a_public_client_redeems_with_pkce_alone(
    testapp: webtest.TestApp, mobile: Client, alice: None
) -> None:
    body = code_tokens(testapp, mobile, MOBILE_REDIRECT)
    assert body["token_type"] == "Bearer"


def test_no_refresh_token_without_offline_access(
    testapp: webtest.TestApp, web: Client, alice: None, dbsession: Session
) -> None:
    web.application.offline_access = False
    dbsession.flush()
    assert "refresh_token" not in code_tokens(testapp, web, WEB_REDIRECT)


@pytest.mark.parametrize("method", ["plain", None, "s256", "S512"])
def test_only_s256_is_accepted(
    testapp: webtest.TestApp, web: Client, alice: None, method: str | None
) -> None:
    _, challenge = pkce()
    params = authorize_params(web, WEB_REDIRECT, challenge)
    params.pop("code_challenge_method")
    if method is not None:
        params["code_challenge_method"] = method
    response = testapp.get(AUTHORIZE, params, status=302)
    assert query_of(response.headers["Location"])["error"] == "invalid_request"


def test_every_client_must_send_a_challenge(
    testapp: webtest.TestApp, web: Client, mobile: Client, alice: None
) -> None:
    for client, redirect_uri in ((web, WEB_REDIRECT), (mobile, MOBILE_REDIRECT)):
        params = authorize_params(client, redirect_uri, "")
        params.pop("code_challenge")
        response = testapp.get(AUTHORIZE, params, status=302)
        assert query_of(response.headers["Location"])["error"] == "invalid_request"


def test_a_malformed_challenge_is_refused(
    testapp: webtest.TestApp, web: Client, alice: None
) -> None:
    for challenge in ("short", "x" * 44, "!" * 43):
        params = authorize_params(web, WEB_REDIRECT, challenge)
        response = testapp.get(AUTHORIZE, params, status=302)
        assert query_of(response.headers["Location"])["error"] == "invalid_request"


def test_a_wrong_or_missing_verifier_is_invalid_grant(
    testapp: webtest.TestApp, web: Client, alice: None
) -> None:
    verifier, challenge = pkce()
    code = get_code(testapp, web, WEB_REDIRECT, challenge)
    assert redeem(testapp, web, code, None, 400).json["error"] == "invalid_grant"
    other, _ = pkce()
    assert redeem(testapp, web, code, other, 400).json["error"] == "invalid_grant"
    redeem(testapp, web, code, verifier, 200)


@pytest.mark.parametrize(
    "verifier", ["a" * 42, "a" * 129, "a" * 42 + "!", "a" * 42 + " ", "é" * 43]
)
def test_malformed_verifiers_are_refused(
    testapp: webtest.TestApp,
    web: Client,
    alice: None,
    dbsession: Session,
    verifier: str,
) -> None:
    _, challenge = pkce()
    code = get_code(testapp, web, WEB_REDIRECT, challenge)
    # Even when the challenge was made from that very verifier.
    dbsession.execute(
        update(AuthorizationCode)
        .where(AuthorizationCode.digest == digest(code))
        .values(code_challenge=s256(verifier))
    )
    response = redeem(testapp, web, code, verifier, 400)
    assert response.json["error"] == "invalid_grant"
    assert verifier not in response.text


@pytest.mark.parametrize("length", [43, 128])
def test_verifiers_of_43_and_128_unreserved_characters_are_accepted(
    testapp: webtest.TestApp, web: Client, alice: None, length: int
) -> None:
    unreserved = string.ascii_letters + string.digits + "-._~"
    verifier = (unreserved * 2)[:length]
    code = get_code(testapp, web, WEB_REDIRECT, s256(verifier))
    redeem(testapp, web, code, verifier, 200)


def test_the_verifier_is_compared_in_constant_time(
    testapp: webtest.TestApp, web: Client, alice: None, monkeypatch: Any
) -> None:
    # B5: the challenge made from the verifier meets the stored one through
    # hmac.compare_digest, for a wrong verifier as for the right one.
    verifier, challenge = pkce()
    code = get_code(testapp, web, WEB_REDIRECT, challenge)
    compared: list[tuple[Any, Any]] = []
    real_compare = hmac.compare_digest

    def spy(left: Any, right: Any) -> bool:
        compared.append((left, right))
        return real_compare(left, right)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    wrong, _ = pkce()
    redeem(testapp, web, code, wrong, 400)
    assert (s256(wrong), challenge) in compared
    compared.clear()
    redeem(testapp, web, code, verifier, 200)
    assert (challenge, challenge) in compared


def test_a_verifier_for_a_code_without_challenge_is_refused(
    testapp: webtest.TestApp, web: Client, alice: None, dbsession: Session
) -> None:
    # Such a code cannot be made over HTTP; one left in the table is still refused.
    verifier, challenge = pkce()
    code = get_code(testapp, web, WEB_REDIRECT, challenge)
    dbsession.execute(
        update(AuthorizationCode)
        .where(AuthorizationCode.digest == digest(code))
        .values(code_challenge="", code_challenge_method="")
    )
    assert redeem(testapp, web, code, verifier, 400).json["error"] == "invalid_grant"


def test_a_code_used_twice_revokes_what_the_first_use_issued(
    testapp: webtest.TestApp, web: Client, alice: None, dbsession: Session
) -> None:
    verifier, challenge = pkce()
    code = get_code(testapp, web, WEB_REDIRECT, challenge)
    first = redeem(testapp, web, code, verifier, 200).json
    second = redeem(testapp, web, code, verifier, 400)
    assert second.json["error"] == "invalid_grant"
    access = dbsession.scalars(
        select(AccessToken).where(AccessToken.digest == digest(first["access_token"]))
    ).one()
    dbsession.refresh(access)
    assert access.revoked_at is not None
    refreshed = post_token(
        testapp,
        web,
        400,
        grant_type="refresh_token",
        refresh_token=first["refresh_token"],
    )
    assert refreshed.json["error"] == "invalid_grant"
    assert dbsession.scalars(
        select(AuditEvent).where(AuditEvent.action == "token.reuse_detected")
    ).first()


def test_another_client_cannot_redeem_the_code(
    testapp: webtest.TestApp, web: Client, other_web: Client, alice: None
) -> None:
    verifier, challenge = pkce()
    code = get_code(testapp, web, WEB_REDIRECT, challenge)
    assert (
        redeem(testapp, other_web, code, verifier, 400).json["error"] == "invalid_grant"
    )
    redeem(testapp, web, code, verifier, 200)


def test_the_redirect_uri_must_equal_the_authorization_requests(
    testapp: webtest.TestApp, web: Client, alice: None, dbsession: Session
) -> None:
    web.application.redirect_uris = [WEB_REDIRECT, "https://app.example.org/other"]
    dbsession.flush()
    verifier, challenge = pkce()
    code = get_code(testapp, web, WEB_REDIRECT, challenge)
    response = redeem(
        testapp, web, code, verifier, 400, redirect_uri="https://app.example.org/other"
    )
    # RFC 6749 5.2: a redirect URI that does not match is invalid_grant.
    assert response.json["error"] == "invalid_grant"
    missing = post_token(
        testapp,
        web,
        400,
        grant_type="authorization_code",
        code=code,
        code_verifier=verifier,
    )
    assert missing.json["error"] == "invalid_request"
    redeem(testapp, web, code, verifier, 200)


def test_codes_expire_after_sixty_seconds(
    testapp: webtest.TestApp, web: Client, alice: None, dbsession: Session
) -> None:
    verifier, challenge = pkce()
    code = get_code(testapp, web, WEB_REDIRECT, challenge)
    row = dbsession.scalars(
        select(AuthorizationCode).where(AuthorizationCode.digest == digest(code))
    ).one()
    assert (row.expires_at - row.issued_at) == datetime.timedelta(seconds=60)
    row.expires_at = utcnow() - datetime.timedelta(seconds=1)
    dbsession.flush()
    assert redeem(testapp, web, code, verifier, 400).json["error"] == "invalid_grant"


def test_codes_live_as_long_as_the_general_configuration_says(
    testapp: webtest.TestApp, web: Client, alice: None, dbsession: Session
) -> None:
    save_configuration(dbsession, authorization_code_lifetime=600)
    verifier, challenge = pkce()
    code = get_code(testapp, web, WEB_REDIRECT, challenge)
    row = dbsession.scalars(
        select(AuthorizationCode).where(AuthorizationCode.digest == digest(code))
    ).one()
    assert (row.expires_at - row.issued_at) == datetime.timedelta(seconds=600)
    redeem(testapp, web, code, verifier, 200)


def test_codes_carry_256_random_bits_and_only_their_digest_is_stored(
    testapp: webtest.TestApp, web: Client, alice: None, dbsession: Session
) -> None:
    _, challenge = pkce()
    code = get_code(testapp, web, WEB_REDIRECT, challenge)
    assert code.startswith("vtec_")
    assert len(code) >= len("vtec_") + 43
    stored = dbsession.scalars(select(AuthorizationCode.digest)).all()
    assert digest(code) in stored
    assert code not in stored


def test_a_user_deactivated_after_consent_cannot_redeem(
    testapp: webtest.TestApp, web: Client, alice: None, dbsession: Session
) -> None:
    from vte_extapps.demo.models import User

    verifier, challenge = pkce()
    code = get_code(testapp, web, WEB_REDIRECT, challenge)
    for user in dbsession.scalars(select(User).where(User.username == "alice")):
        user.active = False
    dbsession.flush()
    assert redeem(testapp, web, code, verifier, 400).json["error"] == "invalid_grant"
