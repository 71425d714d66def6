"""Settings > External Applications: register, configure and audit applications.

Every view here needs the admin permission, which only the host's
administrators hold (see ``AdminContext``). The logic lives in the service
layer; these views read the request, call it, and pick what to show.
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.renderers import render_to_response
from pyramid.request import Request
from pyramid.response import Response
from pyramid.security import NO_PERMISSION_REQUIRED

from ..models import Application, AuthMethod
from ..services import endpoints, listing, logos, settings_form, wizard
from ..services.applications import (
    InvalidApplication,
    IssuedCredentials,
    delete_application,
    find_application,
    remove_key,
    revoke_all_tokens,
    rotate_secret,
    set_active,
)
from ..settings import SUPPORTED_JWT_ALGORITHMS
from .pages import ADMIN_PERMISSION, AdminContext, no_store, page, secure_page

TEMPLATES = "vte_extapps:templates/admin/"
#: Logos change URL when they change, so a year of caching is safe.
LOGO_MAX_AGE = 365 * 24 * 3600
LOGO_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


def _application(request: Request) -> Application:
    application = find_application(request, request.matchdict["client_id"])
    if application is None:
        raise HTTPNotFound()
    return application


def _back_to_list(request: Request) -> HTTPSeeOther:
    return HTTPSeeOther(request.route_url("vte_extapps.admin"))


def _list_page(
    request: Request,
    configuration: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The list, under the general configuration as saved or as just posted."""
    search = str(request.GET.get("q", ""))
    rows = listing.list_applications(request, search)
    applications = [row.application for row in rows]
    return page(
        rows=rows,
        search=search,
        logo_urls=logos.logo_urls(request, applications),
        names=wizard.user_names(request, [app.created_by for app in applications]),
        configuration=configuration or settings_form.current_values(request),
        algorithms=SUPPORTED_JWT_ALGORITHMS,
        errors=errors or {},
    )


def list_view(request: Request) -> dict[str, Any]:
    return _list_page(request)


def save_configuration(request: Request) -> Any:
    try:
        config = settings_form.parse_configuration(
            request.POST, request.POST.getall("jwt_algorithms")
        )
    except settings_form.InvalidConfiguration as invalid:
        request.response.status_int = 400
        values = dict(request.POST.items())
        values["server_enabled"] = request.POST.get("server_enabled") == "on"
        values["jwt_algorithms"] = request.POST.getall("jwt_algorithms")
        request.session.flash("The configuration was not saved.", "error")
        return _list_page(request, values, invalid.errors)
    settings_form.save_configuration(request, config)
    request.session.flash("The general configuration was saved.", "success")
    return _back_to_list(request)


def _form_page(request: Request, **values: Any) -> dict[str, Any]:
    values.setdefault("errors", {})
    return page(
        scopes=wizard.scope_choices(request),
        users=wizard.run_as_choices(request, values["values"].get("run_as_user_id")),
        key_algorithms=wizard.KEY_ALGORITHMS,
        **values,
    )


def new_application(request: Request) -> Any:
    choice = wizard.client_type_choice(request.params.get("client_type"))
    if choice is None:
        return page(client_types=wizard.CLIENT_TYPES, step=1)
    if request.method == "GET":
        return _form_page(
            request, step=2, choice=choice, values=wizard.form_values(None)
        )
    try:
        issued = wizard.create_from_post(request, request.POST, choice.value)
    except InvalidApplication as invalid:
        request.response.status_int = 400
        return _form_page(
            request,
            step=2,
            choice=choice,
            values=wizard.posted_values(request.POST),
            errors=invalid.errors,
        )
    request.session.flash(f"{issued.application.name} was added.", "success")
    return _credentials_once(request, issued, "created.jinja2")


def _credentials_once(
    request: Request, issued: IssuedCredentials, template: str
) -> Response:
    """The page that shows a secret or private key, in this response only."""
    no_store(request)
    application = issued.application
    return render_to_response(
        TEMPLATES + template,
        page(
            application=application,
            client_secret=issued.client_secret,
            key_pair=issued.key_pair,
            endpoints=endpoints.endpoints(request, application),
            token_command=endpoints.token_command(
                request, application, issued.client_secret
            ),
            query_command=endpoints.query_command(request),
            authorization_link=endpoints.authorization_link(request, application),
        ),
        request=request,
    )


def edit_application(request: Request) -> Any:
    application = _application(request)
    if request.method == "GET":
        return _form_page(
            request,
            application=application,
            choice=wizard.client_type_choice(application.client_type.value),
            values=wizard.form_values(application),
            logo_url=logos.logo_url(request, application),
        )
    try:
        wizard.update_from_post(request, application, request.POST)
    except InvalidApplication as invalid:
        request.response.status_int = 400
        return _form_page(
            request,
            application=application,
            choice=wizard.client_type_choice(application.client_type.value),
            values=wizard.posted_values(request.POST),
            errors=invalid.errors,
            logo_url=logos.logo_url(request, application),
        )
    request.session.flash(f"{application.name} was saved.", "success")
    return _back_to_list(request)


def change_status(request: Request) -> HTTPSeeOther:
    application = _application(request)
    active = request.POST.get("active") == "on"
    set_active(request, application, active)
    state = "activated" if active else "deactivated"
    request.session.flash(f"{application.name} was {state}.", "success")
    return _back_to_list(request)


def revoke_tokens(request: Request) -> Any:
    application = _application(request)
    if request.method == "GET":
        return page(application=application)
    count = revoke_all_tokens(request, application)
    noun = "token was" if count == 1 else "tokens were"
    request.session.flash(
        f"{count} active {noun} revoked for {application.name}.", "success"
    )
    return _back_to_list(request)


