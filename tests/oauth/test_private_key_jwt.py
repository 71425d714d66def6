"""private_key_jwt client authentication (RFC 7523; SECURITY F1-F11, E4)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import pytest
import webtest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import RSAAlgorithm
from sqlalchemy.orm import Session

from vte_extapps.credentials import UnusableKey, load_public_key
from vte_extapps.models import AuthMethod, ClientType, ServerConfiguration
from vte_extapps.services.applications import InvalidApplication, add_key

from .conftest import register
from .flows import ASSERTION_TYPE, ISSUER, TOKEN, Client, assertion, basic, user_id_of


def token_request(
    testapp: webtest.TestApp, client_assertion: str, status: Any = "*", **params: str
) -> webtest.TestResponse:
    body = {
        "grant_type": "client_credentials",
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": client_assertion,
    }
    body.update(params)
    return testapp.post(TOKEN, body, status=status)


def refused(testapp: webtest.TestApp, client_assertion: str, **params: str) -> None:
    response = token_request(testapp, client_assertion, 401, **params)
    assert response.json["error"] == "invalid_client"
    assert client_assertion not in response.text


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims_for(client: Client, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": client.client_id,
        "sub": client.client_id,
        "aud": ISSUER,
        "iat": now,
        "exp": now + 60,
        "jti": f"jti-{now}-{id(changes)}",
    }
    claims.update(changes)
    return claims


def public_pem(client: Client) -> bytes:
    private = serialization.load_pem_private_key(
        (client.private_key or "").encode(), password=None
    )
    return private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def test_a_signed_assertion_authenticates(
    testapp: webtest.TestApp, jwt_service: Client
) -> None:
    response = token_request(testapp, assertion(jwt_service), 200)
    assert response.json["token_type"] == "Bearer"


def test_the_token_endpoint_url_is_accepted_as_audience(
    testapp: webtest.TestApp, jwt_service: Client
) -> None:
    token_request(testapp, assertion(jwt_service, audience=ISSUER + TOKEN), 200)


def test_wrong_assertion_type_is_refused(
    testapp: webtest.TestApp, jwt_service: Client
) -> None:
    refused(
        testapp,
        assertion(jwt_service),
        client_assertion_type="urn:ietf:params:oauth:client-assertion-type:saml2-bearer",
    )


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
    refused(testapp, assertion(jwt_service, **changes))


def test_a_body_client_id_must_match_the_assertion(
    testapp: webtest.TestApp, jwt_service: Client, service: Client
) -> None:
    refused(testapp, assertion(jwt_service), client_id=service.client_id)


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
    refused(testapp, assertion(jwt_service, audience=audience))


def test_exp_is_required(testapp: webtest.TestApp, jwt_service: Client) -> None:
    refused(testapp, assertion(jwt_service, exp=None))


def test_an_expired_assertion_is_refused(
    testapp: webtest.TestApp, jwt_service: Client
) -> None:
    now = int(time.time())
    refused(testapp, assertion(jwt_service, iat=now - 200, exp=now - 100))


def test_a_lifetime_over_five_minutes_is_refused(
    testapp: webtest.TestApp, jwt_service: Client
) -> None:
    refused(testapp, assertion(jwt_service, lifetime=301))
    token_request(testapp, assertion(jwt_service, lifetime=300), 200)


def test_iat_and_nbf_may_be_thirty_seconds_ahead_but_not_sixty(
    testapp: webtest.TestApp, jwt_service: Client
) -> None:
    now = int(time.time())
    token_request(testapp, assertion(jwt_service, iat=now + 25, exp=now + 120), 200)
    token_request(testapp, assertion(jwt_service, nbf=now + 25), 200)
    refused(testapp, assertion(jwt_service, iat=now + 60, exp=now + 120))
    refused(testapp, assertion(jwt_service, nbf=now + 60))


def test_jti_is_required_and_single_use(
    testapp: webtest.TestApp, jwt_service: Client
) -> None:
    refused(testapp, assertion(jwt_service, jti=None))
    once = assertion(jwt_service)
    token_request(testapp, once, 200)
    refused(testapp, once)


@pytest.mark.parametrize("name", ["none", "None", "NONE", "nOnE"])
def test_unsigned_assertions_are_refused_in_any_letter_case(
    testapp: webtest.TestApp, jwt_service: Client, name: str
) -> None:
    header = b64(json.dumps({"alg": name, "typ": "JWT"}).encode())
    payload = b64(json.dumps(claims_for(jwt_service)).encode())
    refused(testapp, f"{header}.{payload}.")


def test_an_empty_signature_is_refused(
    testapp: webtest.TestApp, jwt_service: Client
) -> None:
    signed = assertion(jwt_service)
    refused(testapp, signed.rsplit(".", 1)[0] + ".")


@pytest.mark.parametrize("form", ["pem", "jwk"])
def test_hs256_keyed_with_the_public_key_is_refused(
    testapp: webtest.TestApp, jwt_service: Client, form: str
) -> None:
    pem = public_pem(jwt_service)
    secret = (
        pem
        if form == "pem"
        else json.dumps(jwt_service.application.keys[0].public_jwk).encode()
    )
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64(json.dumps(claims_for(jwt_service)).encode())
    signature = hmac.new(
        secret, f"{header}.{payload}".encode(), hashlib.sha256
    ).digest()
    refused(testapp, f"{header}.{payload}.{b64(signature)}")


def test_a_key_in_the_header_is_ignored(
    testapp: webtest.TestApp, jwt_service: Client
) -> None:
    attacker = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    attacker_jwk = RSAAlgorithm.to_jwk(attacker.public_key(), as_dict=True)
    for headers in (
        {"jwk": attacker_jwk},
        {"jku": "https://evil.example.com/jwks.json"},
        {"x5u": "https://evil.example.com/cert.pem"},
        {"x5c": ["MIIBIjANBg..."]},
    ):
        refused(testapp, assertion(jwt_service, key=attacker, headers=headers))


def test_an_unknown_kid_is_refused(
    testapp: webtest.TestApp, jwt_service: Client
) -> None:
    refused(testapp, assertion(jwt_service, headers={"kid": "not-registered"}))


def test_kid_selects_the_registered_key(
    testapp: webtest.TestApp, jwt_service: Client
) -> None:
    kid = jwt_service.application.keys[0].kid
    token_request(testapp, assertion(jwt_service, headers={"kid": kid}), 200)


def test_another_clients_key_is_refused(
    testapp: webtest.TestApp,
    jwt_service: Client,
    extapps_request: Any,
    dbsession: Session,
) -> None:
    other = register(
        extapps_request,
        name="Other signer",
        client_type=ClientType.SERVICE,
        auth_method=AuthMethod.JWT,
        run_as_user_id=user_id_of(dbsession, "bob"),
    )
    refused(testapp, assertion(jwt_service, key=other.private_key))


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "x",
        "a.b.c",
        "e30.e30.",
        "....",
        "eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln",
        "é" * 20,
    ],
)
def test_a_malformed_assertion_is_401_never_500(
    testapp: webtest.TestApp, jwt_service: Client, garbage: str
) -> None:
    response = token_request(testapp, garbage, "*", client_id=jwt_service.client_id)
    assert response.status_int == 401
    assert response.json["error"] == "invalid_client"


def test_the_algorithm_allow_list_of_the_general_configuration_applies(
    testapp: webtest.TestApp, jwt_service: Client, dbsession: Session
) -> None:
    dbsession.add(
        ServerConfiguration(
            server_enabled=True,
            access_token_lifetime=3600,
            refresh_token_idle_lifetime=3600,
            refresh_token_absolute_lifetime=7200,
            authorization_code_lifetime=60,
            jwt_algorithms=["ES256"],
        )
    )
    dbsession.flush()
    refused(testapp, assertion(jwt_service))


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
    token_request(testapp, assertion(jwt_service, key=private, algorithm="ES256"), 200)


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
