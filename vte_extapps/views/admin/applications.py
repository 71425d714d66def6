"""The list of applications, the general configuration above it, and the
row tools that need no form of their own: status, revocation, tokens, the
audit log and deletion."""

from __future__ import annotations

from typing import Any

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.request import Request

from ...services import listing, logos, settings_form, wizard
from ...services.applications import delete_application, revoke_all_tokens, set_active
from ...settings import SUPPORTED_JWT_ALGORITHMS
from ..pages import page
from .common import application_of, back_to_list


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
    return back_to_list(request)


def change_status(request: Request) -> HTTPSeeOther:
    application = application_of(request)
    active = request.POST.get("active") == "on"
    revoked = set_active(request, application, active)
    if active:
        message = f"{application.name} was activated."
    else:
        noun = "token was" if revoked == 1 else "tokens were"
        message = (
            f"{application.name} was deactivated; {revoked} active {noun} revoked."
        )
    request.session.flash(message, "success")
    return back_to_list(request)


def revoke_tokens(request: Request) -> Any:
    application = application_of(request)
    if request.method == "GET":
        return page(application=application)
    count = revoke_all_tokens(request, application)
    noun = "token was" if count == 1 else "tokens were"
    request.session.flash(
        f"{count} active {noun} revoked for {application.name}.", "success"
    )
    return back_to_list(request)


def tokens(request: Request) -> dict[str, Any]:
    application = application_of(request)
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


def audit_log(request: Request) -> dict[str, Any]:
    application = application_of(request)
    events = listing.audit_log(request, application)
    actors = [event.actor_user_id for event in events]
    subjects = [event.subject_user_id for event in events]
    return page(
        application=application,
        events=events,
        names=wizard.user_names(request, actors + subjects),
    )


def delete(request: Request) -> Any:
    application = application_of(request)
    if request.method == "GET":
        return page(application=application)
    name = application.name
    delete_application(request, application)
    request.session.flash(f"{name} was deleted.", "success")
    return back_to_list(request)
