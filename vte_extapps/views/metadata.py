"""RFC 8414 authorization server metadata, at the root's /.well-known."""

from __future__ import annotations

from pyramid.config import Configurator
from pyramid.request import Request
from pyramid.response import Response
from pyramid.view import view_config

from ..oauth.discovery import server_metadata
from ..oauth.responses import json_response


@view_config(route_name="vte_extapps.metadata", request_method=("GET", "HEAD"))
def metadata(request: Request) -> Response:
    # Built here rather than by oauthlib, which insists on an https issuer
    # and would keep the demo on plain http from describing itself.
    response = json_response(server_metadata(request))
    # Public and stable; other origins' clients may read it (RFC 8414 3).
    response.headers["Cache-Control"] = "public, max-age=300"
    del response.headers["Pragma"]
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def includeme(config: Configurator) -> None:
    config.add_route("vte_extapps.metadata", "/.well-known/oauth-authorization-server")
    config.scan("vte_extapps.views.metadata")
