"""Settings > External Applications: register, configure and audit applications.

Every view here needs the admin permission, which only the host's
administrators hold (see ``AdminContext``). The logic lives in the service
layer; the views read the request, call it, and pick what to show. They are
grouped by concern: the list and its row tools, the add and edit forms, and
credentials.
"""

from __future__ import annotations

from pyramid.config import Configurator
from pyramid.request import Request
from pyramid.security import NO_PERMISSION_REQUIRED

from ..pages import ADMIN_PERMISSION, AdminContext, secure_page
from . import applications, credentials, forms
from .common import TEMPLATES


def _template(name: str) -> str:
    return f"{TEMPLATES}{name}.jinja2"


ROUTES = (
    # (route name, pattern, view, renderer, request methods)
    ("vte_extapps.admin", "", applications.list_view, _template("index"), ("GET",)),
    ("vte_extapps.admin.configuration", "/configuration",
     applications.save_configuration, _template("index"), ("POST",)),
    ("vte_extapps.admin.new", "/new", forms.new_application, _template("new"),
     ("GET", "POST")),
    ("vte_extapps.admin.users", "/users", forms.find_users, "json", ("GET",)),
    ("vte_extapps.admin.edit", "/{client_id}/edit", forms.edit_application,
     _template("edit"), ("GET", "POST")),
    ("vte_extapps.admin.status", "/{client_id}/status", applications.change_status,
     None, ("POST",)),
    ("vte_extapps.admin.revoke", "/{client_id}/revoke-tokens",
     applications.revoke_tokens, _template("revoke"), ("GET", "POST")),
    ("vte_extapps.admin.tokens", "/{client_id}/tokens", applications.tokens,
     _template("tokens"), ("GET",)),
    ("vte_extapps.admin.credentials", "/{client_id}/credentials",
     credentials.credentials, _template("credentials"), ("GET",)),
    ("vte_extapps.admin.rotate", "/{client_id}/credentials/rotate-secret",
     credentials.new_secret, None, ("POST",)),
    ("vte_extapps.admin.revoke_secret", "/{client_id}/credentials/secrets/revoke",
     credentials.end_secret, None, ("POST",)),
    ("vte_extapps.admin.add_key", "/{client_id}/credentials/keys",
     credentials.new_key, _template("credentials"), ("POST",)),
    ("vte_extapps.admin.remove_key", "/{client_id}/credentials/keys/remove",
     credentials.forget_key, None, ("POST",)),
    ("vte_extapps.admin.audit", "/{client_id}/audit", applications.audit_log,
     _template("audit"), ("GET",)),
    ("vte_extapps.admin.delete", "/{client_id}/delete", applications.delete,
     _template("delete"), ("GET", "POST")),
)  # fmt: skip


def may_administer(request: Request) -> bool:
    """Whether the signed-in user may open Settings > External Applications."""
    return bool(request.has_permission(ADMIN_PERMISSION, AdminContext(request)))


def includeme(config: Configurator) -> None:
    # The layout links to the admin pages only for those who may open them.
    config.add_request_method(may_administer, "extapps_may_administer", reify=True)

    # Every admin page sits under one URL, in a context that lets only the
    # host's administrators in; state changes need the CSRF token whatever
    # the host's default.
    base = "/settings/external-applications"
    for name, pattern, view, renderer, methods in ROUTES:
        config.add_route(name, base + pattern, factory=AdminContext)
        config.add_view(
            view,
            route_name=name,
            request_method=methods,
            permission=ADMIN_PERMISSION,
            renderer=renderer,
            decorator=secure_page,
            require_csrf=True,
        )

    # Logos appear on the consent screen and Linked Applications too, so
    # anyone may fetch one; the digest in the URL makes it cacheable.
    config.add_route(
        "vte_extapps.logo", "/external-applications/logo/{client_id}/{digest}"
    )
    config.add_view(
        credentials.logo,
        route_name="vte_extapps.logo",
        request_method="GET",
        permission=NO_PERMISSION_REQUIRED,
    )
