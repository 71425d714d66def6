"""The integrator's side: well-known client libraries, none of the CRM's code.

Authlib's OAuth2Session speaks OAuth 2; PyJWT signs the client assertions
(RFC 7523) that Authlib sends as a registered authentication method; the
REST API is called over plain HTTP, as the vendor's curl example does.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session

METADATA_PATH = "/.well-known/oauth-authorization-server"
QUERY_PATH = "/restapi/v1/vtews/query"
INVOICE_QUERY = {"query": "SELECT * FROM Invoice;"}
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# Every call the tests make gives up after this many seconds.
HTTP_TIMEOUT = 10


def oauth_client(client_id: str, **options: Any) -> OAuth2Session:
    """An Authlib client that gives up on a stuck server."""
    return OAuth2Session(client_id, default_timeout=HTTP_TIMEOUT, **options)


def signed_assertion_method(
    private_key: str, algorithm: str, audience: str
) -> tuple[str, Any]:
    """``private_key_jwt`` for Authlib: each request carries a new PyJWT assertion.

    ``private_key`` is PEM text or a JWK as JSON; a JWK's ``kid`` goes into the
    header so the server can pick the key (RFC 7515 4.1.4).
    """
    headers = None
    key: Any = private_key
    if private_key.lstrip().startswith("{"):
        jwk = json.loads(private_key)
        key = jwt.PyJWK(jwk, algorithm=algorithm)
        headers = {"kid": jwk["kid"]} if "kid" in jwk else None

    def sign(
        client: Any, method: str, uri: str, headers_out: dict[str, str], body: str
    ) -> tuple[str, dict[str, str], str]:
        now = int(time.time())
        claims = {
            "iss": client.client_id,
            "sub": client.client_id,
            "aud": audience,
            "iat": now,
            "exp": now + 60,
            "jti": str(uuid.uuid4()),
        }
        assertion = jwt.encode(claims, key, algorithm=algorithm, headers=headers)
        fields = {
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion,
        }
        body = f"{body}&{urlencode(fields)}" if body else urlencode(fields)
        return uri, headers_out, body

    return "private_key_jwt", sign


def query_invoices(base_url: str, access_token: str) -> requests.Response:
    """The vendor's example: the query method with a bearer token."""
    return requests.post(
        base_url + QUERY_PATH,
        json=INVOICE_QUERY,
        headers={"Authorization": f"Bearer {access_token}"},
        timeout=HTTP_TIMEOUT,
    )


def invoice_ids(response: requests.Response) -> set[str]:
    """The ids in a successful query answer, in the CRM's wire format."""
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["status"] == 200
    assert isinstance(answer["data"], list)
    return {row["id"] for row in answer["data"]}


def is_refused_token(response: requests.Response) -> bool:
    """Whether the API refused the token itself (RFC 6750 3.1)."""
    challenge = response.headers.get("WWW-Authenticate", "")
    return response.status_code == 401 and 'error="invalid_token"' in challenge


def refusal(call: Callable[[], object]) -> str:
    """The OAuth error code with which the server refuses ``call``'s request.

    Only the code is kept: a kept exception would keep its response, and the
    response its connection, which holds the server open at the end.
    """
    try:
        call()
    except OAuthError as refused:
        return str(refused.error)
    raise AssertionError("the server granted a request it should have refused")
