"""The page shown when the database fails while a CRM page is being answered."""

from __future__ import annotations

import html
import logging

from pyramid.request import Request
from pyramid.response import Response
from pyramid.view import exception_view_config
from sqlalchemy import exc

from vte_extapps import faults

log = logging.getLogger(__name__)

_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title} · Demo CRM</title>
  <link rel="stylesheet" href="{stylesheet}">
</head>
<body>
  <main class="page">
    <section class="card narrow">
      <h1>{title}</h1>
      <p>{message}</p>
    </section>
  </main>
</body>
</html>
"""


@exception_view_config(context=exc.DBAPIError)
@exception_view_config(context=exc.TimeoutError)
@exception_view_config(context=exc.DisconnectionError)
def database_failed(error: Exception, request: Request) -> Response:
    # The layout shows who is signed in and the menus, which need the database
    # that has just failed; this page is drawn without it.
    transient = faults.is_transient(error)
    route = request.matched_route.name if request.matched_route else None
    log.error("page found no database: route=%s %s", route, faults.describe(error))
    if transient:
        status, title = 503, "Temporarily unavailable"
        message = "The CRM is busy or restarting. Nothing was changed; try again soon."
    else:
        status, title = 500, "Something went wrong"
        message = "The CRM could not complete this request. Nothing was changed."
    body = _PAGE.format(
        title=html.escape(title),
        message=html.escape(message),
        stylesheet=html.escape(request.static_path("vte_extapps.demo:static/crm.css")),
    )
    response = Response(
        text=body, status=status, content_type="text/html", charset="utf-8"
    )
    response.cache_control = "no-store"
    if transient:
        response.headers["Retry-After"] = str(faults.RETRY_AFTER)
    # Nothing was done: the session, signed-in user included, stays as it was.
    request.add_response_callback(faults.drop_cookies)
    return response
