"""Three ways to end a linked application's access, each at once (SECURITY G4).

The user revokes it on Preferences > Linked Applications, the host
deactivates the user, or an administrator deactivates the application on
Settings > External Applications. Each is done over HTTP where the product
offers a page for it; the next API call, refresh and introspection all fail.
"""

from __future__ import annotations

from typing import Any

import pytest
import webtest
from sqlalchemy import update
from sqlalchemy.orm import Session

from tests.helpers import bearer, login
from vte_extapps.demo.models import User

from .conftest import WEB_REDIRECT
from .flows import (
    AUTHORIZE,
    INTROSPECT,
    Client,
    authorize_params,
    basic,
    code_tokens,
    pkce,
    post_token,
)

QUERY = "/restapi/v1/vtews/query"
LINKED_URL = "/preferences/linked-applications"
ADMIN_URL = "/settings/external-applications"


@pytest.fixture
def tokens(testapp: webtest.TestApp, web: Client) -> dict[str, Any]:
    """Alice linked the portal; its tokens work, then the test ends them."""
    login(testapp, "alice")
    body = code_tokens(testapp, web, WEB_REDIRECT, scope="invoice:read profile")
    assert api_status(testapp, body["access_token"]) == 200
    return body


def api_status(testapp: webtest.TestApp, access_token: str) -> int:
    response = testapp.post_json(
        QUERY,
        {"query": "SELECT count(*) FROM Invoice;"},
        headers=bearer(access_token),
        status="*",
    )
    return response.status_int


def refresh(testapp: webtest.TestApp, web: Client, tokens: dict[str, Any]) -> Any:
    return post_token(
        testapp,
        web,
        "4*",
        grant_type="refresh_token",
        refresh_token=tokens["refresh_token"],
    )


def introspect(testapp: webtest.TestApp, web: Client, token: str) -> Any:
    return testapp.post(
        INTROSPECT,
        {"token": token},
        headers=basic(web.client_id, web.secret or ""),
        status="*",
    )


def test_revoking_on_linked_applications_ends_access_at_once(
    testapp: webtest.TestApp, web: Client, tokens: dict[str, Any]
) -> None:
    confirm = testapp.get(LINKED_URL).click("Revoke access")
    confirm.forms[0].submit().follow()

    assert api_status(testapp, tokens["access_token"]) == 401
    assert refresh(testapp, web, tokens).json["error"] == "invalid_grant"
    for token in (tokens["access_token"], tokens["refresh_token"]):
        assert introspect(testapp, web, token).json == {"active": False}
    # Connecting the application again asks for consent again.
    _, challenge = pkce()
    page = testapp.get(AUTHORIZE, authorize_params(web, WEB_REDIRECT, challenge))
    assert page.status_int == 200
    assert "Approve" in page.text


def test_deactivating_the_user_in_the_host_ends_access_at_once(
    testapp: webtest.TestApp, web: Client, tokens: dict[str, Any], dbsession: Session
) -> None:
    dbsession.execute(update(User).where(User.username == "alice").values(active=False))
    dbsession.expire_all()

    assert api_status(testapp, tokens["access_token"]) == 401
    assert refresh(testapp, web, tokens).json["error"] == "invalid_grant"
    for token in (tokens["access_token"], tokens["refresh_token"]):
        assert introspect(testapp, web, token).json == {"active": False}

    # The refresh found the user gone and revoked their tokens for good:
    # activating alice again brings no application back.
    dbsession.execute(update(User).where(User.username == "alice").values(active=True))
    dbsession.expire_all()
    assert api_status(testapp, tokens["access_token"]) == 401
    assert refresh(testapp, web, tokens).json["error"] == "invalid_grant"


def test_deactivating_the_application_ends_access_at_once(
    testapp: webtest.TestApp, web: Client, tokens: dict[str, Any], app: Any
) -> None:
    administrator = webtest.TestApp(app, extra_environ=testapp.extra_environ)
    login(administrator, "admin")
    page = administrator.get(ADMIN_URL)
    (status_form,) = [
        form
        for form in page.forms.values()
        if form.action.endswith(f"/{web.client_id}/status")
    ]
    page = status_form.submit().follow()

    assert api_status(testapp, tokens["access_token"]) == 401
    # The application itself can no longer authenticate, so nothing it holds
    # can be refreshed or looked at.
    response = refresh(testapp, web, tokens)
    assert response.status_int == 401
    assert response.json["error"] == "invalid_client"
    assert introspect(testapp, web, tokens["access_token"]).status_int == 401

    # Its tokens were revoked, not suspended: activating it again gives none
    # of them back.
    (status_form,) = [
        form
        for form in page.forms.values()
        if form.action.endswith(f"/{web.client_id}/status")
    ]
    status_form.submit().follow()
    assert api_status(testapp, tokens["access_token"]) == 401
    assert refresh(testapp, web, tokens).json["error"] == "invalid_grant"
    assert introspect(testapp, web, tokens["access_token"]).json == {"active": False}
