"""Rotating and revoking a client secret on the Credentials page (SECURITY E7).

A rotated secret keeps working for the configured overlap, so the
application can switch without downtime; a revoked one stops at once.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import transaction
import webtest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.helpers import login
from tests.oauth.flows import TOKEN, basic
from tests.ui.helpers import ADMIN_URL
from vte_extapps.demo import main
from vte_extapps.models import AuditEvent, ClientSecret, utcnow


def credentials_page(admin: webtest.TestApp, client_id: str) -> webtest.TestResponse:
    return admin.get(f"{ADMIN_URL}/{client_id}/credentials")


def form_posting_to(page: webtest.TestResponse, suffix: str) -> list[webtest.Form]:
    return [form for form in page.forms.values() if form.action.endswith(suffix)]


def rotate(admin: webtest.TestApp, client_id: str) -> str:
    """Rotate on the page; the new secret, shown this once."""
    (form,) = form_posting_to(credentials_page(admin, client_id), "/rotate-secret")
    return str(form.submit().html.find(id="client-secret")["value"])


def token_status(testapp: webtest.TestApp, client_id: str, secret: str) -> int:
    return testapp.post(
        TOKEN,
        {"grant_type": "client_credentials"},
        headers=basic(client_id, secret),
        status="*",
    ).status_int


def test_a_rotated_secret_keeps_working_for_the_overlap_then_stops(
    admin: webtest.TestApp, make_application: Callable[..., Any], dbsession: Session
) -> None:
    issued = make_application()
    client_id, old = issued.application.client_id, issued.client_secret
    new = rotate(admin, client_id)

    assert token_status(admin, client_id, old) == 200
    assert token_status(admin, client_id, new) == 200
    ends = dbsession.scalars(
        select(ClientSecret.expires_at).where(
            ClientSecret.application_id == issued.application.id,
            ClientSecret.expires_at.is_not(None),
        )
    ).one()
    overlap = admin.app.registry["vte_extapps.settings"].secret_rotation_overlap
    assert abs((ends - utcnow()).total_seconds() - overlap) < 60

    # The overlap ends: only the new secret is left.
    dbsession.execute(
        update(ClientSecret)
        .where(ClientSecret.expires_at.is_not(None))
        .values(expires_at=utcnow() - datetime.timedelta(seconds=1))
    )
    assert token_status(admin, client_id, old) == 401
    assert token_status(admin, client_id, new) == 200


def test_the_overlap_is_the_configured_one(
    app_settings: dict[str, Any],
    tm: transaction.TransactionManager,
    dbsession: Session,
    make_application: Callable[..., Any],
) -> None:
    settings = {**app_settings, "vte_extapps.secret_rotation_overlap": "120"}
    browser = webtest.TestApp(
        main({}, **settings),
        extra_environ={
            "HTTP_HOST": "crm.example.com",
            "wsgi.url_scheme": "https",
            "tm.active": True,
            "tm.manager": tm,
            "app.dbsession": dbsession,
        },
    )
    login(browser, "admin")
    issued = make_application()
    rotate(browser, issued.application.client_id)
    ends = dbsession.scalars(
        select(ClientSecret.expires_at).where(
            ClientSecret.application_id == issued.application.id,
            ClientSecret.expires_at.is_not(None),
        )
    ).one()
    assert abs((ends - utcnow()).total_seconds() - 120) < 30


def test_revoking_a_secret_ends_it_at_once(
    admin: webtest.TestApp, make_application: Callable[..., Any], dbsession: Session
) -> None:
    issued = make_application()
    client_id, old = issued.application.client_id, issued.client_secret
    new = rotate(admin, client_id)
    page = credentials_page(admin, client_id)
    # One revoke button per live secret; the first row is the old one.
    first, second = form_posting_to(page, "/credentials/secrets/revoke")
    page = first.submit().follow()

    assert "The secret was revoked; it no longer works." in page.text
    assert token_status(admin, client_id, old) == 401
    assert token_status(admin, client_id, new) == 200
    assert dbsession.scalars(
        select(AuditEvent).where(
            AuditEvent.client_id == client_id, AuditEvent.action == "secret.revoked"
        )
    ).one()
    # Only the live secret can still be revoked.
    assert len(form_posting_to(page, "/credentials/secrets/revoke")) == 1
    second.submit().follow()
    assert token_status(admin, client_id, new) == 401


def test_only_a_live_secret_of_this_application_can_be_revoked(
    admin: webtest.TestApp, make_application: Callable[..., Any]
) -> None:
    issued = make_application()
    other = make_application("Other Sync")
    client_id = issued.application.client_id
    (form,) = form_posting_to(
        credentials_page(admin, client_id), "/credentials/secrets/revoke"
    )
    for secret_id in ("999999", "not-a-number", str(other.application.secrets[0].id)):
        form["secret_id"] = secret_id
        page = form.submit().follow()
        assert "That secret no longer works." in page.text
    assert token_status(admin, client_id, issued.client_secret) == 200
    assert token_status(admin, other.application.client_id, other.client_secret) == 200
