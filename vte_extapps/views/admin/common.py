"""What the admin views share: finding the application, and the page that
shows new credentials once."""

from __future__ import annotations

from pyramid.httpexceptions import HTTPNotFound, HTTPSeeOther
from pyramid.renderers import render_to_response
from pyramid.request import Request
from pyramid.response import Response

from ...models import Application
from ...services import endpoints
from ...services.applications import IssuedCredentials, find_application
from ..pages import no_store, page

TEMPLATES = "vte_extapps:templates/admin/"


def application_of(request: Request) -> Application:
    """The application the URL names; an unknown client id is a 404."""
    application = find_application(request, request.matchdict["client_id"])
    if application is None:
        raise HTTPNotFound()
    return application


def back_to_list(request: Request) -> HTTPSeeOther:
    return HTTPSeeOther(request.route_url("vte_extapps.admin"))


def back_to_credentials(request: Request, application: Application) -> HTTPSeeOther:
    return HTTPSeeOther(
        request.route_url(
            "vte_extapps.admin.credentials", client_id=application.client_id
        )
    )


def credentials_once(
    request: Request, issued: IssuedCredentials, template: str, **values: object
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
            token_url=endpoints.token_url(request),
            token_command=endpoints.token_command(
                request, application, issued.client_secret
            ),
            query_command=endpoints.query_command(request),
            authorization_link=endpoints.authorization_link(request, application),
            **values,
        ),
        request=request,
    )
