"""The consent screen and the admin forms when the database fails (SECURITY R2).

A form whose request fails answers the 503 page, writes nothing, and keeps
the browser's session as it was: sent again, it does what it was meant to.
"""

from __future__ import annotations

import secrets

import pytest
import webtest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from tests.helpers import login
from tests.oauth.conftest import WEB_REDIRECT
from tests.oauth.flows import (
    AUTHORIZE,
    Client,
    authorize_params,
    consent_form,
    pkce,
    post_token,
    query_of,
)
from tests.ui.helpers import ADMIN_URL, check_boxes
from vte_extapps.models import Application

from .answers import assert_logged_without_internals, assert_unavailable_page
from .conftest import user_id
from .failing import at_each, send_failing
from .injection import COMMIT, DatabaseFault
from .snapshots import actions, snapshot

#: Where approving a request can fail: the grant, the code, the audit, the commit.
CONSENT_FAULTS = {
    "grant_written": "INSERT INTO vte_extapps_grant",
    "code_written": "INSERT INTO vte_extapps_authorization_code",
    "audited": "INSERT INTO vte_extapps_audit_event",
    "commit": COMMIT,
}

#: Where deactivating an application can fail.
DEACTIVATION_FAULTS = {
    "status_changed": "UPDATE vte_extapps_application",
    "audited": "INSERT INTO vte_extapps_audit_event",
    "commit": COMMIT,
}

#: Where registering a service account can fail.
REGISTRATION_FAULTS = {
    "application_written": "INSERT INTO vte_extapps_application",
    "secret_written": "INSERT INTO vte_extapps_client_secret",
    "audited": "INSERT INTO vte_extapps_audit_event",
    "commit": COMMIT,
}


@at_each(CONSENT_FAULTS)
def test_a_fault_while_approving_writes_no_grant_and_the_approval_can_be_sent_again(
    browser: webtest.TestApp,
    web: Client,
    admin_engine: Engine,
    fault: DatabaseFault,
    kind: str,
    point: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    login(browser, "alice")
    verifier, challenge = pkce()
    page = browser.get(AUTHORIZE, authorize_params(web, WEB_REDIRECT, challenge))
    approval = consent_form(page)
    before = snapshot(admin_engine, web.client_id)

    failed = send_failing(
        fault,
        kind,
        point,
        lambda: approval.submit("decision", value="approve", status="*"),
    )

    assert_unavailable_page(failed)
    assert_logged_without_internals(caplog)
    assert snapshot(admin_engine, web.client_id) == before

    approved = approval.submit("decision", value="approve", status=303)
    code = query_of(approved.headers["Location"])["code"]
    params = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": WEB_REDIRECT,
        "code_verifier": verifier,
    }
    assert post_token(browser, web, 200, **params).json["access_token"]
    assert actions(admin_engine, web.client_id).count("consent.granted") == 1


def status_form(page: webtest.TestResponse, client_id: str) -> webtest.forms.Form:
    action = f"{ADMIN_URL}/{client_id}/status"
    for form in page.forms.values():
        if form.action.endswith(action):
            return form
    raise AssertionError("no status form")


@at_each(DEACTIVATION_FAULTS)
def test_a_fault_while_deactivating_keeps_the_application_active_and_says_nothing_done(
    browser: webtest.TestApp,
    web: Client,
    admin_engine: Engine,
    fault: DatabaseFault,
    kind: str,
    point: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    login(browser, "admin")
    deactivation = status_form(browser.get(ADMIN_URL), web.client_id)
    before = snapshot(admin_engine, web.client_id)

    failed = send_failing(fault, kind, point, lambda: deactivation.submit(status="*"))

    assert_unavailable_page(failed)
    assert_logged_without_internals(caplog)
    assert snapshot(admin_engine, web.client_id) == before
    # No message left behind claiming that it was done.
    assert "was deactivated" not in browser.get(ADMIN_URL).text

    done = deactivation.submit(status=303).follow()
    assert "Invoice portal was deactivated" in done.text
    assert actions(admin_engine, web.client_id).count("application.deactivated") == 1


def registrations(admin_engine: Engine, name: str) -> int:
    with admin_engine.connect() as connection:
        query = select(func.count()).where(Application.name == name)
        return int(connection.execute(query).scalar_one())


@pytest.fixture
def service_account_form(
    browser: webtest.TestApp, admin_engine: Engine
) -> webtest.forms.Form:
    """Step two of the add wizard, filled in for a service account acting as alice."""
    login(browser, "admin")
    step_one = browser.get(f"{ADMIN_URL}/new").forms["client-type-form"]
    step_one["client_type"] = "service"
    form: webtest.forms.Form = step_one.submit().forms["application-form"]
    form["run_as_user_id"] = user_id(admin_engine, "alice")
    check_boxes(form, "scopes", ["invoice:read"])
    return form


@at_each(REGISTRATION_FAULTS)
def test_a_fault_while_registering_writes_no_application_and_the_form_can_be_sent_again(
    service_account_form: webtest.forms.Form,
    admin_engine: Engine,
    fault: DatabaseFault,
    kind: str,
    point: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    name = f"ERP {secrets.token_hex(4)}"
    service_account_form["name"] = name

    failed = send_failing(
        fault, kind, point, lambda: service_account_form.submit(status="*")
    )

    assert_unavailable_page(failed)
    assert_logged_without_internals(caplog)
    assert registrations(admin_engine, name) == 0

    created = service_account_form.submit(status=200)
    assert "only time it is shown" in created.text
    assert registrations(admin_engine, name) == 1
