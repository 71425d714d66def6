"""RFC 8414 metadata: what it advertises works, and nothing else does (SECURITY M1).

The refusals it relies on are tested where they live too: PKCE methods in
``test_codes_and_pkce`` (B1), grant and response types in
``test_token_endpoint`` and ``test_authorization_endpoint`` (D4, A4).
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

import jwt
import pytest
import webtest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm
from sqlalchemy.orm import Session

from tests.helpers import login, save_configuration
from vte_extapps.demo import main
from vte_extapps.services.applications import InvalidApplication, add_key

from .conftest import MOBILE_REDIRECT, WEB_REDIRECT
from .flows import (
    ASSERTION_TYPE,
    AUTHORIZE,
    TOKEN,
    Client,
    assertion,
    authorize_params,
    basic,
    code_tokens,
    pkce,
    query_of,
)

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


def path_of(url: str) -> str:
    assert url.startswith("https://crm.example.com/"), url
    return url.removeprefix("https://crm.example.com")


def present(method: str, client: Client) -> tuple[dict[str, str], dict[str, str]]:
    """Headers and body that authenticate ``client`` with ``method``."""
    if method == "client_secret_basic":
        return basic(client.client_id, client.secret or ""), {}
    if method == "client_secret_post":
        return {}, {"client_id": client.client_id, "client_secret": client.secret or ""}
    if method == "private_key_jwt":
        # RFC 7523 3: the issuer is the audience, whichever endpoint is called.
        signed = assertion(client)
        return {}, {"client_assertion_type": ASSERTION_TYPE, "client_assertion": signed}
    return {}, {"client_id": client.client_id}


def test_every_advertised_endpoint_and_auth_method_works(
    testapp: webtest.TestApp, service: Client, jwt_service: Client, mobile: Client
) -> None:
    metadata = testapp.get(METADATA).json
    clients = {
        "client_secret_basic": service,
        "client_secret_post": service,
        "private_key_jwt": jwt_service,
        "none": mobile,
    }

    def call(endpoint: str, method: str, **params: str) -> webtest.TestResponse:
        path = path_of(metadata[endpoint])
        headers, credentials = present(method, clients[method])
        return testapp.post(path, {**params, **credentials}, headers=headers)

    # The authorization endpoint, as advertised, leads a public client to tokens.
    login(testapp, "alice")
    _, challenge = pkce()
    params = authorize_params(mobile, MOBILE_REDIRECT, challenge)
    consent = testapp.get(path_of(metadata["authorization_endpoint"]), params)
    assert "Approve" in consent.text
    issued = {"none": code_tokens(testapp, mobile, MOBILE_REDIRECT)}

    for method in metadata["token_endpoint_auth_methods_supported"]:
        if method != "none":
            issued[method] = call(
                "token_endpoint", method, grant_type="client_credentials"
            ).json
        assert issued[method]["access_token"].startswith("vtea_")

    for method in metadata["introspection_endpoint_auth_methods_supported"]:
        token = issued[method]["access_token"]
        assert call("introspection_endpoint", method, token=token).json["active"]

    for method in metadata["revocation_endpoint_auth_methods_supported"]:
        token = issued[method].get("refresh_token") or issued[method]["access_token"]
        assert call("revocation_endpoint", method, token=token).status_int == 200
        if method != "none":
            answer = call("introspection_endpoint", method, token=token)
            assert answer.json == {"active": False}
    refreshed = testapp.post(
        path_of(metadata["token_endpoint"]),
        {
            "grant_type": "refresh_token",
            "refresh_token": issued["none"]["refresh_token"],
            "client_id": mobile.client_id,
        },
        status=400,
    )
    assert refreshed.json["error"] == "invalid_grant"


def test_client_secret_jwt_is_not_offered_and_does_not_work(
    testapp: webtest.TestApp, service: Client
) -> None:
    metadata = testapp.get(METADATA).json
    assert "client_secret_jwt" not in metadata["token_endpoint_auth_methods_supported"]
    # The secret is 48 bytes: long enough for HS384, the longest tried here.
    for algorithm in ("HS256", "HS384"):
        signed = assertion(service, key=service.secret, algorithm=algorithm)
        response = testapp.post(
            TOKEN,
            {
                "grant_type": "client_credentials",
                "client_assertion_type": ASSERTION_TYPE,
                "client_assertion": signed,
            },
            status=401,
        )
        assert response.json["error"] == "invalid_client"


@pytest.mark.parametrize(
    ("algorithm", "curve"),
    [
        ("RS384", None),
        ("RS512", None),
        ("PS384", None),
        ("PS512", None),
        ("ES256K", ec.SECP256K1()),
        ("ES256", ec.SECP192R1()),
    ],
)
def test_keys_for_algorithms_not_advertised_are_refused(
    testapp: webtest.TestApp,
    jwt_service: Client,
    extapps_request: Any,
    algorithm: str,
    curve: Any,
) -> None:
    advertised = testapp.get(METADATA).json[
        "token_endpoint_auth_signing_alg_values_supported"
    ]
    assert algorithm not in advertised or curve is not None
    if curve is None:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        text = json.dumps(
            {
                **RSAAlgorithm.to_jwk(private.public_key(), as_dict=True),
                "alg": algorithm,
            }
        )
    else:
        # As PEM: PyJWT cannot even write a JWK for these curves.
        text = (
            ec.generate_private_key(curve)
            .public_key()
            .public_bytes(
                serialization.Encoding.PEM,
                serialization.PublicFormat.SubjectPublicKeyInfo,
            )
            .decode()
        )
    with pytest.raises(InvalidApplication):
        add_key(extapps_request, jwt_service.application, public_key=text)


def test_the_advertised_algorithms_follow_the_general_configuration(
    testapp: webtest.TestApp, jwt_service: Client, dbsession: Session
) -> None:
    save_configuration(dbsession, jwt_algorithms=["ES256", "EdDSA"])
    metadata = testapp.get(METADATA).json
    for name in (
        "token_endpoint_auth_signing_alg_values_supported",
        "revocation_endpoint_auth_signing_alg_values_supported",
        "introspection_endpoint_auth_signing_alg_values_supported",
    ):
        assert metadata[name] == ["ES256", "EdDSA"]
    # The RS256 key that worked a moment ago no longer does.
    response = testapp.post(
        TOKEN,
        {
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion(jwt_service),
        },
        status=401,
    )
    assert response.json["error"] == "invalid_client"


@pytest.mark.parametrize("response_mode", ["fragment", "form_post", "query.jwt"])
def test_only_the_query_response_mode_is_used(
    testapp: webtest.TestApp, web: Client, response_mode: str
) -> None:
    assert testapp.get(METADATA).json["response_modes_supported"] == ["query"]
    login(testapp, "alice")
    _, challenge = pkce()
    page = testapp.get(
        AUTHORIZE,
        authorize_params(web, WEB_REDIRECT, challenge, response_mode=response_mode),
    )
    response = page.forms[0].submit("decision", value="approve")
    location = urlsplit(response.headers["Location"])
    assert location.fragment == ""
    assert "code" in query_of(response.headers["Location"])
