"""Small helpers the functional tests share."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import webtest
from sqlalchemy import select
from sqlalchemy.orm import Session

from vte_extapps.models import Application, ClientType, ServerConfiguration
from vte_extapps.services.applications import (
    ApplicationForm,
    IssuedCredentials,
    create_application,
)
from vte_extapps.services.tokens import issue_access_token

CSRF_FIELD = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
)


def csrf_token_of(page: webtest.TestResponse) -> str:
    """The CSRF token embedded in a page's form."""
    found = CSRF_FIELD.search(page.text)
    assert found, "the page has no csrf_token field"
    return found.group(1) or found.group(2)


def login(testapp: webtest.TestApp, username: str, password: str | None = None) -> None:
    """Log in through the demo's real login form."""
    page = testapp.get("/login")
    response = testapp.post(
        "/login",
        {
            "username": username,
            "password": username if password is None else password,
            "csrf_token": csrf_token_of(page),
        },
    )
    assert response.status_int == 303, response.status


def user_id_of(dbsession: Session, username: str) -> str:
    """The demo user's id, as the plugin stores it."""
    from vte_extapps.demo.models import User

    user = dbsession.scalars(select(User).where(User.username == username)).one()
    return str(user.id)


def service_account(
    extapps_request: Any,
    run_as: str,
    scopes: Sequence[str] = ("invoice:read",),
    **fields: Any,
) -> IssuedCredentials:
    """Register a service account acting as the demo user ``run_as``."""
    return create_application(
        extapps_request,
        ApplicationForm(
            name=fields.pop("name", f"ERP as {run_as}"),
            client_type=ClientType.SERVICE,
            run_as_user_id=user_id_of(extapps_request.dbsession, run_as),
            scopes=list(scopes),
            **fields,
        ),
    )


def access_token_for(
    dbsession: Session,
    application: Application,
    scopes: Sequence[str] | None = None,
    user_id: str | None = None,
    lifetime: int = 3600,
) -> str:
    """An access token issued straight from the service layer."""
    issued = issue_access_token(
        dbsession,
        application_id=application.id,
        user_id=user_id or application.run_as_user_id,
        scopes=list(application.scopes if scopes is None else scopes),
        grant_type="client_credentials",
        lifetime=lifetime,
    )
    return issued.value


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def save_configuration(dbsession: Session, **changes: Any) -> None:
    """Save the general configuration as the admin page would, with ``changes``
    to the demo's defaults (server on, one-hour tokens, 60 s codes, RS256)."""
    values: dict[str, Any] = {
        "server_enabled": True,
        "access_token_lifetime": 3600,
        "refresh_token_idle_lifetime": 3600,
        "refresh_token_absolute_lifetime": 7200,
        "authorization_code_lifetime": 60,
        "jwt_algorithms": ["RS256"],
    }
    dbsession.add(ServerConfiguration(**(values | changes)))
    dbsession.flush()
