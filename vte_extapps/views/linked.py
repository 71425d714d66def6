"""Preferences > Linked Applications: every user sees and ends their grants.

A user only ever finds their own grants: another user's grant id is a 404,
exactly like an id that does not exist.
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.request import Request

from ..models import Grant
from ..services import grants, linked, logos
from .pages import LINKED_PERMISSION, LinkedContext, page, secure_page

TEMPLATES = "vte_extapps:templates/linked/"


def _user_id(request: Request) -> str:
    return str(request.authenticated_userid)


def _own_grant(request: Request) -> Grant:
    try:
        grant_id = int(request.matchdict["grant_id"])
    except ValueError:
        raise HTTPNotFound() from None
    grant = linked.find_user_grant(request, _user_id(request), grant_id)
    if grant is None:
        raise HTTPNotFound()
    return grant


def list_view(request: Request) -> dict[str, Any]:
    items = linked.linked_applications(request, _user_id(request))
    return page(
        items=items,
        logo_urls=logos.logo_urls(request, [item.application for item in items]),
    )


def revoke(request: Request) -> Any:
    grant = _own_grant(request)
    if request.method == "GET":
        return page(
            grant=grant,
            application=grant.application,
            logo_url=logos.logo_url(request, grant.application),
        )
    name = grant.application.title
    grants.revoke_grant(request, grant)
    request.session.flash(
        f"{name} can no longer use your account; its access was revoked.", "success"
    )
    return HTTPSeeOther(request.route_url("vte_extapps.linked"))


def includeme(config: Configurator) -> None:
    # Any signed-in user, in a context that admits only authenticated ones;
    # revoking needs the CSRF token whatever the host's default.
    base = "/preferences/linked-applications"
    config.add_route("vte_extapps.linked", base, factory=LinkedContext)
    config.add_view(
        list_view,
        route_name="vte_extapps.linked",
        request_method="GET",
        permission=LINKED_PERMISSION,
        renderer=TEMPLATES + "index.jinja2",
        decorator=secure_page,
    )
    config.add_route(
        "vte_extapps.linked.revoke", base + "/{grant_id}/revoke", factory=LinkedContext
    )
    config.add_view(
        revoke,
        route_name="vte_extapps.linked.revoke",
        request_method=("GET", "POST"),
        permission=LINKED_PERMISSION,
        renderer=TEMPLATES + "revoke.jinja2",
        decorator=secure_page,
        require_csrf=True,
    )
