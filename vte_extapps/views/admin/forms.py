"""The add wizard and the edit page, and the run-as user search they use."""

from __future__ import annotations

from typing import Any

from pyramid.request import Request

from ...models import Application
from ...services import logos, wizard
from ...services.applications import InvalidApplication
from ..pages import page
from .common import application_of, back_to_list, credentials_once

CHOOSE_A_TYPE = "Choose the kind of application to add."


def _form_page(request: Request, **values: Any) -> dict[str, Any]:
    """Step 2 of the wizard or the edit page, with what the form offers."""
    values.setdefault("errors", {})
    search = str(request.POST.get("run_as_search", "")).strip()
    run_as = wizard.run_as_choices(
        request, values["values"].get("run_as_user_id"), search
    )
    return page(
        scopes=wizard.scope_choices(request),
        users=run_as.users,
        user_label=wizard.user_label,
        run_as_search=search,
        users_found=run_as.summary,
        key_algorithms=wizard.key_algorithms(request),
        logo_limit=logos.readable_size(
            request.registry["vte_extapps.settings"].logo_max_bytes
        ),
        **values,
    )


def _finding_users(request: Request) -> bool:
    """Whether the form was posted by its Find button, to search, not save."""
    return request.method == "POST" and "find_run_as" in request.POST


def new_application(request: Request) -> Any:
    wanted = request.params.get("client_type")
    choice = wizard.client_type_choice(wanted)
    if choice is None:
        if wanted is not None:
            request.response.status_int = 400
        return page(
            client_types=wizard.CLIENT_TYPES,
            step=1,
            error=CHOOSE_A_TYPE if wanted is not None else None,
        )
    if request.method == "GET":
        return _form_page(
            request, step=2, choice=choice, values=wizard.form_values(None)
        )
    if _finding_users(request):
        values = wizard.posted_values(request.POST)
        return _form_page(request, step=2, choice=choice, values=values)
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
    return credentials_once(request, issued, "created.jinja2")


def _edit_page(
    request: Request, application: Application, values: dict[str, Any], **more: Any
) -> dict[str, Any]:
    return _form_page(
        request,
        application=application,
        choice=wizard.client_type_choice(application.client_type.value),
        values=values,
        logo_url=logos.logo_url(request, application),
        **more,
    )


def edit_application(request: Request) -> Any:
    application = application_of(request)
    if request.method == "GET":
        return _edit_page(request, application, wizard.form_values(application))
    if _finding_users(request):
        return _edit_page(request, application, wizard.posted_values(request.POST))
    try:
        issued = wizard.update_from_post(request, application, request.POST)
    except InvalidApplication as invalid:
        request.response.status_int = 400
        return _edit_page(
            request,
            application,
            wizard.posted_values(request.POST),
            errors=invalid.errors,
        )
    if issued.client_secret or issued.key_pair:
        request.session.flash(
            f"{application.name} was saved with new credentials.", "success"
        )
        return credentials_once(request, issued, "secret.jinja2", switched=True)
    request.session.flash(f"{application.name} was saved.", "success")
    return back_to_list(request)


def find_users(request: Request) -> dict[str, Any]:
    """Active CRM users matching ``q``, for the run-as picker's live search."""
    return {"users": wizard.user_search(request, str(request.GET.get("q", "")))}
