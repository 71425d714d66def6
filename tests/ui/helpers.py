"""What the page tests share besides fixtures: URLs, form helpers, a tiny PNG,
and token requests that show whether credentials work."""

from __future__ import annotations

import base64
import secrets
import time
from collections.abc import Sequence
from urllib.parse import quote_plus

import jwt
import webtest

from tests.helpers import csrf_token_of

ADMIN_URL = "/settings/external-applications"
LINKED_URL = "/preferences/linked-applications"

#: A 1x1 PNG image.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
    b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xe0\x8eY\xfb\x1f\x00\x03"
    b"\x9e\x02\x14\x88\xd2\xb2p\x00\x00\x00\x00IEND\xaeB`\x82"
)


def check_boxes(form: webtest.forms.Form, name: str, values: Sequence[str]) -> None:
    """Tick exactly the checkboxes called ``name`` whose value is in ``values``."""
    for field in form.fields[name]:
        field.checked = field._value in values


def field_error(page: webtest.TestResponse, name: str) -> str:
    """The error message shown next to the field ``name``."""
    found = page.html.find(id=f"{name}-error")
    assert found is not None, f"no error shown next to {name}"
    return str(found.get_text(strip=True))


def session_csrf_token(testapp: webtest.TestApp) -> str:
    """The signed-in session's CSRF token, from the CRM's home page."""
    return csrf_token_of(testapp.get("/"))


def client_credentials(
    testapp: webtest.TestApp, client_id: str, secret: str, scope: str
) -> webtest.TestResponse:
    """The token endpoint's answer to a client credentials request."""
    raw = f"{quote_plus(client_id)}:{quote_plus(secret)}".encode()
    return testapp.post(
        "/oauth/token",
        {"grant_type": "client_credentials", "scope": scope},
        headers={"Authorization": "Basic " + base64.b64encode(raw).decode()},
        expect_errors=True,
    )


def signed_client_credentials(
    testapp: webtest.TestApp,
    client_id: str,
    private_key: str,
    algorithm: str,
    scope: str,
) -> webtest.TestResponse:
    """The same request, authenticated with an assertion (RFC 7523 2.2)."""
    now = int(time.time())
    assertion = jwt.encode(
        {
            "iss": client_id,
            "sub": client_id,
            "aud": "https://crm.example.com/oauth/token",
            "iat": now,
            "exp": now + 60,
            "jti": secrets.token_hex(16),
        },
        private_key,
        algorithm=algorithm,
    )
    return testapp.post(
        "/oauth/token",
        {
            "grant_type": "client_credentials",
            "scope": scope,
            "client_id": client_id,
            "client_assertion_type": (
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
            ),
            "client_assertion": assertion,
        },
        expect_errors=True,
    )
