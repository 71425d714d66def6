"""An application's credentials: a new secret, a new or uploaded key, and
the logo, which the consent screen and Linked Applications show to anyone."""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.request import Request
from pyramid.response import Response

from ...models import AuthMethod, utcnow
from ...services import logos, wizard
from ...services.applications import (
    InvalidApplication,
    IssuedCredentials,
    remove_key,
    revoke_secret,
    rotate_secret,
)
from ..pages import page
from .common import application_of, back_to_credentials, credentials_once

#: Logos change URL when they change, so a year of caching is safe.
LOGO_MAX_AGE = 365 * 24 * 3600
#: An SVG logo opened on its own can run no script and load nothing.
LOGO_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def credentials(
    request: Request, errors: dict[str, str] | None = None
) -> dict[str, Any]:
    application = application_of(request)
    return page(
        application=application,
        key_algorithms=wizard.key_algorithms(request),
        errors=errors or {},
        now=utcnow(),
    )


def new_secret(request: Request) -> Any:
    application = application_of(request)
    try:
        secret = rotate_secret(request, application)
    except InvalidApplication:
        raise HTTPNotFound() from None
    request.session.flash("A new secret was issued.", "success")
    return credentials_once(
        request, IssuedCredentials(application, client_secret=secret), "secret.jinja2"
    )


def end_secret(request: Request) -> HTTPSeeOther:
    application = application_of(request)
    try:
        secret_id = int(str(request.POST.get("secret_id", "")))
    except ValueError:
        secret_id = 0
    # E7: a leaked secret must not wait for the end of a rotation overlap.
    if revoke_secret(request, application, secret_id):
        request.session.flash("The secret was revoked; it no longer works.", "success")
    else:
        request.session.flash("That secret no longer works.", "error")
    return back_to_credentials(request, application)


def new_key(request: Request) -> Any:
    application = application_of(request)
    if application.auth_method is not AuthMethod.JWT:
        raise HTTPNotFound()
    try:
        pair = wizard.add_key_from_post(request, application, request.POST)
    except InvalidApplication as invalid:
        request.response.status_int = 400
        return credentials(request, invalid.errors)
    if pair is None:
        request.session.flash("The public key was added.", "success")
        return back_to_credentials(request, application)
    request.session.flash("A new key pair was generated.", "success")
    return credentials_once(
        request, IssuedCredentials(application, key_pair=pair), "secret.jinja2"
    )


def forget_key(request: Request) -> HTTPSeeOther:
    application = application_of(request)
    if remove_key(request, application, str(request.POST.get("kid", ""))):
        request.session.flash("The key was removed.", "success")
    else:
        request.session.flash("That key was already gone.", "error")
    return back_to_credentials(request, application)


def logo(request: Request) -> Response:
    found = logos.find_logo(
        request, request.matchdict["client_id"], request.matchdict["digest"]
    )
    if found is None:
        raise HTTPNotFound()
    response = Response(body=found.data, content_type=found.content_type)
    response.headers["Content-Security-Policy"] = LOGO_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.etag = found.digest
    response.cache_control = f"public, max-age={LOGO_MAX_AGE}, immutable"
    # WebOb answers a matching If-None-Match with 304 Not Modified.
    response.conditional_response = True
    return response
