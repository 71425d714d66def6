"""Measure the plugin's side; driven by ``bench.run`` through ``bench.protocol``.

``python -m bench.ours ROLE DATABASE_URL [ROWS]`` where ROLE is

- ``api``: one REST call with a bearer token, the same with a session, the
  floor view, and the SQL statements of one bearer call;
- ``issue``: client_credentials tokens from the token endpoint, with a
  secret (basic and post) and with a signed assertion (RS256, ES256, EdDSA);
- ``validate``: checking a bearer token, with ROWS live tokens in the table.
"""

from __future__ import annotations

import base64
import itertools
import json
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import jwt
import transaction
import zope.sqlalchemy
from pyramid.interfaces import IRequestExtensions
from pyramid.request import Request, apply_request_extensions
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from vte_extapps.models import AuthMethod
from vte_extapps.security import validate_access_token

from . import floor, protocol, versions, wsgi
from .host import HOST, Host

JWT_ALGORITHMS = ("RS256", "ES256", "EdDSA")
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
#: Distinct tokens the validation figures cycle through.
TOKEN_POOL = 200


def api_cases(host: Host) -> tuple[dict[str, protocol.Case], dict[str, Any]]:
    (token,) = host.access_tokens(1)
    bearer = {"Authorization": f"Bearer {token}"}
    session = host.session_headers()
    floor_app = floor.make_app(host.engine)

    def call_floor() -> None:
        wsgi.expect(wsgi.call(floor_app, "GET", "/floor", b"", bearer), what="floor")

    # Every call works before any is timed.
    host.retrieve(bearer)
    host.retrieve(session)
    call_floor()

    def repeat(call: Callable[[], object]) -> protocol.Case:
        def case(count: int) -> None:
            for _ in range(count):
                call()

        return case

    return {
        "bearer": repeat(lambda: host.retrieve(bearer)),
        "session": repeat(lambda: host.retrieve(session)),
        "floor": repeat(call_floor),
        "statements": lambda _count: count_statements(host, bearer),
        "session_statements": lambda _count: count_statements(host, session),
    }, {}


def count_statements(host: Host, headers: dict[str, str]) -> dict[str, Any]:
    """The SQL statements of one API call, and which are the plugin's."""
    statements: list[str] = []

    def listen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(" ".join(statement.split()))

    # On every engine: the application opened its own from its settings.
    event.listen(Engine, "before_cursor_execute", listen)
    try:
        host.retrieve(headers)
    finally:
        event.remove(Engine, "before_cursor_execute", listen)
    plugin = [text for text in statements if "vte_extapps_" in text]
    return {
        "total": len(statements),
        "plugin": len(plugin),
        "statements": [text[:160] for text in statements],
    }


def issue_cases(host: Host) -> tuple[dict[str, protocol.Case], dict[str, Any]]:
    endpoint = token_endpoint(host)
    client_id, secret = host.service_account()
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    grant = {"grant_type": "client_credentials", "scope": "invoice:read"}

    def post(body: dict[str, str], headers: dict[str, str], what: str) -> None:
        payload = wsgi.expect(
            wsgi.call(host.app, "POST", endpoint, urlencode(body).encode(), headers),
            what=what,
        )
        if "access_token" not in json.loads(payload):
            raise RuntimeError(f"{what}: no access token in {payload[:200]!r}")

    def secret_basic(count: int) -> None:
        for _ in range(count):
            post(grant, {**form, "Authorization": f"Basic {basic}"}, "secret_basic")

    def secret_post(count: int) -> None:
        body = {**grant, "client_id": client_id, "client_secret": secret}
        for _ in range(count):
            post(body, form, "secret_post")

    def signed(algorithm: str) -> protocol.Case:
        signer_id, private_key = host.service_account(AuthMethod.JWT, algorithm)
        audience = f"https://{HOST}{endpoint}"

        def case(count: int) -> dict[str, Any]:
            # The client signs; only the server's work is timed.
            now = int(time.time())
            bodies = [
                {
                    **grant,
                    "client_assertion_type": ASSERTION_TYPE,
                    "client_assertion": jwt.encode(
                        {
                            "iss": signer_id,
                            "sub": signer_id,
                            "aud": audience,
                            "iat": now,
                            "exp": now + 120,
                            "jti": uuid.uuid4().hex,
                        },
                        private_key,
                        algorithm=algorithm,
                    ),
                }
                for _ in range(count)
            ]
            started = time.perf_counter()
            for body in bodies:
                post(body, form, f"private_key_jwt {algorithm}")
            return {"seconds": time.perf_counter() - started}

        return case

    cases: dict[str, protocol.Case] = {
        "secret_basic": secret_basic,
        "secret_post": secret_post,
    }
    for algorithm in JWT_ALGORITHMS:
        cases[f"jwt_{algorithm}"] = signed(algorithm)
    # Every kind of call works before any is timed.
    for case in cases.values():
        case(1)
    return cases, {"token_endpoint": endpoint}


