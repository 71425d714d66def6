"""Every lifecycle step is a Pyramid event the host hears and a row in the audit
table: who, which application, from where, and nothing secret (DESIGN Events).

Each test subscribes to the plugin's base event class on the demo's registry,
as a host would, and drives one step over HTTP.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import webtest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.helpers import login, user_id_of
from tests.oauth.conftest import register
from tests.oauth.flows import (
    REVOKE,
    TOKEN,
    Client,
    basic,
    get_code,
    pkce,
    post_token,
)
from tests.ui.helpers import ADMIN_URL, check_boxes
from vte_extapps import audit
from vte_extapps.models import Application, AuditEvent, AuthMethod, ClientType

#: Where every request of these tests comes from.
ADDRESS = "203.0.113.9"
REDIRECT = "https://app.example.org/callback"


@pytest.fixture
def browser(testapp: webtest.TestApp) -> webtest.TestApp:
    """The demo, reached from one known address."""
    testapp.extra_environ["REMOTE_ADDR"] = ADDRESS
    return testapp


@pytest.fixture
def heard(app: Any) -> Iterator[list[audit.ExtAppsEvent]]:
    """What a host subscriber to every plugin event receives."""
    received: list[audit.ExtAppsEvent] = []

    def subscriber(event: audit.ExtAppsEvent) -> None:
        received.append(event)

    app.registry.registerHandler(subscriber, (audit.ExtAppsEvent,))
    yield received
    app.registry.unregisterHandler(subscriber, (audit.ExtAppsEvent,))


@pytest.fixture
def admin(browser: webtest.TestApp) -> webtest.TestApp:
    login(browser, "admin")
    return browser


@pytest.fixture
def service(extapps_request: Any, dbsession: Session) -> Client:
    return register(
        extapps_request,
        name="Nightly sync",
        client_type=ClientType.SERVICE,
        run_as_user_id=user_id_of(dbsession, "alice"),
        scopes=["invoice:read"],
    )


@pytest.fixture
def web(extapps_request: Any) -> Client:
    return register(
        extapps_request,
        name="Invoice portal",
        client_type=ClientType.WEB,
        redirect_uris=[REDIRECT],
        offline_access=True,
        scopes=["invoice:read"],
    )


@pytest.fixture
def tokens(browser: webtest.TestApp, web: Client) -> dict[str, Any]:
    """Alice connects the portal; its server then redeems the code."""
    login(browser, "alice")
    verifier, challenge = pkce()
    code = get_code(browser, web, REDIRECT, challenge)
    # The application's server has no CRM session.
    browser.reset()
    body = post_token(
        browser,
        web,
        200,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT,
        code_verifier=verifier,
    ).json
    return {**body, "code": code, "verifier": verifier}


def announced_and_audited(
    heard: list[audit.ExtAppsEvent],
    dbsession: Session,
    event_class: type[audit.ExtAppsEvent],
    client_id: str,
    *,
    actor: str | None,
    subject: str | None = None,
    plaintexts: tuple[str | None, ...] = (),
) -> AuditEvent:
    """The one event of ``event_class`` and its audit row agree and hold no secret."""
    (event,) = [event for event in heard if type(event) is event_class]
    assert event.application is not None
    assert event.application.client_id == client_id
    assert event.subject_user_id == subject
    assert event.request is not None
    assert event.request.remote_addr == ADDRESS

    (row,) = dbsession.scalars(
        select(AuditEvent).where(
            AuditEvent.action == event_class.action,
            AuditEvent.client_id == client_id,
        )
    )
    assert row.actor_user_id == actor
    assert row.subject_user_id == subject
    assert row.remote_addr == ADDRESS
    assert row.details == dict(event.details)
    written = json.dumps(row.details)
    for value in plaintexts:
        assert value
        assert value not in written
    return row


def form_posting_to(page: webtest.TestResponse, suffix: str) -> webtest.forms.Form:
    for form in page.forms.values():
        if form.action.endswith(suffix) and "public_key" not in form.fields:
            return form
    raise AssertionError(f"no form posting to {suffix}")


def test_creating_an_application_in_the_wizard_is_announced_and_audited(
    admin: webtest.TestApp, heard: list[audit.ExtAppsEvent], dbsession: Session
) -> None:
    step_one = admin.get(f"{ADMIN_URL}/new").forms["client-type-form"]
    step_one["client_type"] = "service"
    form = step_one.submit().forms["application-form"]
    form["name"] = "Wizard sync"
    form["run_as_user_id"] = user_id_of(dbsession, "alice")
    check_boxes(form, "scopes", ["invoice:read"])
    page = form.submit()

    secret = page.html.find(id="client-secret")["value"]
    application = dbsession.scalars(
        select(Application).where(Application.name == "Wizard sync")
    ).one()
    row = announced_and_audited(
        heard,
        dbsession,
        audit.ApplicationCreated,
        application.client_id,
        actor=user_id_of(dbsession, "admin"),
        plaintexts=(secret,),
    )
    assert row.details == {"client_type": "service", "auth_method": "secret"}


def test_editing_an_application_is_announced_and_audited(
    admin: webtest.TestApp,
    service: Client,
    heard: list[audit.ExtAppsEvent],
    dbsession: Session,
) -> None:
    form = admin.get(f"{ADMIN_URL}/{service.client_id}/edit").forms["application-form"]
    form["name"] = "Nightly sync, renamed"
    form.submit().follow()

    row = announced_and_audited(
        heard,
        dbsession,
        audit.ApplicationChanged,
        service.client_id,
        actor=user_id_of(dbsession, "admin"),
        plaintexts=(service.secret,),
    )
    assert "name" in row.details["fields"]


def test_deactivating_an_application_is_announced_and_audited(
    admin: webtest.TestApp,
    service: Client,
    heard: list[audit.ExtAppsEvent],
    dbsession: Session,
) -> None:
    post_token(admin, service, 200, grant_type="client_credentials")
    page = admin.get(ADMIN_URL)
    form_posting_to(page, f"/{service.client_id}/status").submit().follow()

    row = announced_and_audited(
        heard,
        dbsession,
        audit.ApplicationDeactivated,
        service.client_id,
        actor=user_id_of(dbsession, "admin"),
    )
    assert row.details == {"revoked_count": 1}


def test_rotating_a_secret_is_announced_and_audited(
    admin: webtest.TestApp,
    service: Client,
    heard: list[audit.ExtAppsEvent],
    dbsession: Session,
) -> None:
    page = admin.get(f"{ADMIN_URL}/{service.client_id}/credentials")
    page = form_posting_to(page, "/rotate-secret").submit()

    new_secret = page.html.find(id="client-secret")["value"]
    announced_and_audited(
        heard,
        dbsession,
        audit.SecretRotated,
        service.client_id,
        actor=user_id_of(dbsession, "admin"),
        plaintexts=(service.secret, new_secret),
    )


def test_adding_a_key_pair_on_the_credentials_page_is_announced_and_audited(
    admin: webtest.TestApp,
    extapps_request: Any,
    heard: list[audit.ExtAppsEvent],
    dbsession: Session,
) -> None:
    signer = register(
        extapps_request,
        name="Signed sync",
        client_type=ClientType.SERVICE,
        auth_method=AuthMethod.JWT,
        run_as_user_id=user_id_of(dbsession, "alice"),
    )
    page = admin.get(f"{ADMIN_URL}/{signer.client_id}/credentials")
    form = form_posting_to(page, "/credentials/keys")
    form["key_format"] = "jwk"
    form["key_algorithm"] = "ES256"
    page = form.submit()

    private = json.loads(page.html.find(id="private-key").get_text())
    row = announced_and_audited(
        heard,
        dbsession,
        audit.KeyAdded,
        signer.client_id,
        actor=user_id_of(dbsession, "admin"),
        plaintexts=(private["d"],),
    )
    assert row.details == {"kid": private["kid"], "algorithm": "ES256"}


def test_approving_consent_is_announced_and_audited(
    browser: webtest.TestApp,
    web: Client,
    heard: list[audit.ExtAppsEvent],
    dbsession: Session,
) -> None:
    login(browser, "alice")
    verifier, challenge = pkce()
    code = get_code(browser, web, REDIRECT, challenge)

    alice = user_id_of(dbsession, "alice")
    row = announced_and_audited(
        heard,
        dbsession,
        audit.ConsentGranted,
        web.client_id,
        actor=alice,
        subject=alice,
        plaintexts=(code, verifier, challenge),
    )
    assert row.details["scopes"] == ["invoice:read"]


def test_a_client_credentials_token_is_announced_and_audited(
    browser: webtest.TestApp,
    service: Client,
    heard: list[audit.ExtAppsEvent],
    dbsession: Session,
) -> None:
    token = post_token(browser, service, 200, grant_type="client_credentials").json

    row = announced_and_audited(
        heard,
        dbsession,
        audit.TokenIssued,
        service.client_id,
        actor=None,
        subject=user_id_of(dbsession, "alice"),
        plaintexts=(token["access_token"], service.secret),
    )
    assert row.details["grant_type"] == "client_credentials"


def test_a_refresh_is_announced_and_audited(
    browser: webtest.TestApp,
    web: Client,
    tokens: dict[str, Any],
    heard: list[audit.ExtAppsEvent],
    dbsession: Session,
) -> None:
    refreshed = post_token(
        browser,
        web,
        200,
        grant_type="refresh_token",
        refresh_token=tokens["refresh_token"],
    ).json

    announced_and_audited(
        heard,
        dbsession,
        audit.TokenRefreshed,
        web.client_id,
        actor=None,
        subject=user_id_of(dbsession, "alice"),
        plaintexts=(
            tokens["refresh_token"],
            refreshed["refresh_token"],
            refreshed["access_token"],
            web.secret,
        ),
    )


def test_revoking_at_the_revocation_endpoint_is_announced_and_audited(
    browser: webtest.TestApp,
    web: Client,
    tokens: dict[str, Any],
    heard: list[audit.ExtAppsEvent],
    dbsession: Session,
) -> None:
    browser.post(
        REVOKE,
        {"token": tokens["refresh_token"]},
        headers=basic(web.client_id, web.secret or ""),
        status=200,
    )

    row = announced_and_audited(
        heard,
        dbsession,
        audit.TokenRevoked,
        web.client_id,
        actor=None,
        subject=user_id_of(dbsession, "alice"),
        plaintexts=(tokens["refresh_token"], tokens["access_token"], web.secret),
    )
    assert row.details == {"revoked_count": 1}


def test_a_reused_refresh_token_is_announced_and_audited(
    browser: webtest.TestApp,
    web: Client,
    tokens: dict[str, Any],
    heard: list[audit.ExtAppsEvent],
    dbsession: Session,
) -> None:
    refresh = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    post_token(browser, web, 200, **refresh)
    post_token(browser, web, 400, **refresh)

    row = announced_and_audited(
        heard,
        dbsession,
        audit.RefreshTokenReused,
        web.client_id,
        actor=None,
        subject=user_id_of(dbsession, "alice"),
        plaintexts=(tokens["refresh_token"], web.secret),
    )
    assert row.details["credential_type"] == "refresh_token"


def test_a_wrong_secret_is_announced_and_audited_without_it(
    browser: webtest.TestApp,
    service: Client,
    heard: list[audit.ExtAppsEvent],
    dbsession: Session,
) -> None:
    guess = "vtes_a_wrong_guess_at_the_secret"
    browser.post(
        TOKEN,
        {"grant_type": "client_credentials"},
        headers=basic(service.client_id, guess),
        status=401,
    )

    row = announced_and_audited(
        heard,
        dbsession,
        audit.ClientAuthenticationFailed,
        service.client_id,
        actor=None,
        plaintexts=(guess, service.secret),
    )
    assert row.details["auth_method"] == "client_secret_basic"
