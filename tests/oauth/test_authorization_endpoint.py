"""The authorization endpoint and the consent screen (SECURITY A1-A8, L1, L3)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
import webtest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.helpers import login, save_configuration
from vte_extapps.models import AuditEvent, Grant
from vte_extapps.services.applications import set_active

from .conftest import WEB_REDIRECT
from .flows import AUTHORIZE, Client, authorize_params, pkce, query_of, user_id_of

#: A4: state comes back exactly as sent, whatever it holds.
ODD_STATE = "a b&c=d/é+%41?#~"


def ask(
    testapp: webtest.TestApp, client: Client, status: Any = "*", **extra: Any
) -> webtest.TestResponse:
    _, challenge = pkce()
    params = authorize_params(
        client, extra.pop("redirect_uri", WEB_REDIRECT), challenge, **extra
    )
    return testapp.get(AUTHORIZE, params, status=status)


def assert_own_error_page(response: webtest.TestResponse) -> None:
    assert response.status_int == 400
    assert "Location" not in response.headers
    assert response.content_type == "text/html"


def assert_error_redirect(
    response: webtest.TestResponse, error: str, state: str = "xyz-123"
) -> None:
    assert response.status_int in {302, 303}
    location = response.headers["Location"]
    assert location.startswith(WEB_REDIRECT + "?")
    query = query_of(location)
    assert query["error"] == error
    assert query["state"] == state


def assert_page_headers(response: webtest.TestResponse) -> None:
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"


def test_an_anonymous_user_is_sent_to_sign_in_with_a_relative_next(
    testapp: webtest.TestApp, web: Client
) -> None:
    response = ask(testapp, web)
    assert response.status_int in {302, 303}
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    next_path = query_of(response.headers["Location"])["next"]
    assert next_path.startswith(AUTHORIZE + "?")
    # A6: signing in takes the user back to the same request, on this site.
    page = testapp.get(response.headers["Location"])
    form = page.forms[0]
    form["username"] = "alice"
    form["password"] = "alice"
    signed_in = form.submit()
    assert signed_in.headers["Location"] == "https://crm.example.com" + next_path
    consent = signed_in.follow()
    assert consent.status_int == 200
    assert 'name="request_id"' in consent.text


def test_the_consent_page_shows_the_application_and_plain_words(
    testapp: webtest.TestApp, web: Client, dbsession: Session
) -> None:
    web.application.display_name = "Invoice <Portal>"
    web.application.description = "Sends your invoices"
    web.application.privacy_policy_url = "https://app.example.org/privacy"
    dbsession.flush()
    login(testapp, "alice")
    page = ask(testapp, web, 200, scope="invoice:read profile")
    assert "Invoice &lt;Portal&gt;" in page.text
    assert "Sends your invoices" in page.text
    assert "https://app.example.org/privacy" in page.text
    assert "See your name and email address" in page.text
    assert "Approve" in page.text
    assert "Deny" in page.text
    assert 'name="csrf_token"' in page.text
    assert_page_headers(page)
    # A8: nothing is loaded from another site; links may point elsewhere.
    loaded = re.findall(r'src="([^"]+)"', page.text)
    loaded += re.findall(r'<link[^>]*href="([^"]+)"', page.text)
    assert loaded
    for url in loaded:
        assert url.startswith(("https://crm.example.com/", "/")), url
        assert not url.startswith("//"), url


def test_approving_redirects_with_303_code_and_state(
    testapp: webtest.TestApp, web: Client, dbsession: Session
) -> None:
    login(testapp, "alice")
    page = ask(testapp, web, 200)
    response = page.forms[0].submit("decision", value="approve")
    assert response.status_int == 303
    query = query_of(response.headers["Location"])
    assert query["code"].startswith("vtec_")
    assert query["state"] == "xyz-123"
    assert dbsession.scalars(
        select(AuditEvent).where(AuditEvent.action == "consent.granted")
    ).one()


def test_denying_redirects_with_access_denied_and_state(
    testapp: webtest.TestApp, web: Client
) -> None:
    login(testapp, "alice")
    page = ask(testapp, web, 200, state=ODD_STATE)
    response = page.forms[0].submit("decision", value="deny")
    assert response.status_int == 303
    assert_error_redirect(response, "access_denied", state=ODD_STATE)


def test_the_consent_post_needs_the_csrf_token(
    testapp: webtest.TestApp, web: Client
) -> None:
    login(testapp, "alice")
    page = ask(testapp, web, 200)
    form = page.forms[0]
    form["csrf_token"] = "forged"
    response = form.submit("decision", value="approve", status="*")
    assert response.status_int == 400
    assert "Location" not in response.headers


def test_tampering_with_the_consent_form_changes_nothing(
    testapp: webtest.TestApp, web: Client, other_web: Client, dbsession: Session
) -> None:
    login(testapp, "alice")
    page = ask(testapp, web, 200, scope="invoice:read")
    token = page.forms[0]["csrf_token"].value
    request_id = page.forms[0]["request_id"].value
    response = testapp.post(
        AUTHORIZE,
        {
            "csrf_token": token,
            "request_id": request_id,
            "decision": "approve",
            "client_id": other_web.client_id,
            "scope": "invoice:read leads:write profile",
            "redirect_uri": "https://evil.example.com/",
        },
    )
    assert response.headers["Location"].startswith(WEB_REDIRECT + "?")
    grant = dbsession.scalars(select(Grant)).one()
    assert grant.application_id == web.application.id
    assert grant.scopes == ["invoice:read"]


def test_a_pending_request_is_answered_once(
    testapp: webtest.TestApp, web: Client
) -> None:
    login(testapp, "alice")
    page = ask(testapp, web, 200)
    page.forms[0].submit("decision", value="approve")
    again = page.forms[0].submit("decision", value="approve", status=400)
    assert "Location" not in again.headers


def test_earlier_consent_is_remembered(testapp: webtest.TestApp, web: Client) -> None:
    login(testapp, "alice")
    ask(testapp, web, 200, scope="invoice:read profile").forms[0].submit(
        "decision", value="approve"
    )
    response = ask(testapp, web, 302, scope="profile")
    assert "code" in query_of(response.headers["Location"])
    # A wider request asks again, and so does prompt=consent.
    ask(testapp, web, 200, scope="invoice:read leads:write")
    ask(testapp, web, 200, scope="profile", prompt="consent")


def test_prompt_none_without_consent_is_consent_required(
    testapp: webtest.TestApp, web: Client
) -> None:
    login(testapp, "alice")
    assert_error_redirect(ask(testapp, web, prompt="none"), "consent_required")


def test_prompt_none_without_a_session_is_login_required(
    testapp: webtest.TestApp, web: Client
) -> None:
    assert_error_redirect(ask(testapp, web, prompt="none"), "login_required")


@pytest.mark.parametrize(
    "redirect_uri",
    [
        WEB_REDIRECT + "/",
        WEB_REDIRECT + "?extra=1",
        "https://app.example.org:8443/callback",
        "https://app.example.org@evil.example.com/callback",
        "https://good@app.example.org/callback",
        "https://app.example.org/x/../callback",
        "https://app.example.org/callback%2F",
        "https://APP.example.org/callback",
        "https://app.example.org/Callback",
        "HTTPS://app.example.org/callback",
        "https://app.example.org:443/callback",
        "https://app.example.org/%63allback",
        "http://app.example.org/callback",
        WEB_REDIRECT + "#frag",
        "https://evil.example.com/callback",
    ],
)
def test_a_redirect_uri_must_match_exactly(
    testapp: webtest.TestApp, web: Client, redirect_uri: str
) -> None:
    login(testapp, "alice")
    assert_own_error_page(ask(testapp, web, redirect_uri=redirect_uri))


def test_a_missing_redirect_uri_gets_our_own_page(
    testapp: webtest.TestApp, web: Client
) -> None:
    login(testapp, "alice")
    assert_own_error_page(ask(testapp, web, redirect_uri=None))


def test_an_unknown_client_gets_our_own_page(
    testapp: webtest.TestApp, web: Client
) -> None:
    login(testapp, "alice")
    web.client_id = "vte_unknown"
    page = ask(testapp, web)
    assert_own_error_page(page)
    assert_page_headers(page)


def test_a_deactivated_application_gets_our_own_page(
    testapp: webtest.TestApp, web: Client, extapps_request: Any
) -> None:
    set_active(extapps_request, web.application, False)
    login(testapp, "alice")
    assert_own_error_page(ask(testapp, web))


def test_a_switched_off_server_shows_an_error_page(
    testapp: webtest.TestApp, web: Client, dbsession: Session
) -> None:
    save_configuration(dbsession, server_enabled=False)
    login(testapp, "alice")
    response = ask(testapp, web, 503)
    assert "Location" not in response.headers


@pytest.mark.parametrize("state", ["xyz-123", ODD_STATE])
def test_an_unknown_scope_goes_back_as_invalid_scope(
    testapp: webtest.TestApp, web: Client, state: str
) -> None:
    login(testapp, "alice")
    response = ask(testapp, web, scope="invoice:read admin", state=state)
    assert_error_redirect(response, "invalid_scope", state=state)


def test_a_scope_outside_the_application_is_invalid_scope(
    testapp: webtest.TestApp, web: Client
) -> None:
    login(testapp, "alice")
    response = ask(testapp, web, scope="contacts:write", state=ODD_STATE)
    assert_error_redirect(response, "invalid_scope", state=ODD_STATE)


@pytest.mark.parametrize(
    "response_type", ["token", "code token", "id_token", "none", "CODE"]
)
def test_other_response_types_go_back_as_unsupported(
    testapp: webtest.TestApp, web: Client, response_type: str
) -> None:
    login(testapp, "alice")
    response = ask(testapp, web, response_type=response_type, state=ODD_STATE)
    assert_error_redirect(response, "unsupported_response_type", state=ODD_STATE)


def test_an_anonymous_user_gets_errors_before_signing_in(
    testapp: webtest.TestApp, web: Client
) -> None:
    # The request is checked before the login page, so nobody signs in for it.
    response = ask(testapp, web, scope="admin", state=ODD_STATE)
    assert_error_redirect(response, "invalid_scope", state=ODD_STATE)


def test_a_service_account_gets_our_own_page(
    testapp: webtest.TestApp, service: Client
) -> None:
    # A2: a service account has no redirect URI and no authorization screen.
    login(testapp, "alice")
    assert_own_error_page(ask(testapp, service))


def test_a_repeated_parameter_is_invalid_request(
    testapp: webtest.TestApp, web: Client
) -> None:
    login(testapp, "alice")
    _, challenge = pkce()
    params = list(authorize_params(web, WEB_REDIRECT, challenge).items())
    for name, value in params:
        response = testapp.get(AUTHORIZE, [*params, (name, value)], status="*")
        if name.startswith("code_challenge"):
            # Checked after the redirect URI: the error goes back to the client.
            assert_error_redirect(response, "invalid_request")
            continue
        # Before the redirect URI can be trusted: our own page says what is wrong.
        assert_own_error_page(response)
        message = response.html.find(class_="oauth-error-message").get_text()
        assert f"gives {name} more than once" in message
        assert "invalid_request" in message


def test_a_user_deactivated_in_the_host_gets_no_code(
    testapp: webtest.TestApp, web: Client, dbsession: Session
) -> None:
    from vte_extapps.demo.models import User

    login(testapp, "alice")
    page = ask(testapp, web, 200)
    alice = dbsession.get(User, int(user_id_of(dbsession, "alice")))
    assert alice is not None
    alice.active = False
    dbsession.flush()
    response = page.forms[0].submit("decision", value="approve", status="*")
    assert "code" not in response.headers.get("Location", "")
