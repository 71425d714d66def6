"""private_key_jwt: what an assertion must claim (RFC 7523 3; SECURITY F1-F6, F11, E4).

Signatures, algorithms and keys are in ``test_assertion_signatures``.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import webtest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import RSAAlgorithm

from vte_extapps.credentials import UnusableKey, load_public_key
from vte_extapps.services.applications import InvalidApplication, add_key

from .flows import (
    ASSERTION_TYPE,
    ISSUER,
    TOKEN,
    Client,
    assert_refused,
    assertion,
    basic,
    post_assertion,
    public_pem,
)


def test_a_signed_assertion_authenticates(
    testapp: webtest.TestApp, jwt_service: Client
) -> None:
    response = post_assertion(testapp, assertion(jwt_service), 200)
    assert response.json["token_type"] == "Bearer"


def test_the_token_endpoint_url_is_accepted_as_audience(
    testapp: webtest.TestApp, jwt_service: Client
) -> None:
    post_assertion(testapp, assertion(jwt_service, audience=ISSUER + TOKEN), 200)


@pytest.mark.parametrize(
    "assertion_type",
    ["urn:ietf:params:oauth:client-assertion-type:saml2-bearer", "", "jwt-bearer"],
)
def test_wrong_assertion_type_is_refused(
    testapp: webtest.TestApp, jwt_service: Client, assertion_type: str
) -> None:
    assert_refused(
        testapp, assertion(jwt_service), client_assertion_type=assertion_type
    )


def test_an_assertion_without_its_type_or_a_type_without_assertion_is_refused(
    testapp: webtest.TestApp, jwt_service: Client
) -> None:
    signed = assertion(jwt_service)
    response = testapp.post(
        TOKEN,
        {"grant_type": "client_credentials", "client_assertion": signed},
        status=401,
    )
    assert response.json["error"] == "invalid_client"
    response = testapp.post(
        TOKEN,
        {
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_id": jwt_service.client_id,
        },
        status=401,
    )
    assert response.json["error"] == "invalid_client"


@pytest.mark.parametrize(
    "changes",
    [
        {"iss": "vte_someone_else"},
        {"sub": "vte_someone_else"},
        {"iss": None},
        {"sub": None},
    ],
)
def test_iss_and_sub_must_both_name_the_client(
    testapp: webtest.TestApp, jwt_service: Client, changes: dict[str, Any]
) -> None:
    assert_refused(testapp, assertion(jwt_service, **changes))


def test_a_body_client_id_must_match_the_assertion(
    testapp: webtest.TestApp, jwt_service: Client, service: Client
) -> None:
    assert_refused(testapp, assertion(jwt_service), client_id=service.client_id)


@pytest.mark.parametrize(
    "audience",
    [
        "https://evil.example.com",
        ISSUER + "/other",
        [ISSUER, "https://evil.example.com"],
        None,
    ],
)
def test_the_audience_must_be_this_server_alone(
    testapp: webtest.TestApp, jwt_service: Client, audience: Any
) -> None:
    assert_refused(testapp, assertion(jwt_service, audience=audience))


def test_exp_is_required(testapp: webtest.TestApp, jwt_service: Client) -> None:
    assert_refused(testapp, assertion(jwt_service, exp=None))


def test_an_expired_assertion_is_refused(
    testapp: webtest.TestApp, jwt_service: Client
) -> None:
    now = int(time.time())
    assert_refused(testapp, assertion(jwt_service, iat=now - 200, exp=now - 100))


def test_a_lifetime_over_five_minutes_is_refused(
    testapp: webtest.TestApp, jwt_service: Client
) -> None:
    assert_refused(testapp, assertion(jwt_service, lifetime=301))
    post_assertion(testapp, assertion(jwt_service, lifetime=300), 200)
    # Without iat, the lifetime counts from now.
    now = int(time.time())
    assert_refused(testapp, assertion(jwt_service, iat=None, exp=now + 330))
    post_assertion(testapp, assertion(jwt_service, iat=None, exp=now + 240), 200)


def test_iat_and_nbf_may_be_thirty_seconds_ahead_but_not_sixty(
    testapp: webtest.TestApp, jwt_service: Client
) -> None:
    # The server's clock reads at least ``now``: thirty seconds is the limit.
    now = int(time.time())
    post_assertion(testapp, assertion(jwt_service, iat=now + 30, exp=now + 120), 200)
    post_assertion(testapp, assertion(jwt_service, nbf=now + 30), 200)
    assert_refused(testapp, assertion(jwt_service, iat=now + 60, exp=now + 120))
    assert_refused(testapp, assertion(jwt_service, nbf=now + 60))


def test_jti_is_required_and_single_use(
    testapp: webtest.TestApp, jwt_service: Client
) -> None:
    assert_refused(testapp, assertion(jwt_service, jti=None))
    once = assertion(jwt_service)
    post_assertion(testapp, once, 200)
    assert_refused(testapp, once)


def test_a_jwt_application_cannot_use_a_secret(
    testapp: webtest.TestApp, jwt_service: Client
) -> None:
    response = testapp.post(
        TOKEN,
        {"grant_type": "client_credentials"},
        headers=basic(jwt_service.client_id, "vtes_anything"),
        status=401,
    )
    assert response.json["error"] == "invalid_client"


def test_an_uploaded_ec_key_authenticates(
    testapp: webtest.TestApp, jwt_service: Client, extapps_request: Any
) -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    add_key(extapps_request, jwt_service.application, public_key=pem.decode())
    post_assertion(testapp, assertion(jwt_service, key=private, algorithm="ES256"), 200)


def test_the_same_key_loads_the_same_as_pem_or_jwk(jwt_service: Client) -> None:
    pem = public_pem(jwt_service).decode()
    jwk = json.dumps(
        {
            k: v
            for k, v in jwt_service.application.keys[0].public_jwk.items()
            if k in {"kty", "n", "e"}
        }
    )
    assert load_public_key(pem).thumbprint == load_public_key(jwk).thumbprint


def test_weak_private_and_symmetric_keys_are_refused(
    jwt_service: Client, extapps_request: Any
) -> None:
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 - weak on purpose
    small_pem = (
        small.public_key()
        .public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        .decode()
    )
    private_jwk = RSAAlgorithm.to_jwk(
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    for text in (
        small_pem,
        private_jwk,
        '{"kty": "oct", "k": "c2VjcmV0"}',
        jwt_service.private_key or "",
    ):
        with pytest.raises(InvalidApplication):
            add_key(extapps_request, jwt_service.application, public_key=text)
    with pytest.raises(UnusableKey):
        load_public_key('{"kty": "oct", "k": "c2VjcmV0"}')
