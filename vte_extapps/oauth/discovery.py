"""Where the server is: its issuer and endpoint URLs (RFC 8414)."""

from __future__ import annotations

from typing import Any

from pyramid.request import Request

from ..directives import scope_catalog
from ..services.configuration import general_configuration
from ..settings import ExtAppsSettings
from .client_auth import Method


def issuer(request: Request) -> str:
    """The configured issuer, else this request's scheme and host."""
    settings: ExtAppsSettings = request.registry["vte_extapps.settings"]
    return settings.issuer or request.host_url


def token_endpoint(request: Request) -> str:
    return request.route_url("vte_extapps.token")


def assertion_audiences(request: Request) -> list[str]:
    """What a client assertion's ``aud`` may be (RFC 7523 3 item 3)."""
    return [issuer(request), token_endpoint(request)]


def server_metadata(request: Request) -> dict[str, Any]:
    """RFC 8414 2: what we offer, and nothing we do not."""
    client_methods = [method.value for method in Method]
    confidential_methods = [m for m in client_methods if m != Method.NONE]
    return {
        "issuer": issuer(request),
        "authorization_endpoint": request.route_url("vte_extapps.authorize"),
        "token_endpoint": token_endpoint(request),
        "revocation_endpoint": request.route_url("vte_extapps.revoke"),
        "introspection_endpoint": request.route_url("vte_extapps.introspect"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": [
            "authorization_code",
            "client_credentials",
            "refresh_token",
        ],
        "token_endpoint_auth_methods_supported": client_methods,
        "token_endpoint_auth_signing_alg_values_supported": list(
            general_configuration(request).jwt_algorithms
        ),
        "revocation_endpoint_auth_methods_supported": client_methods,
        "revocation_endpoint_auth_signing_alg_values_supported": list(
            general_configuration(request).jwt_algorithms
        ),
        # Only confidential clients may ask about tokens (RFC 7662 2.1).
        "introspection_endpoint_auth_methods_supported": confidential_methods,
        "introspection_endpoint_auth_signing_alg_values_supported": list(
            general_configuration(request).jwt_algorithms
        ),
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": scope_catalog(request.registry).names(),
    }
