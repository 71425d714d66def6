"""Each application authenticates only with the kind of credential registered
for it, and with one method per request (SECURITY E2, E3, E4)."""

from __future__ import annotations

from typing import Any

import pytest
import webtest

from .flows import ASSERTION_TYPE, INTROSPECT, REVOKE, TOKEN, Client, assertion, basic

#: The registered kind of credential -> the fixture holding such an application.
KINDS = {"secret": "service", "jwt": "jwt_service", "none": "mobile"}
METHODS = ("client_secret_basic", "client_secret_post", "private_key_jwt", "none")
#: E4: the only methods each kind may use.
ALLOWED = {
    ("secret", "client_secret_basic"),
    ("secret", "client_secret_post"),
    ("jwt", "private_key_jwt"),
    ("none", "none"),
}


def credentials(
    method: str, client: Client, signer: Client
) -> tuple[dict[str, str], dict[str, str]]:
    """Headers and body parameters that present ``client`` with ``method``.

    A client without a secret offers a made-up one; a client without a key
    signs with ``signer``'s, a key registered for another application.
    """
    secret = client.secret or "vtes_made_up"
    if method == "client_secret_basic":
        return basic(client.client_id, secret), {}
    if method == "client_secret_post":
        return {}, {"client_id": client.client_id, "client_secret": secret}
    if method == "private_key_jwt":
        signed = assertion(client, key=client.private_key or signer.private_key)
        return {}, {"client_assertion_type": ASSERTION_TYPE, "client_assertion": signed}
    return {}, {"client_id": client.client_id}


def grant_for(kind: str) -> dict[str, str]:
    # A public client has no client_credentials grant; a refresh with a token
    # that does not exist shows whether it authenticated (400) or not (401).
    if kind == "none":
        return {"grant_type": "refresh_token", "refresh_token": "vter_nothing"}
    return {"grant_type": "client_credentials"}


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("kind", KINDS)
def test_an_application_uses_only_the_method_of_its_credential(
    testapp: webtest.TestApp,
    request: pytest.FixtureRequest,
    jwt_service: Client,
    kind: str,
    method: str,
) -> None:
    client: Client = request.getfixturevalue(KINDS[kind])
    headers, params = credentials(method, client, jwt_service)
    response = testapp.post(
        TOKEN, {**grant_for(kind), **params}, headers=headers, status="*"
    )
    if (kind, method) in ALLOWED:
        assert response.status_int in {200, 400}, response.text
        assert response.json.get("error") in {None, "invalid_grant"}
        return
    # E2: refused as invalid_client, with a challenge naming a usable scheme.
    assert response.status_int == 401
    assert response.json["error"] == "invalid_client"
    assert response.headers["WWW-Authenticate"].startswith("Basic realm=")
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", [TOKEN, REVOKE, INTROSPECT])
@pytest.mark.parametrize("method", METHODS[:3])
def test_failed_authentication_is_401_with_a_challenge_on_every_endpoint(
    testapp: webtest.TestApp,
    service: Client,
    jwt_service: Client,
    other_web: Client,
    path: str,
    method: str,
) -> None:
    # A web application with a secret tries with the wrong credentials.
    wrong = Client(other_web.client_id, "vtes_wrong", None, other_web.application)
    headers, params = credentials(method, wrong, jwt_service)
    body = {"grant_type": "client_credentials", "token": "vtea_x", **params}
    response = testapp.post(path, body, headers=headers, status=401)
    assert response.json["error"] == "invalid_client"
    assert "WWW-Authenticate" in response.headers
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "pair",
    [
        ("client_secret_basic", "client_secret_post"),
        ("client_secret_basic", "private_key_jwt"),
        ("client_secret_post", "private_key_jwt"),
    ],
)
@pytest.mark.parametrize("path", [TOKEN, REVOKE, INTROSPECT])
def test_two_methods_in_one_request_are_invalid_request(
    testapp: webtest.TestApp,
    service: Client,
    jwt_service: Client,
    pair: tuple[str, str],
    path: str,
) -> None:
    headers: dict[str, str] = {}
    params: dict[str, Any] = {"grant_type": "client_credentials", "token": "vtea_x"}
    for method in pair:
        client = jwt_service if method == "private_key_jwt" else service
        more_headers, more_params = credentials(method, client, jwt_service)
        headers.update(more_headers)
        params.update(more_params)
    response = testapp.post(path, params, headers=headers, status=400)
    assert response.json["error"] == "invalid_request"
