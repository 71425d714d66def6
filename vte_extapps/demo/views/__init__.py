"""The CRM's pages: sign-in, the home page, module lists and records."""

from __future__ import annotations

from pyramid.config import Configurator
from pyramid.events import BeforeRender, NewResponse

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


def includeme(config: Configurator) -> None:
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
