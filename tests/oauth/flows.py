"""The client side of each flow, driven over WebTest."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import secrets
import time
import uuid
from typing import Any
from urllib.parse import parse_qs, quote_plus, urlsplit

import jwt
import webtest
from cryptography.hazmat.primitives import serialization
from sqlalchemy import select
from sqlalchemy.orm import Session

from vte_extapps.demo.models import User
from vte_extapps.models import Application

TOKEN = "/oauth/token"
AUTHORIZE = "/oauth/authorize"
REVOKE = "/oauth/revoke"
INTROSPECT = "/oauth/introspect"
ISSUER = "https://crm.example.com"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@dataclasses.dataclass
class Client:
    client_id: str
    secret: str | None
    private_key: str | None
    application: Application


def user_id_of(dbsession: Session, username: str) -> str:
    return str(
        dbsession.scalars(select(User.id).where(User.username == username)).one()
    )


def basic(client_id: str, secret: str) -> dict[str, str]:
    """RFC 6749 2.3.1: each part form-encoded, then joined and base64-encoded."""
    raw = f"{quote_plus(client_id)}:{quote_plus(secret)}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def s256(verifier: str) -> str:
    """The S256 code challenge of a verifier (RFC 7636 4.2)."""
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    return verifier, s256(verifier)


def assert_no_store(response: webtest.TestResponse) -> None:
    """D2: JSON that no cache may keep."""
    assert response.content_type == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Pragma"] == "no-cache"
    json.loads(response.text)


def post_token(
    testapp: webtest.TestApp,
    client: Client | None,
    status: int | str = "*",
    **params: str,
) -> webtest.TestResponse:
    """A token request with the client's secret in a Basic header."""
    headers = basic(client.client_id, client.secret) if client and client.secret else {}
    return testapp.post(TOKEN, params, headers=headers, status=status)


def assertion(
    client: Client, *, audience: Any = ISSUER, lifetime: int = 60, **changes: Any
) -> str:
    now = int(time.time())
    claims = {
        "iss": client.client_id,
        "sub": client.client_id,
        "aud": audience,
        "iat": now,
        "exp": now + lifetime,
        "jti": str(uuid.uuid4()),
    }
    headers = changes.pop("headers", None)
    key = changes.pop("key", client.private_key)
    algorithm = changes.pop("algorithm", "RS256")
    claims.update(changes)
    claims = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode(claims, key, algorithm=algorithm, headers=headers)


def authorize_params(
    client: Client, redirect_uri: str, challenge: str, **extra: str
) -> dict[str, str]:
    params = {
        "response_type": "code",
        "client_id": client.client_id,
        "redirect_uri": redirect_uri,
        "scope": "invoice:read",
        "state": "xyz-123",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    params.update(extra)
    return {name: value for name, value in params.items() if value is not None}


def query_of(location: str) -> dict[str, str]:
    return {
        name: values[0] for name, values in parse_qs(urlsplit(location).query).items()
    }


def consent_form(page: webtest.TestResponse) -> webtest.Form:
    return page.forms[0]


def get_code(
    testapp: webtest.TestApp,
    client: Client,
    redirect_uri: str,
    challenge: str,
    **extra: str,
) -> str:
    """Go through authorize and consent as the signed-in user; the code."""
    page = testapp.get(
        AUTHORIZE, authorize_params(client, redirect_uri, challenge, **extra)
    )
    if page.status_int == 200:
        page = consent_form(page).submit("decision", value="approve")
        assert page.status_int == 303, page.status
    assert page.status_int in {302, 303}, page.status
    query = query_of(page.headers["Location"])
    assert "code" in query, query
    return query["code"]


def code_tokens(
    testapp: webtest.TestApp,
    client: Client,
    redirect_uri: str,
    **extra: str,
) -> dict[str, Any]:
    """Authorize, consent and redeem the code; the token response."""
    verifier, challenge = pkce()
    code = get_code(testapp, client, redirect_uri, challenge, **extra)
    params = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": verifier,
    }
    if client.secret is None:
        params["client_id"] = client.client_id
    response = post_token(testapp, client, 200, **params)
    return response.json


def post_assertion(
    testapp: webtest.TestApp, client_assertion: str, status: Any = "*", **params: str
) -> webtest.TestResponse:
    """A client_credentials request authenticated by a client assertion alone."""
    body = {
        "grant_type": "client_credentials",
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": client_assertion,
    }
    body.update(params)
    return testapp.post(TOKEN, body, status=status)


def assert_refused(
    testapp: webtest.TestApp, client_assertion: str, **params: str
) -> None:
    """The assertion does not authenticate: 401 invalid_client, nothing echoed."""
    response = post_assertion(testapp, client_assertion, 401, **params)
    assert response.json["error"] == "invalid_client"
    assert client_assertion not in response.text


def public_pem(client: Client) -> bytes:
    """The public half of a client's generated private key, as PEM."""
    private = serialization.load_pem_private_key(
        (client.private_key or "").encode(), password=None
    )
    return private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
