"""Applications of every kind, registered through the service layer."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from vte_extapps.models import AuthMethod, ClientType
from vte_extapps.services.applications import ApplicationForm, create_application

from .flows import Client, user_id_of

WEB_REDIRECT = "https://app.example.org/callback"
MOBILE_REDIRECT = "com.example.app:/callback"


def register(extapps_request: Any, **fields: Any) -> Client:
    fields.setdefault("name", "Test application")
    fields.setdefault("scopes", ["invoice:read", "profile"])
    issued = create_application(extapps_request, ApplicationForm(**fields))
    return Client(
        issued.application.client_id,
        issued.client_secret,
        issued.key_pair.private_key if issued.key_pair else None,
        issued.application,
    )


@pytest.fixture
def service(extapps_request: Any, dbsession: Session) -> Client:
    """A service account with a secret key, acting as alice."""
    return register(
        extapps_request,
        name="Nightly sync",
        client_type=ClientType.SERVICE,
        run_as_user_id=user_id_of(dbsession, "alice"),
    )


@pytest.fixture
def web(extapps_request: Any) -> Client:
    """A web application with a secret key and offline access."""
    return register(
        extapps_request,
        name="Invoice portal",
        client_type=ClientType.WEB,
        redirect_uris=[WEB_REDIRECT],
        offline_access=True,
        scopes=["invoice:read", "leads:write", "profile"],
    )


@pytest.fixture
def other_web(extapps_request: Any) -> Client:
    """A second web application, to try stealing the first one's credentials."""
    return register(
        extapps_request,
        name="Other portal",
        client_type=ClientType.WEB,
        redirect_uris=[WEB_REDIRECT],
        offline_access=True,
    )


@pytest.fixture
def mobile(extapps_request: Any) -> Client:
    """A public mobile app, with offline access."""
    return register(
        extapps_request,
        name="Pocket CRM",
        client_type=ClientType.MOBILE,
        redirect_uris=[MOBILE_REDIRECT],
        offline_access=True,
    )


@pytest.fixture
def jwt_service(extapps_request: Any, dbsession: Session) -> Client:
    """A service account that signs its assertions with a generated RS256 key."""
    return register(
        extapps_request,
        name="Signed sync",
        client_type=ClientType.SERVICE,
        auth_method=AuthMethod.JWT,
        run_as_user_id=user_id_of(dbsession, "alice"),
    )
