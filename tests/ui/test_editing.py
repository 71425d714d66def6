"""The edit page changes everything but the client type and the client ID,
the authentication method included."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import webtest
from sqlalchemy.orm import Session

from tests.ui.helpers import (
    ADMIN_URL,
    client_credentials,
    field_error,
    signed_client_credentials,
)
from vte_extapps.models import AuthMethod, ClientType


def edit_form(admin: webtest.TestApp, client_id: str) -> webtest.forms.Form:
    return admin.get(f"{ADMIN_URL}/{client_id}/edit").forms["application-form"]


def test_a_service_account_moves_from_a_secret_to_a_key_pair_shown_once(
    admin: webtest.TestApp, make_application: Callable[..., Any], dbsession: Session
) -> None:
    issued = make_application("Ledger")
    application = issued.application
    form = edit_form(admin, application.client_id)
    form["auth_method"] = "jwt"
    form["key_format"] = "pem"
    form["key_algorithm"] = "ES256"
    page = form.submit()

    assert page.headers["Cache-Control"] == "no-store"
    assert "Ledger was saved with new credentials." in page.text
    assert "cannot be shown again" in page.text
    private_key = page.html.find(id="private-key").get_text()
    assert "BEGIN PRIVATE KEY" in private_key
    dbsession.refresh(application)
    assert application.auth_method is AuthMethod.JWT
    assert application.secrets == []
    assert [key.algorithm for key in application.keys] == ["ES256"]

    # The old secret stops at once; the new key works.
    cid = application.client_id
    assert (
        client_credentials(admin, cid, issued.client_secret, "invoice:read").status_int
        == 401
    )
    answer = signed_client_credentials(admin, cid, private_key, "ES256", "invoice:read")
    assert answer.status_int == 200, answer.text


def test_a_jwt_signed_application_moves_back_to_a_secret_that_works(
    admin: webtest.TestApp, make_application: Callable[..., Any], dbsession: Session
) -> None:
    application = make_application("Signer", auth_method=AuthMethod.JWT).application
    form = edit_form(admin, application.client_id)
    assert "key_algorithm" not in form.fields  # its keys live under Credentials
    form["auth_method"] = "secret"
    page = form.submit()

    secret = page.html.find(id="client-secret")["value"]
    dbsession.refresh(application)
    assert application.auth_method is AuthMethod.SECRET
    assert application.keys == []
    response = client_credentials(admin, application.client_id, secret, "invoice:read")
    assert response.status_int == 200, response.text
    log = admin.get(f"{ADMIN_URL}/{application.client_id}/audit")
    assert "auth method: secret" in log.text


def test_a_bad_key_when_switching_changes_nothing_at_all(
    admin: webtest.TestApp, make_application: Callable[..., Any], dbsession: Session
) -> None:
    issued = make_application("Ledger")
    application = issued.application
    form = edit_form(admin, application.client_id)
    form["name"] = "Ledger renamed"
    form["auth_method"] = "jwt"
    form["key_source"] = "upload"
    form["public_key"] = '{"kty": "oct", "k": "c2VjcmV0"}'
    page = form.submit(status=400)

    assert "symmetric" in field_error(page, "public_key").lower()
    dbsession.expire_all()
    assert application.name == "Ledger"
    assert application.auth_method is AuthMethod.SECRET
    assert len(application.secrets) == 1
    assert application.keys == []
    cid = application.client_id
    assert (
        client_credentials(admin, cid, issued.client_secret, "invoice:read").status_int
        == 200
    )


def test_saving_without_switching_keeps_the_credentials(
    admin: webtest.TestApp, make_application: Callable[..., Any], dbsession: Session
) -> None:
    issued = make_application("Ledger")
    form = edit_form(admin, issued.application.client_id)
    form["description"] = "Posts invoices to the ledger."
    page = form.submit().follow()

    assert "Ledger was saved." in page.text
    response = client_credentials(
        admin, issued.application.client_id, issued.client_secret, "invoice:read"
    )
    assert response.status_int == 200


def test_a_mobile_application_has_no_authentication_to_edit(
    admin: webtest.TestApp, make_application: Callable[..., Any]
) -> None:
    application = make_application(
        "Phone", ClientType.MOBILE, redirect_uris=["com.example.phone:/cb"]
    ).application
    form = edit_form(admin, application.client_id)
    assert "auth_method" not in form.fields
    fields = dict(form.submit_fields())
    fields["auth_method"] = "secret"
    admin.post(f"{ADMIN_URL}/{application.client_id}/edit", fields).follow()
    assert application.auth_method is AuthMethod.NONE


def test_the_edit_page_finds_another_run_as_user_and_keeps_what_was_typed(
    admin: webtest.TestApp, make_application: Callable[..., Any], dbsession: Session
) -> None:
    application = make_application("Ledger").application
    form = edit_form(admin, application.client_id)
    form["name"] = "Ledger for Bob"
    form["run_as_search"] = "bob"
    page = form.submit("find_run_as")

    assert page.status_int == 200
    form = page.forms["application-form"]
    assert form["name"].value == "Ledger for Bob"
    labels = [label for _, _, label in form.fields["run_as_user_id"][0].options]
    assert any("Bob Nguyen" in (label or "") for label in labels)
    assert "1 user found." in page.text
    dbsession.refresh(application)
    assert application.name == "Ledger"
