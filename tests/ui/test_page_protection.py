"""Forged and cross-site requests change nothing (SECURITY L2), and a bearer
token never opens a page meant for a signed-in person (SECURITY L5).

Every state-changing form of the plugin carries Pyramid's CSRF token and
passes the plugin's origin check; a post without the token, or sent from
another site, is refused and leaves no trace in the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import webtest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.helpers import access_token_for, bearer, login
from tests.oauth.flows import AUTHORIZE, Client, authorize_params, pkce
from tests.ui.helpers import ADMIN_URL, LINKED_URL, session_csrf_token
from vte_extapps.models import AuditEvent, AuthMethod, ClientType, ServerConfiguration

#: Every form an administrator posts, with fields that would change something.
ADMIN_POSTS = [
    ("/configuration", {"server_enabled": "", "access_token_lifetime": "600"}),
    ("/new?client_type=service", {"name": "Forged", "scopes": "invoice:read"}),
    ("/{cid}/edit", {"name": "Forged name", "scopes": "invoice:read"}),
    ("/{cid}/status", {}),
    ("/{cid}/revoke-tokens", {}),
    ("/{cid}/credentials/rotate-secret", {}),
    ("/{cid}/credentials/secrets/revoke", {"secret_id": "{sid}"}),
    ("/{jid}/credentials/keys", {"key_source": "generate"}),
    ("/{jid}/credentials/keys/remove", {"kid": "{kid}"}),
    ("/{cid}/delete", {}),
]
#: What a browser says about a post from another site.
CROSS_SITE = [
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
    {"Origin": "https://evil.example.com"},
    {"Origin": "http://crm.example.com"},
]


@pytest.fixture
def targets(make_application: Callable[..., Any]) -> dict[str, str]:
    """Values to fill in the URLs and fields above."""
    secret_app = make_application("Invoice Sync").application
    jwt_app = make_application("Signer", auth_method=AuthMethod.JWT).application
    return {
        "cid": secret_app.client_id,
        "sid": str(secret_app.secrets[0].id),
        "jid": jwt_app.client_id,
        "kid": jwt_app.keys[0].kid,
    }


def filled(template: str, targets: dict[str, str]) -> str:
    return template.format(**targets)


def audit_count(dbsession: Session) -> int:
    return int(dbsession.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def nothing_changed(dbsession: Session, before: int) -> None:
    dbsession.expire_all()
    assert audit_count(dbsession) == before
    assert dbsession.scalars(select(ServerConfiguration)).first() is None


@pytest.mark.parametrize(("path", "fields"), ADMIN_POSTS)
def test_an_admin_post_without_the_csrf_token_changes_nothing(
    admin: webtest.TestApp,
    targets: dict[str, str],
    dbsession: Session,
    path: str,
    fields: dict[str, str],
) -> None:
    before = audit_count(dbsession)
    body = {name: filled(value, targets) for name, value in fields.items()}
    url = ADMIN_URL + filled(path, targets)
    admin.post(url, body, status=400)
    admin.post(url, {**body, "csrf_token": "forged"}, status=400)
    nothing_changed(dbsession, before)


@pytest.mark.parametrize("headers", CROSS_SITE)
@pytest.mark.parametrize(("path", "fields"), ADMIN_POSTS)
def test_an_admin_post_from_another_site_changes_nothing(
    admin: webtest.TestApp,
    targets: dict[str, str],
    dbsession: Session,
    path: str,
    fields: dict[str, str],
    headers: dict[str, str],
) -> None:
    before = audit_count(dbsession)
    body = {name: filled(value, targets) for name, value in fields.items()}
    body["csrf_token"] = session_csrf_token(admin)
    admin.post(ADMIN_URL + filled(path, targets), body, headers=headers, status=400)
    nothing_changed(dbsession, before)


def test_the_same_post_from_the_crms_own_page_goes_through(
    admin: webtest.TestApp, targets: dict[str, str], dbsession: Session
) -> None:
    before = audit_count(dbsession)
    admin.post(
        f"{ADMIN_URL}/{targets['cid']}/status",
        {"csrf_token": session_csrf_token(admin)},
        headers={"Sec-Fetch-Site": "same-origin", "Origin": "null"},
        status=303,
    )
    assert audit_count(dbsession) == before + 1


def test_revoking_a_linked_application_from_another_site_changes_nothing(
    testapp: webtest.TestApp,
    make_application: Callable[..., Any],
    make_grant: Callable[..., Any],
    user_id: Callable[[str], str],
) -> None:
    grant = make_grant(
        make_application("Lead Finder", ClientType.WEB).application, user_id("alice")
    )
    login(testapp, "alice")
    token = session_csrf_token(testapp)
    url = f"{LINKED_URL}/{grant.id}/revoke"
    testapp.post(url, {"csrf_token": "forged"}, status=400)
    for headers in CROSS_SITE:
        testapp.post(url, {"csrf_token": token}, headers=headers, status=400)
    assert grant.revoked_at is None


def test_a_consent_post_from_another_site_is_refused(
    testapp: webtest.TestApp,
    make_application: Callable[..., Any],
    dbsession: Session,
) -> None:
    application = make_application("Lead Finder", ClientType.WEB).application
    login(testapp, "alice")
    _, challenge = pkce()
    client = Client(application.client_id, None, None, application)
    params = authorize_params(client, "https://app.example.com/callback", challenge)
    form = testapp.get(AUTHORIZE, params).forms[0]
    before = audit_count(dbsession)
    for headers in CROSS_SITE:
        response = form.submit("decision", value="approve", headers=headers, status=400)
        assert "Location" not in response.headers
    nothing_changed(dbsession, before)
    # The request is still pending, and the real page may still answer it.
    assert form.submit("decision", value="approve").status_int == 303


def test_every_form_that_posts_carries_the_sessions_csrf_token(
    admin: webtest.TestApp,
    targets: dict[str, str],
    make_application: Callable[..., Any],
    make_grant: Callable[..., Any],
    user_id: Callable[[str], str],
) -> None:
    application = make_application("Mail Merge", ClientType.WEB).application
    make_grant(application, user_id("admin"))
    pages = [
        "",
        "/new",
        "/new?client_type=service",
        "/new?client_type=web",
        "/new?client_type=mobile",
        "/{cid}/edit",
        "/{cid}/credentials",
        "/{jid}/credentials",
        "/{cid}/revoke-tokens",
        "/{cid}/delete",
    ]
    urls = [ADMIN_URL + filled(path, targets) for path in pages] + [LINKED_URL]
    token = session_csrf_token(admin)
    posting = 0
    for url in urls:
        for form in admin.get(url).html.find_all("form"):
            if (form.get("method") or "get").lower() != "post":
                continue
            posting += 1
            field = form.find("input", attrs={"name": "csrf_token"})
            assert field is not None, f"a form on {url} has no CSRF token"
            assert field["value"] == token
    assert posting >= len(urls)


@pytest.mark.parametrize(
    "path", ["", "/users?q=a", "/{cid}/edit", "/{cid}/credentials", "/{cid}/audit"]
)
def test_an_administrators_bearer_token_never_opens_an_admin_page(
    testapp: webtest.TestApp,
    targets: dict[str, str],
    make_application: Callable[..., Any],
    user_id: Callable[[str], str],
    dbsession: Session,
    path: str,
) -> None:
    # L5: a service account running as the administrator, with every scope,
    # still holds no admin permission; a session next to it does not help.
    issued = make_application(
        "Admin ERP",
        run_as_user_id=user_id("admin"),
        scopes=["invoice:read", "invoice:write", "profile"],
    )
    token = access_token_for(dbsession, issued.application)
    url = ADMIN_URL + filled(path, targets)
    testapp.get(url, headers=bearer(token), status=403)
    login(testapp, "admin")
    testapp.get(url, headers=bearer(token), status=403)
    testapp.post(
        f"{ADMIN_URL}/{targets['cid']}/status",
        {"csrf_token": session_csrf_token(testapp)},
        headers=bearer(token),
        status=403,
    )
    testapp.get(url, status=200)
