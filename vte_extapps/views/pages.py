"""What every plugin page shares: who may see it, and the headers it sends."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from pyramid.authorization import ALL_PERMISSIONS, DENY_ALL, Allow, Authenticated
from pyramid.config import Configurator
from pyramid.events import BeforeRender
from pyramid.request import Request
from pyramid.response import Response

ADMIN_PERMISSION = "vte_extapps.admin"
LINKED_PERMISSION = "vte_extapps.linked"

#: A8 and L1 of the security bar: no framing, no referrer, nothing from
#: other sites, no inline script, forms posted back to the CRM only. Images
#: may be data: URLs for the logo preview of the add and edit pages.
PAGE_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "frame-ancestors 'none'; default-src 'self'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'self'"
    ),
}
#: The plugin's own templates, which are drawn inside the configured layout.
TEMPLATES = "vte_extapps:templates/"

View = Callable[[Any, Request], Any]


class AdminContext:
    """Settings > External Applications: the host's administrators only."""

    def __init__(self, request: Request) -> None:
        principal = request.registry["vte_extapps.settings"].admin_principal
        self.__acl__ = [(Allow, principal, ALL_PERMISSIONS), DENY_ALL]


class LinkedContext:
    """Preferences > Linked Applications: any signed-in user, for themselves."""

    __acl__ = [(Allow, Authenticated, LINKED_PERMISSION), DENY_ALL]

    def __init__(self, request: Request) -> None:
        self.request = request


def secure_page(view: View) -> View:
    """Add the page headers to whatever response the view gives."""

    def wrapped(context: Any, request: Request) -> Any:
        request.add_response_callback(_add_page_headers)
        return view(context, request)

    return wrapped


def _add_page_headers(request: Request, response: Response) -> None:
    for name, value in PAGE_HEADERS.items():
        response.headers.setdefault(name, value)


def no_store(request: Request) -> None:
    """Keep a page showing a secret out of every cache."""

    def callback(request: Request, response: Response) -> None:
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"

    request.add_response_callback(callback)


def when(value: datetime.datetime | None) -> str:
    """A UTC instant as pages show it."""
    if value is None:
        return "never"
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")


def duration(seconds: int | None) -> str:
    """A lifetime in seconds in words, such as "1 hour" or "14 days"."""
    if not seconds:
        return "default"
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"


def page(**values: Any) -> dict[str, Any]:
    """A template's values, with the formatting helpers every page uses."""
    return {"when": when, "duration": duration, **values}


def add_layout(event: BeforeRender) -> None:
    """Tell the plugin's templates which layout to extend."""
    if not str(event.get("renderer_name", "")).startswith(TEMPLATES):
        return
    request = event.get("request")
    if request is not None:
        event.setdefault(
            "extapps_layout", request.registry["vte_extapps.settings"].layout
        )


def includeme(config: Configurator) -> None:
    # The pages extend the host's layout when it names one in the settings.
    config.add_subscriber(add_layout, BeforeRender)
