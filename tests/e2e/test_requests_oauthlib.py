"""The same server through a second, unrelated client: requests-oauthlib."""

from __future__ import annotations

from typing import Any

import pytest
from oauthlib.oauth2 import BackendApplicationClient
from requests_oauthlib import OAuth2Session

from vte_extapps.models import ClientType

from .conftest import LiveCrm, Register, RegisterService
from .integrator import INVOICE_QUERY, QUERY_PATH, invoice_ids
from .person import Person

SCOPE = "invoice:read"
WEB_REDIRECT = "https://portal.example.org/oauth/callback"


@pytest.fixture(autouse=True)
def plain_http_on_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    # oauthlib refuses http:// URLs unless told that the transport is safe;
    # here it is the loopback interface.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


def test_a_backend_application_client_gets_a_token_for_the_run_as_user(
    crm: LiveCrm, metadata: dict[str, Any], register_service: RegisterService
) -> None:
    service = register_service()
    backend = BackendApplicationClient(client_id=service.client_id)

    with OAuth2Session(client=backend) as session:
        token = session.fetch_token(
            metadata["token_endpoint"],
            client_id=service.client_id,
            client_secret=service.client_secret,
            scope=[SCOPE],
        )
        answer = session.post(crm.base_url + QUERY_PATH, json=INVOICE_QUERY)

    assert "refresh_token" not in token
    assert invoice_ids(answer) == crm.invoice_ids_of("alice")


def test_a_web_application_client_uses_a_code_with_pkce_and_refreshes(
    crm: LiveCrm, metadata: dict[str, Any], register: Register, bob: Person
) -> None:
    web = register(ClientType.WEB, redirect_uris=[WEB_REDIRECT], offline_access=True)
    assert web.client_secret is not None
    credentials = (web.client_id, web.client_secret)

    with OAuth2Session(
        web.client_id, redirect_uri=WEB_REDIRECT, scope=[SCOPE], pkce="S256"
    ) as session:
        url, _state = session.authorization_url(metadata["authorization_endpoint"])
        location = bob.approve(url)
        first = session.fetch_token(
            metadata["token_endpoint"],
            authorization_response=location,
            client_secret=web.client_secret,
        )
        read = session.post(crm.base_url + QUERY_PATH, json=INVOICE_QUERY)
        second = session.refresh_token(metadata["token_endpoint"], auth=credentials)
        read_again = session.post(crm.base_url + QUERY_PATH, json=INVOICE_QUERY)

    assert invoice_ids(read) == crm.invoice_ids_of("bob")
    assert second["refresh_token"] != first["refresh_token"]
    assert invoice_ids(read_again) == crm.invoice_ids_of("bob")
