"""The OAuth endpoints: authorize (with consent), token, revoke, introspect.

Each view hands the request to ``vte_extapps.oauth``, which speaks the
protocol; the machine-to-machine endpoints carry no CSRF token, since
clients authenticate on every call and no browser session is involved.
"""

from __future__ import annotations

from pyramid.config import Configurator
from pyramid.request import Request
from pyramid.response import Response
from pyramid.view import view_config

from ..oauth import consent, endpoints


@view_config(route_name="vte_extapps.authorize", request_method=("GET", "HEAD"))
def authorize(request: Request) -> Response:
    return consent.start(request)


@view_config(
    route_name="vte_extapps.authorize", request_method="POST", require_csrf=True
)
def authorize_decision(request: Request) -> Response:
    return consent.decide(request)


@view_config(route_name="vte_extapps.token", require_csrf=False)
def token(request: Request) -> Response:
    return endpoints.token_response(request)


@view_config(route_name="vte_extapps.revoke", require_csrf=False)
def revoke(request: Request) -> Response:
    return endpoints.revocation_response(request)


@view_config(route_name="vte_extapps.introspect", require_csrf=False)
def introspect(request: Request) -> Response:
    return endpoints.introspection_response(request)


def includeme(config: Configurator) -> None:
    # The protocol engine's set-up.
    config.include("vte_extapps.oauth")

    config.add_route("vte_extapps.authorize", "/oauth/authorize")
    config.add_route("vte_extapps.token", "/oauth/token")
    config.add_route("vte_extapps.revoke", "/oauth/revoke")
    config.add_route("vte_extapps.introspect", "/oauth/introspect")
    config.scan("vte_extapps.views.oauth")
