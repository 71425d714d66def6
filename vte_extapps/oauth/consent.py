"""The authorization endpoint as a user sees it: sign-in, consent, redirect.

The request being approved is kept in the user's session, not in the form:
the consent form posts only which pending request it answers and the
decision, so editing hidden fields changes nothing (RFC 6819 4.4.1.4).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Sequence
from typing import Any

from oauthlib.oauth2.rfc6749 import errors
from pyramid.csrf import get_csrf_token
from pyramid.httpexceptions import HTTPFound, HTTPSeeOther
from pyramid.renderers import render_to_response
from pyramid.request import Request
from pyramid.response import Response

from ..directives import scope_catalog, user_directory
from ..models import Application
from ..services import grants
from ..services.configuration import general_configuration
from ..settings import ExtAppsSettings
from .client_auth import find_application
from .endpoints import (
    authorization_parameters,
    authorization_redirect,
    validate_authorization,
)

log = logging.getLogger(__name__)

PENDING_KEY = "vte_extapps.pending_authorizations"
PENDING_LIFETIME = 600
# The session may live in a cookie; a few pending requests fit in one.
MAX_PENDING = 2
MAX_STATE_LENGTH = 1000
#: The authorization request's parameters (RFC 6749 4.1.1, RFC 7636 4.3).
AUTHORIZATION_PARAMETERS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
)

PAGE_HEADERS = {
    # RFC 6749 10.13 and RFC 9700 4.16: no framing of the consent screen.
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        # No form-action: browsers apply it to the redirect that follows the
        # consent POST, which goes to the application's own site.
        "default-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
}


def protect(response: Response) -> Response:
    response.headers.update(PAGE_HEADERS)
    return response


def error_page(request: Request, message: str, status: int = 400) -> Response:
    """Our own page, for when the client cannot safely be redirected to."""
    response = render_to_response(
        "vte_extapps:templates/oauth/error.jinja2",
        {"message": message},
        request=request,
    )
    response.status_int = status
    return protect(response)


def current_user_id(request: Request) -> str | None:
    """The CRM user signed in through the browser; a bearer token is nobody here."""
    identity = request.identity
    if identity is None or getattr(identity, "via_token", False):
        return None
    user_id = request.authenticated_userid
    return str(user_id) if user_id is not None else None


def _error_redirect(
    error: errors.OAuth2Error, redirect_uri: str, status: type
) -> Response:
    return protect(status(location=error.in_uri(redirect_uri)))


def start(request: Request) -> Response:
    """GET: check the request, then sign in, remember consent, or ask for it."""
    if not general_configuration(request).server_enabled:
        return error_page(request, "Connecting applications is switched off.", 503)
    try:
        parameters = authorization_parameters(request)
        scopes, info = validate_authorization(request, parameters)
    except errors.FatalClientError as error:
        # RFC 6749 4.1.2.1: never redirect to an unverified URI.
        return error_page(request, _fatal_message(error, parameters))
    except errors.OAuth2Error as error:
        return _error_redirect(error, error.redirect_uri, HTTPFound)
    except ValueError:
        return error_page(request, "The request is malformed.")

    pending = {
        "client_id": info["client_id"],
        "redirect_uri": info["redirect_uri"],
        "scopes": list(scopes),
        "state": info["state"],
        "code_challenge": info["code_challenge"],
        "code_challenge_method": info["code_challenge_method"],
    }
    state, prompt = info["state"], info["request"].prompt
    if state is not None and len(state) > MAX_STATE_LENGTH:
        refusal = errors.InvalidRequestError(description="state is too long.")
        return _error_redirect(refusal, pending["redirect_uri"], HTTPFound)

    user_id = current_user_id(request)
    if user_id is None:
        if prompt == "none":
            refusal = errors.LoginRequired(state=state)
            return _error_redirect(refusal, pending["redirect_uri"], HTTPFound)
        settings: ExtAppsSettings = request.registry["vte_extapps.settings"]
        login = request.route_url(
            settings.login_route, _query={"next": request.path_qs}
        )
        return protect(HTTPSeeOther(location=login))

    application: Application = info["request"].client
    user = user_directory(request.registry).get_user(request, user_id)
    if user is None or not user.active:
        refusal = errors.AccessDeniedError(state=state)
        return _error_redirect(refusal, pending["redirect_uri"], HTTPFound)

    # Consent given before is remembered, unless the client asks again.
    grant = grants.find_grant(request, application, user_id)
    if (
        grant is not None
        and prompt != "consent"
        and grants.covers(grant, application, scopes)
    ):
        location = authorization_redirect(
            request, _parameters(pending), scopes, user_id, grant.id
        )
        return protect(HTTPFound(location=location))
    if prompt == "none":
        refusal = errors.ConsentRequired(state=state)
        return _error_redirect(refusal, pending["redirect_uri"], HTTPFound)

    request_id = _keep_pending(request, pending, user_id)
    return _consent_page(request, application, user.display_name, scopes, request_id)


def decide(request: Request) -> Response:
    """POST: the user approved or denied a pending request; 303 either way."""
    user_id = current_user_id(request)
    pending = _take_pending(request, request.POST.get("request_id"), user_id)
    if user_id is None or pending is None:
        return error_page(
            request,
            "This request has expired or was already answered. "
            "Start again from the application.",
        )
    if not general_configuration(request).server_enabled:
        return error_page(request, "Connecting applications is switched off.", 503)

    application = find_application(request, pending["client_id"])
    user = user_directory(request.registry).get_user(request, user_id)
    approved = request.POST.get("decision") == "approve"
    if application is None or not application.is_active:
        return error_page(request, "This application is no longer available.")
    if not approved or user is None or not user.active:
        # RFC 6749 4.1.2.1: the user said no.
        refusal = errors.AccessDeniedError(state=pending["state"])
        return _error_redirect(refusal, pending["redirect_uri"], HTTPSeeOther)

    grant = grants.widen_grant(request, application, user_id, pending["scopes"])
    try:
        location = authorization_redirect(
            request, _parameters(pending), pending["scopes"], user_id, grant.id
        )
    except errors.FatalClientError as error:
        return error_page(request, _fatal_message(error))
    # RFC 9700 4.12: 303, so the browser does not re-post the form.
    return protect(HTTPSeeOther(location=location))


def _fatal_message(
    error: errors.OAuth2Error, parameters: Sequence[tuple[str, str]] = ()
) -> str:
    if isinstance(error, errors.InvalidClientIdError | errors.MissingClientIdError):
        return "This application is unknown or no longer available."
    if isinstance(
        error,
        errors.MismatchingRedirectURIError
        | errors.MissingRedirectURIError
        | errors.InvalidRedirectURIError,
    ):
        return "The application asked to return to an address it has not registered."
    # RFC 6749 3.1: a parameter sent more than once is invalid_request. Only
    # the protocol's own names are repeated back, never what else was sent.
    names = [name for name, _ in parameters]
    repeated = [name for name in AUTHORIZATION_PARAMETERS if names.count(name) > 1]
    if repeated:
        return (
            f"The request gives {', '.join(repeated)} more than once (invalid_request)."
        )
    return "The request is malformed."


def _parameters(pending: dict[str, Any]) -> list[tuple[str, str]]:
    """The authorization request again, rebuilt from what was checked."""
    parameters = [
        ("response_type", "code"),
        ("client_id", pending["client_id"]),
        ("redirect_uri", pending["redirect_uri"]),
        ("scope", " ".join(pending["scopes"])),
        ("code_challenge", pending["code_challenge"]),
        ("code_challenge_method", pending["code_challenge_method"]),
    ]
    if pending["state"] is not None:
        parameters.append(("state", pending["state"]))
    return parameters


def _keep_pending(request: Request, pending: dict[str, Any], user_id: str) -> str:
    now = int(time.time())
    kept = {
        key: value
        for key, value in request.session.get(PENDING_KEY, {}).items()
        if value.get("expires", 0) > now
    }
    while len(kept) >= MAX_PENDING:
        kept.pop(min(kept, key=lambda key: kept[key]["expires"]))
    request_id = secrets.token_urlsafe(16)
    kept[request_id] = {
        **pending,
        "user_id": user_id,
        "expires": now + PENDING_LIFETIME,
    }
    request.session[PENDING_KEY] = kept
    return request_id


def _take_pending(
    request: Request, request_id: object, user_id: str | None
) -> dict[str, Any] | None:
    kept = dict(request.session.get(PENDING_KEY, {}))
    pending = kept.pop(request_id, None) if isinstance(request_id, str) else None
    request.session[PENDING_KEY] = kept
    if (
        pending is None
        or pending.get("user_id") != user_id
        or pending.get("expires", 0) <= int(time.time())
    ):
        return None
    return pending


def _consent_page(
    request: Request,
    application: Application,
    user_name: str,
    scopes: list[str],
    request_id: str,
) -> Response:
    logo_url = None
    if application.logo is not None:
        try:
            logo_url = request.route_url(
                "vte_extapps.logo",
                client_id=application.client_id,
                digest=application.logo.digest,
            )
        except KeyError:
            logo_url = None
    response = render_to_response(
        "vte_extapps:templates/oauth/consent.jinja2",
        {
            "application": application,
            "logo_url": logo_url,
            "user_name": user_name,
            "scopes": scope_catalog(request.registry).describe(scopes),
            "request_id": request_id,
            "csrf_token": get_csrf_token(request),
            "action": request.route_url("vte_extapps.authorize"),
        },
        request=request,
    )
    return protect(response)
