"""The floor: the least a Pyramid view can do to accept a bearer token.

One route, one view, one indexed SELECT by the token's SHA-256 digest on the
plugin's own table, no session, no transaction manager, no security policy.
Nothing real can be cheaper, so the plugin is judged against it.
"""

from __future__ import annotations

import hashlib
from typing import Any

from pyramid.config import Configurator
from pyramid.request import Request
from pyramid.response import Response
from sqlalchemy import text
from sqlalchemy.engine import Engine

_FIND_TOKEN = text(
    "SELECT id, user_id, scopes, expires_at FROM vte_extapps_access_token "
    "WHERE digest = :digest"
)


def make_app(engine: Engine) -> Any:
    """A WSGI application answering ``GET /floor`` for a valid bearer token."""

    def floor(request: Request) -> Response:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return Response(status=401)
        token_digest = hashlib.sha256(token.strip().encode("utf-8")).hexdigest()
        with engine.connect() as connection:
            row = connection.execute(_FIND_TOKEN, {"digest": token_digest}).first()
        if row is None:
            return Response(status=401)
        return Response(json_body={"user_id": row.user_id})

    with Configurator() as config:
        config.add_route("floor", "/floor")
        config.add_view(floor, route_name="floor")
        return config.make_wsgi_app()
