"""The CRM's pages: sign-in, the home page, module lists and records."""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.events import BeforeRender, NewResponse
from pyramid.httpexceptions import HTTPBadRequest
from pyramid.request import Request
from pyramid.response import Response

from .. import resources
from ..modules import MODULES


def add_security_headers(event: NewResponse) -> None:
    """No page leaks its address, shows inside a frame, or runs others' code.

    Headers a view already set (a stricter or looser policy) are kept.
    """
    headers = event.response.headers
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault(
        "Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'"
    )


def add_module_menu(event: BeforeRender) -> None:
    """The modules the layout's menu links to: those the user may view."""
    request = event.get("request")
    if request is None or "crm_modules" in event:
        return
    event["crm_modules"] = [
        module
        for module in MODULES
        if request.has_permission(resources.VIEW, resources.ModuleContext(module))
    ]


#: The CRM's own pages that take forms.
PAGE_ROUTES = frozenset({"login", "logout", "home", "module", "record"})


def readable_form_view(view: Any, info: Any) -> Any:
    """A form body that cannot be parsed is a 400 on the CRM's pages.

    WebOb raises ``ValueError`` for a multipart body without a usable
    boundary, and the CSRF check reads the body before any view runs.
    """
    if info.exception_only:
        return view

    def checked(context: Any, request: Request) -> Response:
        route = request.matched_route
        # The web services and the plugin's routes answer in their own format.
        own_page = route is not None and route.name in PAGE_ROUTES
        if (
            own_page
            and request.method == "POST"
            and request.content_type.startswith("multipart/")
        ):
            try:
                request.POST  # noqa: B018 - parsed here to catch what cannot be
            except ValueError:
                raise HTTPBadRequest("the form could not be read") from None
        return view(context, request)

    return checked


def includeme(config: Configurator) -> None:
    # A broken form body is the sender's mistake, before the CSRF check.
    config.add_view_deriver(
        readable_form_view, "crm_readable_form", under="secured_view", over="csrf_view"
    )

    # Headers on every response, pages and web services alike.
    config.add_subscriber(add_security_headers, NewResponse)
    config.add_subscriber(add_module_menu, BeforeRender)

    # Styles, served from the package: the CRM works offline.
    config.add_static_view("static", "vte_extapps.demo:static", cache_max_age=3600)

    # Signing in and out.
    config.add_route("login", "/login")
    config.add_route("logout", "/logout")

    # Home, then each module and each record, as contexts with their ACLs.
    config.add_route("home", "/")
    config.add_route("module", "/records/{module}", factory=resources.module_factory)
    config.add_route(
        "record", "/records/{module}/{id}", factory=resources.record_factory
    )

    config.scan(".")
