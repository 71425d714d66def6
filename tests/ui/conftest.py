"""What the page tests share: signed-in browsers, applications, tokens, grants."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any

import pytest
import webtest
from sqlalchemy.orm import Session

from tests.helpers import login
from vte_extapps.directives import user_directory
from vte_extapps.models import AccessToken, Application, ClientType, Grant, utcnow
from vte_extapps.services.applications import (
    ApplicationForm,
    AuthMethod,
    IssuedCredentials,
    create_application,
)
from vte_extapps.services.tokens import issue_access_token


@pytest.fixture
def admin(testapp: webtest.TestApp) -> webtest.TestApp:
    """The demo in a browser where the administrator is signed in."""
    login(testapp, "admin")
    return testapp


@pytest.fixture
def user_id(extapps_request: Any) -> Callable[[str], str]:
    """The directory id of a demo user, by login name."""

    def find(username: str) -> str:
        directory = user_directory(extapps_request.registry)
        found = directory.search(extapps_request, username)
        assert len(found) == 1, f"expected one demo user {username}, got {found}"
        return found[0].id

    return find


@pytest.fixture
def make_application(
    extapps_request: Any, user_id: Callable[[str], str]
) -> Callable[..., IssuedCredentials]:
    """Register an application through the service layer."""

    def make(
        name: str = "Invoice Sync",
        client_type: ClientType = ClientType.SERVICE,
        auth_method: AuthMethod = AuthMethod.SECRET,
        **fields: Any,
    ) -> IssuedCredentials:
        if client_type is ClientType.SERVICE:
            fields.setdefault("run_as_user_id", user_id("alice"))
        else:
            fields.setdefault("redirect_uris", ["https://app.example.com/callback"])
        fields.setdefault("scopes", ["invoice:read"])
        form = ApplicationForm(
            name=name, client_type=client_type, auth_method=auth_method, **fields
        )
        return create_application(extapps_request, form)

    return make


@pytest.fixture
def make_token(dbsession: Session) -> Callable[..., AccessToken]:
    """An access token row: active, or expired, or revoked."""

    def make(
        application: Application,
        user: str | None = None,
        *,
        scopes: Sequence[str] = ("invoice:read",),
        expired: bool = False,
        revoked: bool = False,
        grant_id: int | None = None,
    ) -> AccessToken:
        issued = issue_access_token(
            dbsession,
            application_id=application.id,
            user_id=user,
            scopes=scopes,
            grant_type="client_credentials",
            lifetime=3600,
            grant_id=grant_id,
        )
        token = dbsession.get(AccessToken, issued.id)
        assert token is not None
        if expired:
            token.issued_at = utcnow() - datetime.timedelta(hours=2)
            token.expires_at = utcnow() - datetime.timedelta(hours=1)
        if revoked:
            token.revoked_at = utcnow()
        dbsession.flush()
        return token

    return make


@pytest.fixture
def make_grant(dbsession: Session) -> Callable[..., Grant]:
    """A user's consent to an application, as the authorize endpoint leaves it."""

    def make(
        application: Application,
        user: str,
        scopes: Sequence[str] = ("invoice:read",),
        offline_access: bool = False,
    ) -> Grant:
        grant = Grant(
            application_id=application.id,
            user_id=user,
            scopes=list(scopes),
            offline_access=offline_access,
        )
        dbsession.add(grant)
        dbsession.flush()
        return grant

    return make
