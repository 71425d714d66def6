"""Signing in and out of the CRM, and where anonymous visitors are sent."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from pyramid.httpexceptions import HTTPSeeOther
from pyramid.request import Request
from pyramid.response import Response
from pyramid.security import forget, remember
from pyramid.view import forbidden_view_config, view_config

from ..users import authenticate

LOGIN_TEMPLATE = "vte_extapps.demo:templates/login.jinja2"
# Longer passwords are refused unread: hashing them would only cost time.
MAX_PASSWORD_LENGTH = 1024


def safe_next(value: object) -> str | None:
    """``value`` if it is a path on this site, such as ``/records/Leads``.

    Anything that a browser could read as another site is refused: ``//host``,
    ``/\\host``, a scheme, and spaces or control characters, which browsers
    drop from URLs before reading them.
    """
    if not isinstance(value, str) or not value.startswith("/"):
        return None
    if value.startswith(("//", "/\\")) or "\\" in value:
        return None
    if any(ord(char) < 0x21 or ord(char) == 0x7F for char in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    return value


@view_config(route_name="login", request_method="GET", renderer=LOGIN_TEMPLATE)
def login_form(request: Request) -> dict[str, Any]:
    return {
        "username": "",
        "next": safe_next(request.params.get("next")) or "",
        "message": None,
    }


@view_config(route_name="login", request_method="POST", renderer=LOGIN_TEMPLATE)
def login(request: Request) -> Response | dict[str, Any]:
    username = request.POST.get("username", "").strip().lower()
    password = request.POST.get("password", "")
    next_path = safe_next(request.params.get("next"))

    user = None
    if username and 0 < len(password) <= MAX_PASSWORD_LENGTH:
        user = authenticate(request.dbsession, username, password)
    if user is None:
        request.response.status = 400
        return {
            "username": username,
            "next": next_path or "",
            "message": "The user name or the password is wrong.",
        }

    headers = remember(request, str(user.id))
    location = request.host_url + next_path if next_path else request.route_url("home")
    return HTTPSeeOther(location=location, headers=headers)


@view_config(route_name="logout", request_method="POST")
def logout(request: Request) -> Response:
    return HTTPSeeOther(location=request.route_url("login"), headers=forget(request))


@forbidden_view_config(renderer="vte_extapps.demo:templates/forbidden.jinja2")
def forbidden(request: Request) -> Response | dict[str, Any]:
    """Anonymous visitors sign in first; signed-in users are told no."""
    if request.authenticated_userid is None and request.method in {"GET", "HEAD"}:
        login_url = request.route_url("login", _query={"next": request.path_qs})
        return HTTPSeeOther(location=login_url)
    request.response.status = 403
    return {}
