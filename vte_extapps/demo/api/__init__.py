"""The CRM's REST web services: ``POST /restapi/v1/vtews/<method>``."""

from __future__ import annotations

from pyramid.config import Configurator
from pyramid.exceptions import BadCSRFToken

from vte_extapps.faults import DATABASE_ERRORS

from ..security import API_ROUTE
from . import views
from .operations import OPERATIONS
from .wire import ApiError


def includeme(config: Configurator) -> None:
    config.add_route(API_ROUTE, "/restapi/v1/vtews/{method}")

    # One view per method; anything else gets a 405 in wire format.
    for name, operation in OPERATIONS.items():
        config.add_view(
            views.OperationView(operation),
            route_name=API_ROUTE,
            match_param=f"method={name}",
            request_method="POST",
        )
    config.add_view(views.unknown_operation, route_name=API_ROUTE)

    # Errors in wire format, the unexpected ones included.
    config.add_exception_view(views.refused, context=ApiError, route_name=API_ROUTE)
    config.add_exception_view(
        views.bad_csrf_token, context=BadCSRFToken, route_name=API_ROUTE
    )
    # The database failing mid-call: 503 and Retry-After when it may pass.
    for context in DATABASE_ERRORS:
        config.add_exception_view(
            views.database_failed, context=context, route_name=API_ROUTE
        )
    config.add_exception_view(views.failed, context=Exception, route_name=API_ROUTE)
