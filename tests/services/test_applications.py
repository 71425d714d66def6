"""Registering applications: what each type needs, and what is refused."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from vte_extapps.credentials import digest
from vte_extapps.models import (
    AuditEvent,
    AuthMethod,
    ClientSecret,
    ClientType,
    utcnow,
)
from vte_extapps.services.applications import (
    ApplicationForm,
    InvalidApplication,
    add_key,
    create_application,
    rotate_secret,
    update_application,
)

from ..helpers import service_account, user_id_of


def web_form(**fields: Any) -> ApplicationForm:
    values: dict[str, Any] = {
        "name": "Mail app",
        "client_type": ClientType.WEB,
        "scopes": ["leads:read"],
        "redirect_uris": ["https://mail.example.com/callback"],
    }
    values.update(fields)
    return ApplicationForm(**values)


def errors_of(request: Any, form: ApplicationForm) -> dict[str, str]:
    with pytest.raises(InvalidApplication) as raised:
        create_application(request, form)
    return raised.value.errors


def test_a_service_account_gets_a_secret_shown_once_and_stored_as_a_digest(
    extapps_request: Any, dbsession: Session
) -> None:
    issued = service_account(extapps_request, "alice")
    assert issued.client_secret
    assert issued.client_secret.startswith("vtes_")
    assert issued.client_secret not in repr(issued)
    stored = dbsession.scalars(
        select(ClientSecret.digest).where(
            ClientSecret.application_id == issued.application.id
        )
    ).all()
    assert stored == [digest(issued.client_secret)]


def test_creating_an_application_is_audited_without_secrets(
    extapps_request: Any, dbsession: Session
) -> None:
    issued = service_account(extapps_request, "alice")
    event = dbsession.scalars(
        select(AuditEvent).where(AuditEvent.application_id == issued.application.id)
    ).one()
    assert event.action == "application.created"
    assert issued.client_secret not in str(event.details)


@pytest.mark.parametrize("algorithm", ["RS256", "ES256", "EdDSA"])
def test_a_jwt_signed_service_account_gets_a_key_pair_and_keeps_only_the_public_key(
    extapps_request: Any, algorithm: str
) -> None:
    issued = service_account(
        extapps_request, "bob", auth_method=AuthMethod.JWT, key_algorithm=algorithm
    )
    assert issued.client_secret is None
    assert issued.key_pair is not None
    [key] = issued.application.keys
    assert key.algorithm == algorithm
    assert "d" not in key.public_jwk


def test_a_mobile_app_is_a_public_client(extapps_request: Any) -> None:
    issued = create_application(
        extapps_request,
        web_form(
            client_type=ClientType.MOBILE,
            redirect_uris=["com.example.mail:/oauth", "http://127.0.0.1:8765/cb"],
        ),
    )
    assert issued.application.auth_method is AuthMethod.NONE
    assert issued.client_secret is None
    assert issued.key_pair is None


def test_a_service_account_needs_an_active_run_as_user(extapps_request: Any) -> None:
    form = ApplicationForm(
        name="ERP", client_type=ClientType.SERVICE, scopes=["invoice:read"]
    )
    assert "run_as_user_id" in errors_of(extapps_request, form)
    form.run_as_user_id = "999999"
    assert "run_as_user_id" in errors_of(extapps_request, form)


def test_unknown_scopes_and_missing_names_are_reported_by_field(
    extapps_request: Any,
) -> None:
    errors = errors_of(extapps_request, web_form(name=" ", scopes=["admin:everything"]))
    assert set(errors) == {"name", "scopes"}
    assert "admin:everything" in errors["scopes"]


@pytest.mark.parametrize(
    "uri",
    [
        "http://mail.example.com/callback",  # plain http for a web app
        "https://mail.example.com/callback#frag",  # fragment
        "https://user@mail.example.com/callback",  # userinfo
        "https://*.example.com/callback",  # wildcard
        "javascript:alert(1)",
        "/relative/callback",
        "https://mail.example.com/call back",
    ],
)
def test_unsafe_redirect_uris_are_refused_for_web_apps(
    extapps_request: Any, uri: str
) -> None:
    assert "redirect_uris" in errors_of(extapps_request, web_form(redirect_uris=[uri]))


@pytest.mark.parametrize(
    "uri", ["http://mail.example.com/cb", "myapp:/cb", "com.example.app:/cb#x"]
)
def test_mobile_apps_get_loopback_http_or_a_reverse_domain_scheme_only(
    extapps_request: Any, uri: str
) -> None:
    form = web_form(client_type=ClientType.MOBILE, redirect_uris=[uri])
    assert "redirect_uris" in errors_of(extapps_request, form)


def test_a_web_app_needs_a_redirect_uri_and_a_credential_kind(
    extapps_request: Any,
) -> None:
    errors = errors_of(
        extapps_request, web_form(redirect_uris=[], auth_method=AuthMethod.NONE)
    )
    assert set(errors) == {"redirect_uris", "auth_method"}


def test_rotating_a_secret_keeps_the_old_one_for_the_overlap(
    extapps_request: Any, dbsession: Session
) -> None:
    issued = service_account(extapps_request, "alice")
    new_secret = rotate_secret(extapps_request, issued.application, overlap=3600)
    rows = dbsession.scalars(
        select(ClientSecret)
        .where(ClientSecret.application_id == issued.application.id)
        .order_by(ClientSecret.id)
    ).all()
    old, new = rows
    assert old.digest == digest(issued.client_secret or "")
    assert old.expires_at is not None
    assert old.expires_at - utcnow() <= datetime.timedelta(seconds=3600)
    assert new.digest == digest(new_secret)
    assert new.expires_at is None


def test_a_second_key_is_added_and_the_same_key_twice_is_refused(
    extapps_request: Any,
) -> None:
    issued = service_account(extapps_request, "bob", auth_method=AuthMethod.JWT)
    pair = add_key(extapps_request, issued.application, algorithm="ES256")
    assert pair is not None
    assert len(issued.application.keys) == 2
    public_pem = issued.application.keys[1].public_jwk
    with pytest.raises(InvalidApplication):
        add_key(
            extapps_request,
            issued.application,
            public_key=str(public_pem).replace("'", '"'),
        )


def test_editing_keeps_the_type_and_records_what_changed(
    extapps_request: Any, dbsession: Session
) -> None:
    issued = service_account(extapps_request, "alice")
    form = ApplicationForm(
        name="Renamed ERP",
        client_type=ClientType.WEB,  # ignored: the type is fixed
        run_as_user_id=user_id_of(dbsession, "bob"),
        scopes=["invoice:read", "leads:read"],
    )
    application = update_application(extapps_request, issued.application, form)
    assert application.client_type is ClientType.SERVICE
    assert application.name == "Renamed ERP"
    changed = dbsession.scalars(
        select(AuditEvent).where(AuditEvent.action == "application.changed")
    ).one()
    assert set(changed.details["fields"]) == {"name", "run_as_user_id", "scopes"}