def token_endpoint(host: Host) -> str:
    """The token endpoint's path, from the server's metadata (RFC 8414)."""
    status, payload = wsgi.call(
        host.app, "GET", "/.well-known/oauth-authorization-server"
    )
    if status == 200:
        url: str = json.loads(payload).get("token_endpoint", "")
        if url:
            return "/" + url.split("://", 1)[-1].split("/", 1)[-1]
    status, _ = wsgi.call(host.app, "POST", "/oauth/token")
    if status == 404:
        raise Unavailable("the token endpoint is not there (POST /oauth/token: 404)")
    return "/oauth/token"


class Unavailable(RuntimeError):
    """A piece the figure needs is not part of the plugin yet."""


def validate_cases(
    host: Host, rows: int
) -> tuple[dict[str, protocol.Case], dict[str, Any]]:
    started = time.perf_counter()
    host.bulk_tokens(max(rows - TOKEN_POOL, 0))
    filled = time.perf_counter() - started
    tokens = host.access_tokens(TOKEN_POOL)
    extensions = host.app.registry.queryUtility(IRequestExtensions)
    pool = itertools.cycle(tokens)

    def validate_one(token: str) -> None:
        # What a request does: its own session and transaction, one check.
        manager = transaction.TransactionManager(explicit=True)
        manager.begin()
        session = Session(bind=host.engine)
        zope.sqlalchemy.register(session, transaction_manager=manager)
        request = Request.blank(
            "/",
            base_url=f"https://{HOST}",
            headers={"Authorization": f"Bearer {token}"},
            environ={
                "tm.active": True,
                "tm.manager": manager,
                "app.dbsession": session,
            },
        )
        request.registry = host.app.registry
        apply_request_extensions(request, extensions=extensions)
        try:
            if validate_access_token(request, token) is None:
                raise RuntimeError("a live token was refused")
            manager.commit()
        finally:
            session.close()

    # The first check of each token records its use; later ones only read.
    for token in tokens:
        validate_one(token)

    def validate(count: int) -> None:
        for _ in range(count):
            validate_one(next(pool))

    return {"validate": validate}, {"rows": rows, "fill_seconds": round(filled, 1)}


def main(argv: list[str]) -> None:
    role, url = argv[0], argv[1]
    host = Host.build(url)
    facts: dict[str, Any] = {"versions": versions.ours()}
    try:
        if role == "api":
            cases, more = api_cases(host)
        elif role == "issue":
            cases, more = issue_cases(host)
        elif role == "validate":
            cases, more = validate_cases(host, int(argv[2]))
        else:
            raise SystemExit(f"unknown role {role!r}")
    except Unavailable as missing:
        protocol.serve({}, {**facts, "unavailable": str(missing)})
        return
    protocol.serve(cases, {**facts, **more})


if __name__ == "__main__":
    main(sys.argv[1:])
