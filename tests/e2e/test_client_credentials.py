"""Service accounts get tokens with client credentials, and act as their run-as user."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm

from vte_extapps.models import AuthMethod

from .conftest import LiveCrm, Registered, RegisterService
from .integrator import (
    HTTP_TIMEOUT,
    invoice_ids,
    is_refused_token,
    oauth_client,
    query_invoices,
    refusal,
    signed_assertion_method,
)

SCOPE = "invoice:read"


def client_credentials_token(
    metadata: dict[str, Any],
    service: Registered,
    method: str,
    *,
    assertion_key: str | None = None,
    algorithm: str = "RS256",
    audience: str | None = None,
) -> dict[str, Any]:
    """Authlib's client credentials request, authenticated by ``method``.

    For ``private_key_jwt``, ``assertion_key`` signs the assertions, which are
    addressed to the issuer unless ``audience`` says otherwise.
    """
    with oauth_client(
        service.client_id,
        client_secret=service.client_secret,
        token_endpoint_auth_method=method,
        scope=SCOPE,
    ) as client:
        if assertion_key is not None:
            client.register_client_auth_method(
                signed_assertion_method(
                    assertion_key, algorithm, audience or metadata["issuer"]
                )
            )
        token: dict[str, Any] = client.fetch_token(
            metadata["token_endpoint"], grant_type="client_credentials"
        )
    return token


def assert_acts_as_alice(crm: LiveCrm, token: dict[str, Any]) -> None:
    assert token["token_type"].lower() == "bearer"
    assert token["scope"] == SCOPE
    # Client credentials never return a refresh token (RFC 6749 4.4.3).
    assert "refresh_token" not in token
    answer = query_invoices(crm.base_url, token["access_token"])
    assert invoice_ids(answer) == crm.invoice_ids_of("alice")


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
def test_a_secret_key_gets_a_token_that_queries_the_run_as_users_invoices(
    crm: LiveCrm,
    metadata: dict[str, Any],
    register_service: RegisterService,
    method: str,
) -> None:
    service = register_service()

    token = client_credentials_token(metadata, service, method)

    assert_acts_as_alice(crm, token)


def test_a_wrong_secret_is_refused_as_invalid_client(
    metadata: dict[str, Any], register_service: RegisterService
) -> None:
    service = register_service()
    impostor = Registered(service.client_id, client_secret="vtes_" + "x" * 43)

    error = refusal(
        lambda: client_credentials_token(metadata, impostor, "client_secret_basic")
    )

    assert error == "invalid_client"


@pytest.mark.parametrize("algorithm", ["RS256", "ES256"])
@pytest.mark.parametrize("key_format", ["pem", "jwk"])
def test_a_generated_key_signs_assertions_that_get_a_token(
    crm: LiveCrm,
    metadata: dict[str, Any],
    register_service: RegisterService,
    key_format: str,
    algorithm: str,
) -> None:
    service = register_service(
        auth_method=AuthMethod.JWT, key_format=key_format, key_algorithm=algorithm
    )
    assert service.private_key is not None
    if key_format == "jwk":
        assert json.loads(service.private_key)["alg"] == algorithm
    else:
        assert service.private_key.startswith("-----BEGIN PRIVATE KEY-----")

    token = client_credentials_token(
        metadata,
        service,
        "private_key_jwt",
        assertion_key=service.private_key,
        algorithm=algorithm,
    )

    assert_acts_as_alice(crm, token)


def _rsa_key() -> tuple[str, str]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return _pem(private), public_pem.decode("ascii")


def _ec_key_as_jwk() -> tuple[str, str]:
    private = ec.generate_private_key(ec.SECP256R1())
    return _pem(private), ECAlgorithm.to_jwk(private.public_key())


def _pem(private: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


@pytest.mark.parametrize(
    ("make_key", "algorithm"),
    [(_rsa_key, "RS256"), (_ec_key_as_jwk, "ES256")],
    ids=["rsa-public-key-as-pem", "ec-public-key-as-jwk"],
)
def test_the_clients_own_uploaded_public_key_verifies_its_assertions(
    crm: LiveCrm,
    metadata: dict[str, Any],
    register_service: RegisterService,
    make_key: Any,
    algorithm: str,
) -> None:
    private_pem, public_key = make_key()
    service = register_service(auth_method=AuthMethod.JWT, public_key=public_key)
    assert service.private_key is None

    token = client_credentials_token(
        metadata,
        service,
        "private_key_jwt",
        assertion_key=private_pem,
        algorithm=algorithm,
    )

    assert_acts_as_alice(crm, token)


def test_an_assertion_addressed_to_the_token_endpoint_is_accepted_too(
    crm: LiveCrm, metadata: dict[str, Any], register_service: RegisterService
) -> None:
    service = register_service(auth_method=AuthMethod.JWT)
    assert service.private_key is not None

    token = client_credentials_token(
        metadata,
        service,
        "private_key_jwt",
        assertion_key=service.private_key,
        audience=metadata["token_endpoint"],
    )

    assert_acts_as_alice(crm, token)


def test_an_assertion_signed_with_another_key_is_refused_as_invalid_client(
    metadata: dict[str, Any], register_service: RegisterService
) -> None:
    service = register_service(auth_method=AuthMethod.JWT)
    other_key, _public = _rsa_key()

    error = refusal(
        lambda: client_credentials_token(
            metadata,
            service,
            "private_key_jwt",
            assertion_key=other_key,
        )
    )

    assert error == "invalid_client"


def test_a_revoked_access_token_is_refused_by_the_api_at_once(
    crm: LiveCrm, metadata: dict[str, Any], register_service: RegisterService
) -> None:
    service = register_service()
    assert service.client_secret is not None
    token = client_credentials_token(metadata, service, "client_secret_basic")

    # RFC 7009 2.1, as a plain authenticated POST.
    revoked = requests.post(
        metadata["revocation_endpoint"],
        data={"token": token["access_token"], "token_type_hint": "access_token"},
        auth=(service.client_id, service.client_secret),
        timeout=HTTP_TIMEOUT,
    )

    assert revoked.status_code == 200
    assert is_refused_token(query_invoices(crm.base_url, token["access_token"]))


def test_introspection_tells_a_resource_server_whether_a_token_is_live(
    metadata: dict[str, Any], register_service: RegisterService
) -> None:
    service = register_service()
    token = client_credentials_token(metadata, service, "client_secret_basic")

    with oauth_client(service.client_id, client_secret=service.client_secret) as client:
        live = client.introspect_token(
            metadata["introspection_endpoint"], token=token["access_token"]
        ).json()
        client.revoke_token(
            metadata["revocation_endpoint"], token=token["access_token"]
        )
        ended = client.introspect_token(
            metadata["introspection_endpoint"], token=token["access_token"]
        ).json()

    assert live["active"] is True
    assert live["client_id"] == service.client_id
    assert live["scope"] == SCOPE
    # RFC 7662 2.2: nothing more about a token that no longer works.
    assert ended == {"active": False}
