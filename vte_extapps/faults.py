"""When the database fails in the middle of a request to one of the plugin's routes.

A lost connection, a lock or statement timeout, or a connection pool with
nothing left to lend is transient: the answer is 503 with ``Retry-After``, so
clients wait and try again rather than give up (RFC 6749 4.1.2.1 names the
error ``temporarily_unavailable``; RFC 7009 2.2.1 asks exactly this of the
revocation endpoint). Any other database error is a plain ``server_error``.

The OAuth endpoints answer in JSON that no cache keeps, like all their
answers; the pages get a short page of their own that needs no database to
draw. Neither shows the SQL, its parameters or a stack trace, and the log
names the failure without them either.

An exception view leaves ``request.exception`` set, so ``pyramid_tm`` aborts
the request's transaction: nothing written before the failure is kept, and
the answer sets no cookie, so the session stays as it was too.

Only the plugin's routes are answered here; on the host's own routes, its
REST API among them, the host answers in its own format. A host replaces
these answers by registering its own exception views with
``extapps_route=True``.
"""

from __future__ import annotations

import html
import logging
import traceback
from pathlib import PurePath

from oauthlib.oauth2.rfc6749 import errors
from pyramid.config import Configurator
from pyramid.request import Request
from pyramid.response import Response
from sqlalchemy import exc

from .oauth.responses import error_response
from .views.pages import PAGE_HEADERS

log = logging.getLogger(__name__)

#: What the plugin answers for: errors of the database and of the pool.
DATABASE_ERRORS = (exc.DBAPIError, exc.TimeoutError, exc.DisconnectionError)

#: Failures that pass on their own: the same request may well succeed later.
TRANSIENT_ERRORS = (
    exc.OperationalError,
    exc.InterfaceError,
    exc.TimeoutError,
    exc.DisconnectionError,
)

#: Seconds a client is asked to wait before trying again.
RETRY_AFTER = 5

#: The plugin's routes that speak JSON to programs rather than pages to people.
JSON_ROUTES = frozenset(
    {
        "vte_extapps.token",
        "vte_extapps.revoke",
        "vte_extapps.introspect",
        "vte_extapps.metadata",
    }
)

ROUTE_PREFIX = "vte_extapps."

# Packages whose frames say nothing about which of our calls failed.
_DATABASE_LIBRARIES = ("sqlalchemy", "zope/sqlalchemy", "transaction")


def is_transient(error: BaseException) -> bool:
    """Whether a database error is one that a later retry may not meet."""
    if isinstance(error, TRANSIENT_ERRORS):
        return True
    return isinstance(error, exc.DBAPIError) and error.connection_invalidated


def describe(error: BaseException) -> str:
    """The failure for a log line: its classes, the driver's code and the caller.

    The error's own text is left out on purpose: it quotes the statement and
    its parameters, which hold digests, user ids and client details.
    """
    parts = [f"error={type(error).__name__}"]
    driver_error = getattr(error, "orig", None)
    if driver_error is not None:
        parts.append(
            f"driver_error={type(driver_error).__module__}."
            f"{type(driver_error).__name__}"
        )
        code = _driver_code(driver_error)
        if code is not None:
            parts.append(f"code={code}")
    if getattr(error, "connection_invalidated", False):
        parts.append("connection_lost=true")
    parts.append(f"at={_caller(error)}")
    return " ".join(parts)


def _driver_code(driver_error: BaseException) -> str | None:
    # psycopg gives a SQLSTATE, sqlite3 an error name, MySQL drivers a number.
    for name in ("sqlstate", "sqlite_errorname"):
        value = getattr(driver_error, name, None)
        if value:
            return str(value)
    args = driver_error.args
    if args and isinstance(args[0], int):
        return str(args[0])
    return None


def _caller(error: BaseException) -> str:
    """The last frame before the database libraries: the call that failed."""
    where = "unknown"
    for frame in traceback.extract_tb(error.__traceback__):
        path = PurePath(frame.filename).as_posix()
        if any(f"/{library}/" in path for library in _DATABASE_LIBRARIES):
            break
        where = f"{'/'.join(PurePath(frame.filename).parts[-2:])}:{frame.lineno}"
    return where


class ExtAppsRoutePredicate:
    """``extapps_route=True``: the request matched one of the plugin's routes."""

    def __init__(self, value: bool, config: Configurator) -> None:
        self.value = bool(value)

    def text(self) -> str:
        return f"extapps_route = {self.value}"

    phash = text

    def __call__(self, context: object, request: Request) -> bool:
        route = request.matched_route
        ours = route is not None and route.name.startswith(ROUTE_PREFIX)
        return ours == self.value


def database_failure(error: Exception, request: Request) -> Response:
    """Answer a database failure on one of the plugin's routes."""
    transient = is_transient(error)
    route = request.matched_route.name
    log.error(
        "database_%s route=%s %s",
        "unavailable" if transient else "failed",
        route,
        describe(error),
    )
    if route in JSON_ROUTES:
        response = _oauth_answer(request, transient)
    else:
        response = _page_answer(request, transient)
    if transient:
        response.headers["Retry-After"] = str(RETRY_AFTER)
    request.add_response_callback(drop_cookies)
    return response


def drop_cookies(request: Request, response: Response) -> None:
    """A failed request sets no cookie: the browser keeps the session it had.

    Before the database failed, the request may have changed its session: a
    pending consent taken out of it, a message queued saying the change was
    made. None of that happened, and the same form sent again must find the
    session as it was. Added as a response callback from an exception view,
    this runs after the session has written its cookie.
    """
    if "Set-Cookie" in response.headers:
        del response.headers["Set-Cookie"]


def _oauth_answer(request: Request, transient: bool) -> Response:
    error: errors.OAuth2Error
    if transient:
        error = errors.TemporarilyUnavailableError(
            description="The service is busy or restarting; try again shortly.",
            status_code=503,
        )
    else:
        error = errors.ServerError(
            description="The service could not complete the request.",
            status_code=500,
        )
    return error_response(request, error)


_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="referrer" content="no-referrer">
  <title>{title} · CRM</title>
  <link rel="stylesheet" href="{stylesheet}">
</head>
<body>
  <main class="extapps">
    <h1>{title}</h1>
    <p>{message}</p>
  </main>
</body>
</html>
"""


def _page_answer(request: Request, transient: bool) -> Response:
    # Drawn without the layout or any renderer: both may need the database
    # (the signed-in user, the menus) that has just failed.
    if transient:
        status, title = 503, "Temporarily unavailable"
        message = (
            "The CRM is busy or restarting. Nothing was changed; "
            "please try again in a moment."
        )
    else:
        status, title = 500, "Something went wrong"
        message = "The CRM could not complete this request. Nothing was changed."
    body = _PAGE.format(
        title=html.escape(title),
        message=html.escape(message),
        stylesheet=html.escape(request.static_url("vte_extapps:static/extapps.css")),
    )
    response = Response(
        text=body, status=status, content_type="text/html", charset="utf-8"
    )
    response.headers.update(PAGE_HEADERS)
    response.headers["Cache-Control"] = "no-store"
    return response


def includeme(config: Configurator) -> None:
    # Which requests are the plugin's to answer.
    config.add_view_predicate("extapps_route", ExtAppsRoutePredicate)

    # Database failures on those routes, in each surface's own format.
    for context in DATABASE_ERRORS:
        config.add_exception_view(database_failure, context=context, extapps_route=True)
