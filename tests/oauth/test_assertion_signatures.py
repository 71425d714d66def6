"""private_key_jwt: which signatures, algorithms and keys count (RFC 7523 3,
RFC 8725 3.1; SECURITY F7-F10).

What the claims must say is in ``test_private_key_jwt``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.server
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import webtest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from sqlalchemy.orm import Session

from tests.helpers import save_configuration
from vte_extapps.models import AuthMethod, ClientType

from .conftest import register
from .flows import (
    ISSUER,
    Client,
    assert_refused,
    assertion,
    post_assertion,
    public_pem,
    user_id_of,
)


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


@pytest.mark.parametrize("name", ["none", "None", "NONE", "nOnE"])
def test_unsigned_assertions_are_refused_in_any_letter_case(
    testapp: webtest.TestApp, jwt_service: Client, name: str
) -> None:
    header = b64(json.dumps({"alg": name, "typ": "JWT"}).encode())
    payload = b64(json.dumps(claims_for(jwt_service)).encode())
    assert_refused(testapp, f"{header}.{payload}.")


def test_an_empty_signature_is_refused(
    testapp: webtest.TestApp, jwt_service: Client
) -> None:
    signed = assertion(jwt_service)
    assert_refused(testapp, signed.rsplit(".", 1)[0] + ".")


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
    assert_refused(testapp, f"{header}.{payload}.{b64(signature)}")


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
        assert_refused(testapp, assertion(jwt_service, key=attacker, headers=headers))


def test_an_unknown_kid_is_refused(
    testapp: webtest.TestApp, jwt_service: Client
) -> None:
    assert_refused(testapp, assertion(jwt_service, headers={"kid": "not-registered"}))


def test_kid_selects_the_registered_key(
    testapp: webtest.TestApp, jwt_service: Client
) -> None:
    kid = jwt_service.application.keys[0].kid
    post_assertion(testapp, assertion(jwt_service, headers={"kid": kid}), 200)


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
    assert_refused(testapp, assertion(jwt_service, key=other.private_key))


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
    response = post_assertion(testapp, garbage, "*", client_id=jwt_service.client_id)
    assert response.status_int == 401
    assert response.json["error"] == "invalid_client"


def test_the_algorithm_allow_list_of_the_general_configuration_applies(
    testapp: webtest.TestApp, jwt_service: Client, dbsession: Session
) -> None:
    save_configuration(dbsession, jwt_algorithms=["ES256"])
    assert_refused(testapp, assertion(jwt_service))


@pytest.mark.parametrize("algorithm", ["PS256", "RS384", "RS512"])
def test_a_key_signs_only_with_the_algorithm_registered_for_it(
    testapp: webtest.TestApp, jwt_service: Client, algorithm: str
) -> None:
    # The generated RSA key is registered for RS256; the same key under
    # another RSA algorithm is refused.
    assert jwt_service.application.keys[0].algorithm == "RS256"
    assert_refused(testapp, assertion(jwt_service, algorithm=algorithm))


def test_the_applications_own_algorithm_list_narrows_the_general_one(
    testapp: webtest.TestApp, jwt_service: Client, dbsession: Session
) -> None:
    jwt_service.application.jwt_algorithms = ["ES256"]
    dbsession.flush()
    assert_refused(testapp, assertion(jwt_service))
    jwt_service.application.jwt_algorithms = ["RS256", "ES256"]
    dbsession.flush()
    post_assertion(testapp, assertion(jwt_service), 200)


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Remembers every request it gets; answers with an attacker's JWK set."""

    seen: list[str]
    jwks: bytes

    def do_GET(self) -> None:
        self.seen.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(self.jwks)

    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture
def attacker() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def key_server(attacker: rsa.RSAPrivateKey) -> Iterator[tuple[str, list[str]]]:
    """A web server offering the attacker's key; its URL and what it was asked."""
    jwk = RSAAlgorithm.to_jwk(attacker.public_key(), as_dict=True)
    seen: list[str] = []
    handler = type(
        "Handler",
        (_Recorder,),
        {"seen": seen, "jwks": json.dumps({"keys": [jwk]}).encode()},
    )
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", seen
    finally:
        server.shutdown()
        server.server_close()


def test_no_key_is_ever_fetched_from_a_header_url(
    testapp: webtest.TestApp,
    jwt_service: Client,
    attacker: rsa.RSAPrivateKey,
    key_server: tuple[str, list[str]],
) -> None:
    url, seen = key_server
    for headers in (
        {"jku": url + "/jwks.json"},
        {"x5u": url + "/cert.pem"},
        {"jku": url + "/jwks.json", "kid": "attacker"},
    ):
        assert_refused(testapp, assertion(jwt_service, key=attacker, headers=headers))
    assert seen == []


def test_header_keys_are_ignored_when_the_registered_key_signed(
    testapp: webtest.TestApp,
    jwt_service: Client,
    attacker: rsa.RSAPrivateKey,
    key_server: tuple[str, list[str]],
) -> None:
    url, seen = key_server
    headers = {
        "jwk": RSAAlgorithm.to_jwk(attacker.public_key(), as_dict=True),
        "jku": url + "/jwks.json",
        "x5u": url + "/cert.pem",
    }
    post_assertion(testapp, assertion(jwt_service, headers=headers), 200)
    assert seen == []
