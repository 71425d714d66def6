"""The URLs and commands an operator hands to an application's developers."""

from __future__ import annotations

import dataclasses
import shlex
from urllib.parse import urlencode

from pyramid.request import Request

from ..models import Application, AuthMethod, ClientType

#: Route names of the OAuth endpoints, with their paths at the site's root.
ENDPOINT_ROUTES = (
    ("Token", "vte_extapps.token", "/oauth/token"),
    ("Authorization", "vte_extapps.authorize", "/oauth/authorize"),
    ("Revocation", "vte_extapps.revoke", "/oauth/revoke"),
    ("Introspection", "vte_extapps.introspect", "/oauth/introspect"),
    ("Metadata", "vte_extapps.metadata", "/.well-known/oauth-authorization-server"),
)
REST_API_PATH = "/restapi/v1/vtews/"
EXAMPLE_QUERY = '{"query":"SELECT * FROM Invoice;"}'


@dataclasses.dataclass(frozen=True, slots=True)
class Endpoint:
    title: str
    url: str


def _route_url(request: Request, route_name: str, fallback_path: str) -> str:
    try:
        return str(request.route_url(route_name))
    except KeyError:
        return request.application_url + fallback_path


def endpoints(request: Request, application: Application) -> list[Endpoint]:
    """The endpoints this kind of application talks to."""
    found = [
        Endpoint(title, _route_url(request, route, path))
        for title, route, path in ENDPOINT_ROUTES
    ]
    if application.client_type is ClientType.SERVICE:
        found = [point for point in found if point.title != "Authorization"]
    found.append(Endpoint("REST API", request.application_url + REST_API_PATH))
    return found


def token_url(request: Request) -> str:
    """Where applications get their tokens; client assertions name it as aud."""
    return _route_url(request, "vte_extapps.token", "/oauth/token")


def token_command(
    request: Request, application: Application, client_secret: str | None
) -> str:
    """A curl command that gets a token, ready to paste."""
    lines = [f"curl -X POST {shlex.quote(token_url(request))}"]
    if application.auth_method is AuthMethod.SECRET:
        secret = client_secret or "<CLIENT_SECRET>"
        lines.append(f"-u {shlex.quote(application.client_id + ':' + secret)}")
    else:
        lines.append(f"-d client_id={shlex.quote(application.client_id)}")
    if application.auth_method is AuthMethod.JWT:
        lines.append(
            "-d client_assertion_type="
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        )
        lines.append("-d client_assertion='<JWT_SIGNED_WITH_THE_PRIVATE_KEY>'")
    if application.client_type is ClientType.SERVICE:
        lines.append("-d grant_type=client_credentials")
        lines.append(f"-d scope={shlex.quote(' '.join(application.scopes))}")
    else:
        redirect = application.redirect_uris[0] if application.redirect_uris else ""
        lines.append("-d grant_type=authorization_code")
        lines.append("-d code='<AUTHORIZATION_CODE>'")
        lines.append(f"-d redirect_uri={shlex.quote(redirect)}")
        lines.append("-d code_verifier='<PKCE_CODE_VERIFIER>'")
    return " \\\n  ".join(lines)


def query_command(request: Request) -> str:
    """The REST API example, with the token from the first command."""
    url = request.application_url + REST_API_PATH + "query"
    return " \\\n  ".join(
        [
            f"curl -X POST {shlex.quote(url)}",
            "-H 'Content-Type: application/json'",
            "-H 'Authorization: Bearer <ACCESS_TOKEN>'",
            f"-d {shlex.quote(EXAMPLE_QUERY)}",
        ]
    )


def authorization_link(request: Request, application: Application) -> str | None:
    """Where a web or mobile application sends its users to ask for consent.

    PKCE with S256 is required of every client, so the link shows where the
    challenge goes.
    """
    if application.client_type is ClientType.SERVICE:
        return None
    url = _route_url(request, "vte_extapps.authorize", "/oauth/authorize")
    query = {
        "response_type": "code",
        "client_id": application.client_id,
        "redirect_uri": application.redirect_uris[0]
        if application.redirect_uris
        else "",
        "scope": " ".join(application.scopes),
        "state": "<STATE>",
        "code_challenge": "<PKCE_CODE_CHALLENGE>",
        "code_challenge_method": "S256",
    }
    return f"{url}?{urlencode(query, safe='<>')}"
