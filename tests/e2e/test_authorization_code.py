"""Applications act for a signed-in user: code with PKCE, refresh, revocation."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pytest
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

from vte_extapps.models import AuthMethod, ClientType

from .conftest import LiveCrm, Register, Registered
from .integrator import (
    INVOICE_QUERY,
    QUERY_PATH,
    invoice_ids,
    is_refused_token,
    oauth_client,
    query_invoices,
    refusal,
    signed_assertion_method,
)
from .person import Person

SCOPE = "invoice:read"
# Neither host exists: the code is read from the redirect, never fetched.
WEB_REDIRECT = "https://portal.example.org/oauth/callback"
MOBILE_REDIRECT = "com.example.pocketcrm:/oauth/callback"

ClientFor = Callable[[Registered], OAuth2Session]


@pytest.fixture(params=["client_secret_basic", "client_secret_post", "jwt"])
def web_application(
    request: pytest.FixtureRequest, metadata: dict[str, Any], register: Register
) -> tuple[Registered, ClientFor]:
    """A web application with offline access, and how it builds its client."""
    jwt_signed = request.param == "jwt"
    registered = register(
        ClientType.WEB,
        auth_method=AuthMethod.JWT if jwt_signed else AuthMethod.SECRET,
        redirect_uris=[WEB_REDIRECT],
        offline_access=True,
    )

    def client_for(application: Registered) -> OAuth2Session:
        method = "private_key_jwt" if jwt_signed else request.param
        client = oauth_client(
            application.client_id,
            client_secret=application.client_secret,
            token_endpoint_auth_method=method,
            revocation_endpoint_auth_method=method,
            scope=SCOPE,
            redirect_uri=WEB_REDIRECT,
            code_challenge_method="S256",
        )
        if jwt_signed:
            assert application.private_key is not None
            client.register_client_auth_method(
                signed_assertion_method(
                    application.private_key, "RS256", metadata["issuer"]
                )
            )
        return client

    return registered, client_for


@pytest.fixture
def mobile_application(register: Register) -> Registered:
    """A public mobile app: no secret, no key, offline access."""
    return register(
        ClientType.MOBILE, redirect_uris=[MOBILE_REDIRECT], offline_access=True
    )


def mobile_client(application: Registered) -> OAuth2Session:
    return oauth_client(
        application.client_id,
        token_endpoint_auth_method="none",
        revocation_endpoint_auth_method="none",
        scope=SCOPE,
        redirect_uri=MOBILE_REDIRECT,
        code_challenge_method="S256",
    )


def authorize(
    client: OAuth2Session, metadata: dict[str, Any], person: Person
) -> dict[str, Any]:
    """The person approves the client on the consent screen; the token response."""
    verifier = generate_token(64)
    url, state = client.create_authorization_url(
        metadata["authorization_endpoint"], code_verifier=verifier
    )
    location = person.approve(url)
    assert location.startswith(f"{client.redirect_uri}?")

    # Authlib checks the state in the redirect against the one it sent.
    token: dict[str, Any] = client.fetch_token(
        metadata["token_endpoint"],
        authorization_response=location,
        state=state,
        code_verifier=verifier,
    )
    return token


def bobs_invoices_through(crm: LiveCrm, client: OAuth2Session) -> set[str]:
    """The query from the product page, with the library adding the bearer token."""
    return invoice_ids(client.post(crm.base_url + QUERY_PATH, json=INVOICE_QUERY))


def reads_refreshes_and_is_revoked(
    crm: LiveCrm, metadata: dict[str, Any], client: OAuth2Session, person: Person
) -> None:
    """The whole life of a linked application, as its client library sees it."""
    first = authorize(client, metadata, person)
    assert first["token_type"].lower() == "bearer"
    assert first["scope"] == SCOPE
    assert first["refresh_token"]
    assert bobs_invoices_through(crm, client) == crm.invoice_ids_of("bob")

    # Every refresh rotates both tokens, and the new ones work.
    second = client.refresh_token(metadata["token_endpoint"])
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert bobs_invoices_through(crm, client) == crm.invoice_ids_of("bob")

    # Signing out: RFC 7009 revocation of the refresh token ends its access
    # tokens too, and neither refresh token works any more.
    revoked = client.revoke_token(
        metadata["revocation_endpoint"],
        token=second["refresh_token"],
        token_type_hint="refresh_token",
    )
    assert revoked.status_code == 200, revoked.text
    assert is_refused_token(query_invoices(crm.base_url, second["access_token"]))
    for refresh_token in (second["refresh_token"], first["refresh_token"]):
        refresh = functools.partial(
            client.refresh_token,
            metadata["token_endpoint"],
            refresh_token=refresh_token,
        )
        assert refusal(refresh) == "invalid_grant"


def test_a_web_application_reads_the_users_invoices_refreshes_and_is_revoked(
    crm: LiveCrm,
    metadata: dict[str, Any],
    web_application: tuple[Registered, ClientFor],
    bob: Person,
) -> None:
    application, client_for = web_application

    with client_for(application) as client:
        reads_refreshes_and_is_revoked(crm, metadata, client, bob)


def test_a_mobile_app_without_credentials_reads_refreshes_and_is_revoked(
    crm: LiveCrm,
    metadata: dict[str, Any],
    mobile_application: Registered,
    bob: Person,
) -> None:
    with mobile_client(mobile_application) as client:
        reads_refreshes_and_is_revoked(crm, metadata, client, bob)


def test_a_replaced_refresh_token_used_again_ends_the_whole_grant(
    crm: LiveCrm,
    metadata: dict[str, Any],
    mobile_application: Registered,
    bob: Person,
) -> None:
    with mobile_client(mobile_application) as client:
        first = authorize(client, metadata, bob)
        second = client.refresh_token(metadata["token_endpoint"])

        # Someone replays the first refresh token, as a thief would.
        replay = functools.partial(
            client.refresh_token,
            metadata["token_endpoint"],
            refresh_token=first["refresh_token"],
        )
        assert refusal(replay) == "invalid_grant"

        # The grant is over: the tokens the rightful client holds stop too.
        assert is_refused_token(query_invoices(crm.base_url, second["access_token"]))
        refresh = functools.partial(
            client.refresh_token,
            metadata["token_endpoint"],
            refresh_token=second["refresh_token"],
        )
        assert refusal(refresh) == "invalid_grant"
