"""Turning what the protocol engine answers into Pyramid responses.

Every answer of the token, revocation and introspection endpoints, errors
included, is JSON that no cache may keep (RFC 6749 5.1, RFC 7009 2.2).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from oauthlib.oauth2.rfc6749 import errors
from pyramid.request import Request
from pyramid.response import Response

from ..settings import ExtAppsSettings

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def json_response(
    body: Mapping[str, Any] | str,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A JSON response that caches and proxies must not store."""
    text = body if isinstance(body, str) else json.dumps(body)
    response = Response(
        body=text.encode("utf-8"),
        status=status,
        content_type="application/json",
        charset="utf-8",
    )
    for name, value in (headers or {}).items():
        if name.lower() != "content-type":
            response.headers[name] = value
    response.headers.update(NO_STORE)
    return response


def error_response(request: Request, error: errors.OAuth2Error) -> Response:
    """An RFC 6749 5.2 error as JSON, without echoing anything the client sent."""
    body: dict[str, Any] = {"error": error.error}
    if error.description:
        body["error_description"] = error.description
    headers = dict(error.headers)
    if error.status_code == 401:
        headers.update(client_challenge(request))
    return json_response(body, error.status_code, headers)


def client_challenge(request: Request) -> dict[str, str]:
    """The challenge for a client that failed to authenticate.

    RFC 6749 5.2: a 401 names the scheme the client may use; oauthlib would
    send ``Bearer``, which is for resource requests, not for clients.
    """
    settings: ExtAppsSettings = request.registry["vte_extapps.settings"]
    return {"WWW-Authenticate": f'Basic realm="{settings.realm}"'}


def engine_response(
    request: Request, headers: Mapping[str, str], body: str | None, status: int
) -> Response:
    """Wrap the engine's (headers, body, status) triple."""
    headers = dict(headers)
    if status == 401:
        headers.update(client_challenge(request))
    return json_response(body or "{}", status, headers)
