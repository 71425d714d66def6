"""The origin check on the plugin's own forms (RFC 9700 4.11, CSRF).

Pages send ``Referrer-Policy: no-referrer``, so a browser posting one of our
forms sends ``Origin: null`` and Pyramid's Referer-based origin check cannot
tell our pages from another site's. Browsers also send ``Sec-Fetch-Site``,
which names the relation whatever the referrer policy; that decides, and an
``Origin`` that is present and real must be the CRM's own. The CSRF token is
still required on top, by Pyramid.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pyramid.config import Configurator
from pyramid.exceptions import BadCSRFOrigin
from pyramid.httpexceptions import HTTPBadRequest
from pyramid.request import Request
from pyramid.response import Response

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

# Endpoints that machines call with their own credentials, never a cookie.
MACHINE_ROUTES = frozenset(
    {"vte_extapps.token", "vte_extapps.revoke", "vte_extapps.introspect"}
)


def is_same_origin(request: Request) -> bool:
    """Whether an unsafe request comes from the CRM's own pages."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None and fetch_site not in {"same-origin", "none"}:
        return False
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return True
    return origin == request.host_url


def origin_checked_view(view: Callable[..., Response], info: Any) -> Any:
    """A view deriver: refuse cross-site unsafe requests to the plugin's pages."""
    if info.exception_only:
        return view

    def checked(context: Any, request: Request) -> Response:
        if request.method not in SAFE_METHODS:
            route = request.matched_route
            if (
                route is not None
                and route.name.startswith("vte_extapps.")
                and route.name not in MACHINE_ROUTES
                and not is_same_origin(request)
            ):
                raise BadCSRFOrigin("this form must be sent from the CRM's own pages")
        return view(context, request)

    return checked


def readable_form_view(view: Callable[..., Response], info: Any) -> Any:
    """A view deriver: a form body that cannot be parsed is the sender's mistake.

    WebOb raises ``ValueError`` for a multipart body without a usable
    boundary; Pyramid's CSRF check reads the body first, so without this the
    plugin's pages would answer 500. The OAuth endpoints answer such bodies
    in JSON themselves.
    """
    if info.exception_only:
        return view

    def checked(context: Any, request: Request) -> Response:
        route = request.matched_route
        if (
            request.method not in SAFE_METHODS
            and route is not None
            and route.name.startswith("vte_extapps.")
            and route.name not in MACHINE_ROUTES
        ):
            try:
                request.POST  # noqa: B018 - parsed here to catch what cannot be
            except ValueError:
                raise HTTPBadRequest("the form could not be read") from None
        return view(context, request)

    return checked


def includeme(config: Configurator) -> None:
    config.add_view_deriver(origin_checked_view, "vte_extapps_origin")

    # Before Pyramid's CSRF check, which reads the body.
    config.add_view_deriver(
        readable_form_view,
        "vte_extapps_readable_form",
        under="secured_view",
        over="csrf_view",
    )
