"""An integrator finds everything from the server's RFC 8414 metadata."""

from __future__ import annotations

from typing import Any

from .conftest import LiveCrm

ENDPOINTS = (
    "authorization_endpoint",
    "token_endpoint",
    "revocation_endpoint",
    "introspection_endpoint",
)


def test_the_metadata_names_this_server_as_issuer_and_hosts_every_endpoint(
    crm: LiveCrm, metadata: dict[str, Any]
) -> None:
    # With no issuer configured, the demo names the address it was reached at.
    assert metadata["issuer"] == crm.base_url
    for endpoint in ENDPOINTS:
        assert metadata[endpoint].startswith(crm.base_url + "/"), endpoint


def test_the_metadata_offers_what_the_clients_of_this_suite_use(
    metadata: dict[str, Any],
) -> None:
    assert metadata["response_types_supported"] == ["code"]
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert {"authorization_code", "client_credentials", "refresh_token"} <= set(
        metadata["grant_types_supported"]
    )
    assert {
        "client_secret_basic",
        "client_secret_post",
        "private_key_jwt",
        "none",
    } <= set(metadata["token_endpoint_auth_methods_supported"])
    assert {"RS256", "ES256"} <= set(
        metadata["token_endpoint_auth_signing_alg_values_supported"]
    )
