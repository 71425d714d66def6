"""Credentials of an application: a new secret, a new key pair, an uploaded key
(SECURITY F11)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import webtest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm
from sqlalchemy.orm import Session

from tests.ui.helpers import ADMIN_URL, field_error, signed_client_credentials
from vte_extapps.credentials import digest, generate_key_pair
from vte_extapps.models import AuthMethod, ClientType


def credentials_url(client_id: str) -> str:
    return f"{ADMIN_URL}/{client_id}/credentials"


def form_posting_to(page: webtest.TestResponse, suffix: str) -> webtest.forms.Form:
    for form in page.forms.values():
        if form.action.endswith(suffix):
            return form
    raise AssertionError(f"no form posting to {suffix}")


def test_rotating_the_secret_shows_the_new_one_once(
    admin: webtest.TestApp, make_application: Callable[..., Any], dbsession: Session
) -> None:
    application = make_application().application
    page = admin.get(credentials_url(application.client_id))
    result = form_posting_to(page, "/rotate-secret").submit()

    secret = result.html.find(id="client-secret")["value"]
    assert result.headers["Cache-Control"] == "no-store"
    assert "only time it is shown" in result.text
    dbsession.refresh(application)
    assert digest(secret) in {row.digest for row in application.secrets}
    assert len(application.secrets) == 2
    assert "A new secret was issued." in result.text
    assert secret not in admin.get(credentials_url(application.client_id)).text


def test_a_jwt_signed_application_gets_a_generated_key_pair_in_jwk(
    admin: webtest.TestApp, make_application: Callable[..., Any], dbsession: Session
) -> None:
    application = make_application("Signer", auth_method=AuthMethod.JWT).application
    page = admin.get(credentials_url(application.client_id))
    form = form_posting_to(page, "/credentials/keys")
    form["key_format"] = "jwk"
    form["key_algorithm"] = "EdDSA"
    result = form.submit()

    private = json.loads(result.html.find(id="private-key").get_text())
    assert private["crv"] == "Ed25519"
    assert "d" in private
    dbsession.refresh(application)
    assert [key.algorithm for key in application.keys] == ["RS256", "EdDSA"]
    assert "d" not in application.keys[1].public_jwk


def test_a_public_key_is_uploaded_and_removed(
    admin: webtest.TestApp, make_application: Callable[..., Any], dbsession: Session
) -> None:
    application = make_application("Signer", auth_method=AuthMethod.JWT).application
    pair = generate_key_pair("ES256", "pem")
    page = admin.get(credentials_url(application.client_id))
    forms = [
        form
        for form in page.forms.values()
        if form.action.endswith("/credentials/keys") and "public_key" in form.fields
    ]
    forms[0]["public_key_file"] = webtest.Upload(
        "client.pem", _public_pem(pair).encode(), "application/x-pem-file"
    )
    page = forms[0].submit().follow()
    assert "The public key was added." in page.text
    assert pair.public.kid in page.text

    removal = [
        form
        for form in page.forms.values()
        if form.action.endswith("/keys/remove") and form["kid"].value == pair.public.kid
    ]
    page = removal[0].submit().follow()
    assert "The key was removed." in page.text
    dbsession.refresh(application)
    assert pair.public.kid not in {key.kid for key in application.keys}


def _public_pem(pair: Any) -> str:
    import jwt
    from cryptography.hazmat.primitives import serialization

    key = jwt.PyJWK(pair.public.jwk).key
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def test_an_unusable_public_key_is_refused_next_to_the_key_field(
    admin: webtest.TestApp, make_application: Callable[..., Any]
) -> None:
    application = make_application("Signer", auth_method=AuthMethod.JWT).application
    page = admin.get(credentials_url(application.client_id))
    forms = [
        form
        for form in page.forms.values()
        if form.action.endswith("/credentials/keys") and "public_key" in form.fields
    ]
    forms[0]["public_key"] = '{"kty": "oct", "k": "c2VjcmV0"}'
    page = forms[0].submit(status=400)
    assert "symmetric" in field_error(page, "public_key").lower()


def test_a_secret_application_has_no_keys_and_a_mobile_one_no_secret(
    admin: webtest.TestApp, make_application: Callable[..., Any]
) -> None:
    secret_app = make_application().application
    mobile = make_application(
        "Phone", ClientType.MOBILE, redirect_uris=["com.example.phone:/cb"]
    ).application
    assert "Rotate secret" in admin.get(credentials_url(secret_app.client_id)).text
    token = (
        admin.get(credentials_url(secret_app.client_id)).forms[0]["csrf_token"].value
    )
    admin.post(
        credentials_url(secret_app.client_id) + "/keys",
        {"csrf_token": token, "key_source": "generate"},
        status=404,
    )
    admin.post(
        credentials_url(mobile.client_id) + "/rotate-secret",
        {"csrf_token": token},
        status=404,
    )
    assert "PKCE" in admin.get(credentials_url(mobile.client_id)).text


def test_uploading_no_key_at_all_asks_for_one_and_generates_nothing(
    admin: webtest.TestApp, make_application: Callable[..., Any], dbsession: Session
) -> None:
    application = make_application("Signer", auth_method=AuthMethod.JWT).application
    page = admin.get(credentials_url(application.client_id))
    forms = [
        form
        for form in page.forms.values()
        if form.action.endswith("/credentials/keys") and "public_key" in form.fields
    ]
    page = forms[0].submit(status=400)
    assert "Paste the public key" in field_error(page, "public_key")
    dbsession.refresh(application)
    assert len(application.keys) == 1


def _pem(key: Any) -> str:
    if isinstance(key, PRIVATE_KEYS):
        return key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
    return str(
        key.public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        ).decode()
    )


def _jwk(key: Any) -> str:
    return str(ECAlgorithm.to_jwk(key))


PRIVATE_KEYS = (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey)
#: What an operator might paste, and the private key that goes with it.
UPLOADS: dict[str, Callable[[], tuple[str, Any]]] = {
    "an RSA-1024 key": lambda: (
        # A weak key is the point: the page must refuse it.
        _pem(rsa.generate_private_key(65537, 1024).public_key()),  # noqa: S505
        None,
    ),
    "a private JWK": lambda: (_jwk(ec.generate_private_key(ec.SECP256R1())), None),
    "a private PEM": lambda: (_pem(ec.generate_private_key(ec.SECP256R1())), None),
    "a symmetric JWK": lambda: ('{"kty": "oct", "k": "c2VjcmV0LWtleQ"}', None),
    "a P-384 PEM": lambda: _public_and_private(ec.SECP384R1(), _pem),
    "a P-521 JWK": lambda: _public_and_private(ec.SECP521R1(), _jwk),
}


def _public_and_private(
    curve: ec.EllipticCurve, write: Callable[[Any], str]
) -> tuple[str, Any]:
    private = ec.generate_private_key(curve)
    return write(private.public_key()), private


def _upload_form(page: webtest.TestResponse) -> webtest.forms.Form:
    (form,) = [
        form
        for form in page.forms.values()
        if form.action.endswith("/credentials/keys") and "public_key" in form.fields
    ]
    return form


@pytest.mark.parametrize(
    ("upload", "refusal", "algorithm"),
    [
        ("an RSA-1024 key", "at least 2048 bits", None),
        ("a private JWK", "private key", None),
        ("a private PEM", "private key", None),
        ("a symmetric JWK", "symmetric keys are refused", None),
        ("a P-384 PEM", None, "ES384"),
        ("a P-521 JWK", None, "ES512"),
    ],
)
def test_an_uploaded_key_is_kept_only_if_it_is_a_strong_public_key(
    admin: webtest.TestApp,
    make_application: Callable[..., Any],
    dbsession: Session,
    upload: str,
    refusal: str | None,
    algorithm: str | None,
) -> None:
    application = make_application("Signer", auth_method=AuthMethod.JWT).application
    public, private = UPLOADS[upload]()
    form = _upload_form(admin.get(credentials_url(application.client_id)))
    form["public_key"] = public

    if refusal is not None:
        page = form.submit(status=400)
        assert refusal in field_error(page, "public_key").lower()
        # What was pasted is not kept, and nothing else changed.
        dbsession.refresh(application)
        assert len(application.keys) == 1
        return

    page = form.submit().follow()
    assert "The public key was added." in page.text
    dbsession.refresh(application)
    key = application.keys[-1]
    assert key.algorithm == algorithm
    assert key.kid in page.text
    # F11: the client signs with its own key, and the CRM takes the assertion.
    response = signed_client_credentials(
        admin, application.client_id, _pem(private), str(algorithm), "invoice:read"
    )
    assert response.status_int == 200, response.text
    assert response.json["access_token"].startswith("vtea_")


@pytest.mark.parametrize("curve", [ec.SECP256R1(), ec.SECP384R1(), ec.SECP521R1()])
def test_the_same_key_as_pem_or_as_jwk_gets_the_same_kid(
    admin: webtest.TestApp,
    make_application: Callable[..., Any],
    dbsession: Session,
    curve: ec.EllipticCurve,
) -> None:
    public = ec.generate_private_key(curve).public_key()
    kids = []
    for name, text in (("As PEM", _pem(public)), ("As JWK", _jwk(public))):
        application = make_application(name, auth_method=AuthMethod.JWT).application
        form = _upload_form(admin.get(credentials_url(application.client_id)))
        form["public_key"] = text
        page = form.submit().follow()
        dbsession.refresh(application)
        kids.append(application.keys[-1].kid)
        assert kids[-1] in page.text
    assert kids[0] == kids[1]

    # Given again to the same application, in the other form, it is the same key.
    form = _upload_form(admin.get(credentials_url(application.client_id)))
    form["public_key"] = _pem(public)
    page = form.submit(status=400)
    assert "already has that key" in field_error(page, "public_key")
