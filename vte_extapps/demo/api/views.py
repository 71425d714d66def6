"""The web services' views: one per method, all of them thin, all in wire format."""

from __future__ import annotations

import logging

from pyramid.exceptions import BadCSRFToken
from pyramid.request import Request
from pyramid.response import Response

from vte_extapps import faults
from vte_extapps.security import is_bearer_request

from .operations import Operation
from .wire import (
    ApiError,
    AuthenticationRequired,
    CsrfTokenRefused,
    InternalError,
    MethodNotAllowed,
    ServiceUnavailable,
    UnknownOperation,
    failure,
    read_params,
    success,
)

log = logging.getLogger(__name__)


class OperationView:
    """Runs one method for a signed-in caller and answers in wire format."""

    def __init__(self, operation: Operation) -> None:
        self.operation = operation

    def __call__(self, request: Request) -> Response:
        if request.authenticated_userid is None:
            if is_bearer_request(request):
                # The challenge header says invalid_token; say it in words too.
                raise AuthenticationRequired(
                    "the access token is invalid, expired or revoked"
                )
            raise AuthenticationRequired()
        return success(self.operation(request, read_params(request)))


def unknown_operation(request: Request) -> Response:
    """What the method views do not take: another HTTP method, or another name."""
    if request.method != "POST":
        response = failure(MethodNotAllowed("the web services take POST only"))
        response.allow = ["POST"]
        return response
    return failure(UnknownOperation(f"no method {request.matchdict['method']!r}"))


def refused(error: ApiError, request: Request) -> Response:
    return failure(error)


def bad_csrf_token(error: BadCSRFToken, request: Request) -> Response:
    return failure(
        CsrfTokenRefused(
            "a call made with the session cookie needs the session's CSRF "
            "token in the X-CSRF-Token header"
        )
    )


def database_failed(error: Exception, request: Request) -> Response:
    """The database failed mid-call; the call's writes are rolled back."""
    transient = faults.is_transient(error)
    # Never the error's text: it quotes the statement and its parameters.
    log.error(
        "web services call found no database: method=%s %s",
        request.matchdict["method"],
        faults.describe(error),
    )
    if not transient:
        return failure(InternalError("the CRM could not answer this call"))
    response = failure(
        ServiceUnavailable("the CRM is busy or restarting; try again shortly")
    )
    response.headers["Retry-After"] = str(faults.RETRY_AFTER)
    return response


def failed(error: Exception, request: Request) -> Response:
    """Last resort: whatever went wrong, the client still gets the wire format."""
    log.error(
        "web services call failed: method=%s",
        request.matchdict["method"],
        exc_info=error,
    )
    return failure(InternalError("the CRM could not answer this call"))
