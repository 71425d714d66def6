"""The web services' wire format: ``{"status": 200, "data": ...}`` or an error.

An error reads ``{"status": <code>, "error": "<NAME>", "message": "..."}`` and
travels with the same HTTP status, so clients may look at either.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pyramid.request import Request
from pyramid.response import Response


class ApiError(Exception):
    """A call the CRM refuses, with the status and name clients see."""

    status = 400
    error = "INVALID_REQUEST"

    def __init__(self, message: str, *, error: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if error is not None:
            self.error = error


class InvalidParameter(ApiError):
    error = "INVALID_PARAMETER"


class MandatoryParameterMissing(ApiError):
    error = "MANDATORY_PARAMETER_MISSING"

    def __init__(self, name: str) -> None:
        super().__init__(f"the parameter {name!r} is required")


class InvalidQuery(ApiError):
    error = "INVALID_QUERY"


class AuthenticationRequired(ApiError):
    status = 401
    error = "AUTHENTICATION_REQUIRED"

    def __init__(
        self, message: str = "sign in, or send an access token, to use the web services"
    ) -> None:
        super().__init__(message)


class AccessDenied(ApiError):
    status = 403
    error = "ACCESS_DENIED"


class NotFound(ApiError):
    status = 404
    error = "RECORD_NOT_FOUND"


class UnknownOperation(ApiError):
    status = 405
    error = "UNKNOWN_OPERATION"


class MethodNotAllowed(ApiError):
    status = 405
    error = "METHOD_NOT_ALLOWED"


class CsrfTokenRefused(ApiError):
    status = 403
    error = "INVALID_CSRF_TOKEN"


class InternalError(ApiError):
    status = 500
    error = "INTERNAL_ERROR"


class ServiceUnavailable(ApiError):
    status = 503
    error = "SERVICE_UNAVAILABLE"


def success(data: Any) -> Response:
    return _response(200, {"status": 200, "data": data})


def failure(error: ApiError) -> Response:
    return _response(
        error.status,
        {"status": error.status, "error": error.error, "message": error.message},
    )


def _response(status: int, body: Mapping[str, Any]) -> Response:
    response = Response(
        body=json.dumps(body).encode("utf-8"),
        status=status,
        content_type="application/json",
        charset="utf-8",
    )
    # Records are personal: no cache may keep them.
    response.cache_control = "no-store"
    return response


def read_params(request: Request) -> dict[str, Any]:
    """The call's parameters, from a JSON object or a form."""
    if request.content_type == "application/json":
        try:
            params = request.json_body
        except (ValueError, RecursionError):
            raise ApiError("the body is not valid JSON") from None
        if not isinstance(params, dict):
            raise ApiError("the body must be a JSON object")
        return params
    try:
        return dict(request.POST.items())
    except ValueError:
        # WebOb refuses a multipart body without a usable boundary.
        raise ApiError("the body is not a valid form") from None


def text_param(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    if value is None or value == "":
        raise MandatoryParameterMissing(name)
    if not isinstance(value, str):
        raise InvalidParameter(f"the parameter {name!r} must be text")
    return value


def object_param(params: Mapping[str, Any], name: str) -> dict[str, Any]:
    """A JSON object, sent as one or, in a form, as its JSON text."""
    value = params.get(name)
    if value is None or value == "":
        raise MandatoryParameterMissing(name)
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            raise InvalidParameter(
                f"the parameter {name!r} is not valid JSON"
            ) from None
    if not isinstance(value, dict):
        raise InvalidParameter(f"the parameter {name!r} must be a JSON object")
    return value
