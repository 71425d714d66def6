"""The adapter between Pyramid requests and the protocol engine.

Views call these functions; they hand the engine the parameters Pyramid
already parsed, and turn whatever it returns or raises into a response.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from oauthlib.oauth2.rfc6749 import errors
from pyramid.request import Request
from pyramid.response import Response

from ..services.configuration import general_configuration
from .responses import engine_response, error_response
from .server import GRANT_TYPES, build_server

log = logging.getLogger(__name__)

FORM = "application/x-www-form-urlencoded"

Parameters = list[tuple[str, str]]


def _form_parameters(request: Request) -> Parameters:
    """The form body as pairs, duplicates kept, so the engine can refuse them.

    Decoded as WebOb decodes a form, bytes that are not UTF-8 replaced, but
    without the multipart machinery: ``_refusal`` took only form-encoded bodies.
    """
    return parse_qsl(
        request.body.decode("utf-8", "replace"),
        keep_blank_values=True,
        encoding="utf-8",
        errors="replace",
    )


def _encoded(parameters: Parameters) -> str:
    # The engine turns a list of pairs into a dict, losing repeated
    # parameters; handed as a form-encoded string, it sees every one.
    return urlencode(parameters)


def _refusal(request: Request) -> errors.OAuth2Error | None:
    """What is wrong with a request before the engine sees it, if anything."""
    if not general_configuration(request).server_enabled:
        return errors.TemporarilyUnavailableError(
            description="The authorization server is switched off.", status_code=503
        )
    # RFC 6749 3.2: form-encoded POST; RFC 6819 5.4.1 / RFC 9700: nothing
    # secret in the URL, where logs and histories keep it.
    if request.method != "POST":
        return errors.InvalidRequestError(description="Use POST.", status_code=405)
    if request.query_string:
        return errors.InvalidRequestError(
            description="Parameters belong in the form body, not the URL."
        )
    if request.content_type != FORM:
        return errors.InvalidRequestError(description=f"The body must be {FORM}.")
    return None


Check = Callable[[Parameters], errors.OAuth2Error | None]


def _call_engine(
    request: Request,
    call: Callable[[Any], Callable[..., tuple[dict[str, str], str | None, int]]],
    check: Check,
) -> Response:
    parameters: Parameters = []
    refusal = _refusal(request)
    if refusal is None:
        parameters = _form_parameters(request)
        refusal = check(parameters)
    if refusal is not None:
        response = error_response(request, refusal)
        if refusal.status_code == 405:
            response.headers["Allow"] = "POST"
        return response
    endpoint = call(build_server(request))
    try:
        # Every check refused repeated parameters, so the pairs can go to the
        # engine as they are, without a round trip through a form encoding.
        headers, body, status = endpoint(
            request.path_url,
            http_method="POST",
            body=parameters,
            headers=dict(request.headers),
        )
    except errors.OAuth2Error as error:
        # Some errors are raised rather than returned; they still get JSON.
        return error_response(request, _client_safe(error))
    except ValueError:
        return error_response(request, errors.InvalidRequestError())
    if status == 500:
        # Returned rather than raised, it is the same client-made server_error.
        return error_response(request, _client_safe(errors.ServerError()))
    return engine_response(request, headers, body, status)


def _client_safe(error: errors.OAuth2Error) -> errors.OAuth2Error:
    # The engine reports some malformed requests as server_error; they are
    # the client's doing and are answered as such (RFC 6749 5.2).
    if isinstance(error, errors.ServerError):
        log.warning("engine_server_error description=%s", error.description)
        return errors.InvalidRequestError()
    return error


def _single_parameters(parameters: Parameters) -> errors.OAuth2Error | None:
    # RFC 6749 3.2: parameters must not be included more than once.
    names = [name for name, _ in parameters]
    if len(names) != len(set(names)):
        return errors.InvalidRequestError(
            description="A parameter appears more than once."
        )
    return None


def _known_grant_type(parameters: Parameters) -> errors.OAuth2Error | None:
    refusal = _single_parameters(parameters)
    if refusal is not None:
        return refusal
    grant_type = dict(parameters).get("grant_type")
    if not grant_type:
        return errors.InvalidRequestError(description="Missing grant_type.")
    if grant_type not in GRANT_TYPES:
        return errors.UnsupportedGrantTypeError()
    return None


def token_response(request: Request) -> Response:
    """RFC 6749 3.2: the token endpoint."""
    return _call_engine(
        request, lambda server: server.token.create_token_response, _known_grant_type
    )


def revocation_response(request: Request) -> Response:
    """RFC 7009 2: the revocation endpoint."""
    response = _call_engine(
        request,
        lambda server: server.revocation.create_revocation_response,
        _single_parameters,
    )
    if response.status_int == 200:
        response.body = b"{}"
    return response


def introspection_response(request: Request) -> Response:
    """RFC 7662 2: the introspection endpoint."""
    return _call_engine(
        request,
        lambda server: server.introspection.create_introspect_response,
        _single_parameters,
    )


def authorization_parameters(request: Request) -> list[tuple[str, str]]:
    """The query's parameters; ``ValueError`` if they are not UTF-8 text."""
    return [
        (name, value) for name, value in request.GET.items() if isinstance(value, str)
    ]


def validate_authorization(
    request: Request, parameters: list[tuple[str, str]]
) -> tuple[list[str], dict[str, Any]]:
    """Check an authorization request; raises the engine's errors."""
    server = build_server(request)
    return server.authorization.validate_authorization_request(
        request.path_url, http_method="GET", body=_encoded(parameters), headers={}
    )


def authorization_redirect(
    request: Request,
    parameters: list[tuple[str, str]],
    scopes: list[str],
    user_id: str,
    grant_id: int,
) -> str:
    """Issue a code for an approved request; the redirect URI carrying it."""
    server = build_server(request)
    headers, _, _ = server.authorization.create_authorization_response(
        request.path_url,
        http_method="GET",
        body=_encoded(parameters),
        headers={},
        scopes=scopes,
        credentials={"user": user_id, "extapps_grant_id": grant_id},
    )
    return headers["Location"]
