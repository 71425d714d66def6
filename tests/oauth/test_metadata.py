"""RFC 8414 metadata, and that what it advertises is what works (SECURITY M1)."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import jwt
import pytest
import webtest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

from vte_extapps.demo import main
from vte_extapps.services.applications import add_key

from .flows import ASSERTION_TYPE, TOKEN, Client

METADATA = "/.well-known/oauth-authorization-server"


def test_metadata_describes_the_server(testapp: webtest.TestApp) -> None:
    body = testapp.get(METADATA).json
    assert body["issuer"] == "https://crm.example.com"
    assert body["authorization_endpoint"] == "https://crm.example.com/oauth/authorize"
    assert body["token_endpoint"] == "https://crm.example.com/oauth/token"
    assert body["revocation_endpoint"] == "https://crm.example.com/oauth/revoke"
    assert body["introspection_endpoint"] == "https://crm.example.com/oauth/introspect"
    assert body["response_types_supported"] == ["code"]
    assert body["code_challenge_methods_supported"] == ["S256"]
    assert set(body["grant_types_supported"]) == {
        "authorization_code",
        "client_credentials",
        "refresh_token",
    }
    assert set(body["token_endpoint_auth_methods_supported"]) == {
        "client_secret_basic",
        "client_secret_post",
        "private_key_jwt",
        "none",
    }
    assert "HS256" not in body["token_endpoint_auth_signing_alg_values_supported"]
    assert {"invoice:read", "leads:write", "profile"} <= set(body["scopes_supported"])


def test_the_configured_issuer_is_announced(
    app_settings: dict[str, Any], testapp: webtest.TestApp
) -> None:
    settings = {**app_settings, "vte_extapps.issuer": "https://login.example.com"}
    other = webtest.TestApp(main({}, **settings), extra_environ=testapp.extra_environ)
    body = other.get(METADATA).json
    assert body["issuer"] == "https://login.example.com"


def test_plain_http_hosts_describe_themselves(testapp: webtest.TestApp) -> None:
    body = testapp.get(
        METADATA,
        extra_environ={"wsgi.url_scheme": "http", "HTTP_HOST": "127.0.0.1:6543"},
    ).json
    assert body["issuer"] == "http://127.0.0.1:6543"


def _key_for(algorithm: str) -> tuple[Any, dict[str, Any]]:
    private: Any
    if algorithm in {"RS256", "PS256"}:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
    elif algorithm == "EdDSA":
        private = ed25519.Ed25519PrivateKey.generate()
        jwk = OKPAlgorithm.to_jwk(private.public_key(), as_dict=True)
    else:
        curve = {
            "ES256": ec.SECP256R1(),
            "ES384": ec.SECP384R1(),
            "ES512": ec.SECP521R1(),
        }
        private = ec.generate_private_key(curve[algorithm])
        jwk = ECAlgorithm.to_jwk(private.public_key(), as_dict=True)
    return private, {**jwk, "alg": algorithm, "kid": f"key-{algorithm}"}


def test_every_advertised_signing_algorithm_authenticates(
    testapp: webtest.TestApp, jwt_service: Client, extapps_request: Any
) -> None:
    algorithms = testapp.get(METADATA).json[
        "token_endpoint_auth_signing_alg_values_supported"
    ]
    assert algorithms
    for algorithm in algorithms:
        private, jwk = _key_for(algorithm)
        add_key(extapps_request, jwt_service.application, public_key=json.dumps(jwk))
        now = int(time.time())
        signed = jwt.encode(
            {
                "iss": jwt_service.client_id,
                "sub": jwt_service.client_id,
                "aud": "https://crm.example.com",
                "iat": now,
                "exp": now + 60,
                "jti": str(uuid.uuid4()),
            },
            private,
            algorithm=algorithm,
            headers={"kid": jwk["kid"]},
        )
        testapp.post(
            TOKEN,
            {
                "grant_type": "client_credentials",
                "client_assertion_type": ASSERTION_TYPE,
                "client_assertion": signed,
            },
            status=200,
        )


@pytest.mark.parametrize("path", ["/oauth/token", "/oauth/revoke", "/oauth/introspect"])
def test_every_advertised_endpoint_answers(testapp: webtest.TestApp, path: str) -> None:
    response = testapp.post(
        path, {"grant_type": "client_credentials", "token": "x"}, status=401
    )
    assert response.json["error"] == "invalid_client"