def tokens(request: Request) -> dict[str, Any]:
    application = _application(request)
    try:
        status = listing.TokenStatus(request.GET.get("status", "active"))
    except ValueError:
        raise HTTPNotFound() from None
    rows = listing.list_tokens(request, application, status)
    return page(
        application=application,
        status=status,
        statuses=list(listing.TokenStatus),
        tokens=rows,
        names=wizard.user_names(request, [row.user_id for row in rows]),
    )


def credentials(
    request: Request, errors: dict[str, str] | None = None
) -> dict[str, Any]:
    application = _application(request)
    return page(
        application=application,
        key_algorithms=wizard.KEY_ALGORITHMS,
        errors=errors or {},
    )


def new_secret(request: Request) -> Any:
    application = _application(request)
    try:
        secret = rotate_secret(request, application)
    except InvalidApplication:
        raise HTTPNotFound() from None
    request.session.flash("A new secret was issued.", "success")
    return _credentials_once(
        request, IssuedCredentials(application, client_secret=secret), "secret.jinja2"
    )


def new_key(request: Request) -> Any:
    application = _application(request)
    if application.auth_method is not AuthMethod.JWT:
        raise HTTPNotFound()
    try:
        pair = wizard.add_key_from_post(request, application, request.POST)
    except InvalidApplication as invalid:
        request.response.status_int = 400
        return credentials(request, invalid.errors)
    if pair is None:
        request.session.flash("The public key was added.", "success")
        return HTTPSeeOther(
            request.route_url(
                "vte_extapps.admin.credentials", client_id=application.client_id
            )
        )
    request.session.flash("A new key pair was generated.", "success")
    return _credentials_once(
        request, IssuedCredentials(application, key_pair=pair), "secret.jinja2"
    )


def forget_key(request: Request) -> HTTPSeeOther:
    application = _application(request)
    if remove_key(request, application, str(request.POST.get("kid", ""))):
        request.session.flash("The key was removed.", "success")
    else:
        request.session.flash("That key was already gone.", "error")
    return HTTPSeeOther(
        request.route_url(
            "vte_extapps.admin.credentials", client_id=application.client_id
        )
    )


def audit_log(request: Request) -> dict[str, Any]:
    application = _application(request)
    events = listing.audit_log(request, application)
    actors = [event.actor_user_id for event in events]
    subjects = [event.subject_user_id for event in events]
    return page(
        application=application,
        events=events,
        names=wizard.user_names(request, actors + subjects),
    )


def delete(request: Request) -> Any:
    application = _application(request)
    if request.method == "GET":
        return page(application=application)
    name = application.name
    delete_application(request, application)
    request.session.flash(f"{name} was deleted.", "success")
    return _back_to_list(request)


def logo(request: Request) -> Response:
    found = logos.find_logo(
        request, request.matchdict["client_id"], request.matchdict["digest"]
    )
    if found is None:
        raise HTTPNotFound()
    response = Response(body=found.data, content_type=found.content_type)
    response.headers["Content-Security-Policy"] = LOGO_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.etag = found.digest
    response.cache_control = f"public, max-age={LOGO_MAX_AGE}, immutable"
    # WebOb answers a matching If-None-Match with 304 Not Modified.
    response.conditional_response = True
    return response


ROUTES = (
    # (route name, pattern, view, renderer, request methods)
    ("vte_extapps.admin", "", list_view, "index", ("GET",)),
    ("vte_extapps.admin.configuration", "/configuration", save_configuration,
     "index", ("POST",)),
    ("vte_extapps.admin.new", "/new", new_application, "new", ("GET", "POST")),
    ("vte_extapps.admin.edit", "/{client_id}/edit", edit_application, "edit",
     ("GET", "POST")),
    ("vte_extapps.admin.status", "/{client_id}/status", change_status, None,
     ("POST",)),
    ("vte_extapps.admin.revoke", "/{client_id}/revoke-tokens", revoke_tokens,
     "revoke", ("GET", "POST")),
    ("vte_extapps.admin.tokens", "/{client_id}/tokens", tokens, "tokens", ("GET",)),
    ("vte_extapps.admin.credentials", "/{client_id}/credentials", credentials,
     "credentials", ("GET",)),
    ("vte_extapps.admin.rotate", "/{client_id}/credentials/rotate-secret",
     new_secret, None, ("POST",)),
    ("vte_extapps.admin.add_key", "/{client_id}/credentials/keys", new_key,
     "credentials", ("POST",)),
    ("vte_extapps.admin.remove_key", "/{client_id}/credentials/keys/remove",
     forget_key, None, ("POST",)),
    ("vte_extapps.admin.audit", "/{client_id}/audit", audit_log, "audit", ("GET",)),
    ("vte_extapps.admin.delete", "/{client_id}/delete", delete, "delete",
     ("GET", "POST")),
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
            renderer=f"{TEMPLATES}{renderer}.jinja2" if renderer else None,
            decorator=secure_page,
            require_csrf=True,
        )

    # Logos appear on the consent screen and Linked Applications too, so
    # anyone may fetch one; the digest in the URL makes it cacheable.
    config.add_route(
        "vte_extapps.logo", "/external-applications/logo/{client_id}/{digest}"
    )
    config.add_view(
        logo,
        route_name="vte_extapps.logo",
        request_method="GET",
        permission=NO_PERMISSION_REQUIRED,
    )
