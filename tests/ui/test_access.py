"""Who may open which page: administrators only on Settings, each user only
their own grants on Preferences, and never without the CSRF token."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import webtest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.helpers import login
from tests.ui.helpers import ADMIN_URL, LINKED_URL, session_csrf_token
from vte_extapps.models import AuditEvent, ClientType

ADMIN_GETS = [
    "",
    "/new",
    "/users?q=a",
    "/new?client_type=service",
    "/{cid}/edit",
    "/{cid}/tokens",
    "/{cid}/credentials",
    "/{cid}/audit",
    "/{cid}/revoke-tokens",
    "/{cid}/delete",
]
ADMIN_POSTS = [
    "/configuration",
    "/new?client_type=service",
    "/{cid}/edit",
    "/{cid}/status",
    "/{cid}/revoke-tokens",
    "/{cid}/credentials/rotate-secret",
    "/{cid}/credentials/keys",
    "/{cid}/credentials/keys/remove",
    "/{cid}/delete",
]
PAGE_HEADERS = {"Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}
#: What the Content-Security-Policy must say: no framing, nothing from other
#: sites, no inline script, no <base> to redirect relative links.
CSP_DIRECTIVES = {
    "frame-ancestors": "'none'",
    "default-src": "'self'",
    "base-uri": "'none'",
    "form-action": "'self'",
}


def csp_of(response: webtest.TestResponse) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    parts = (part.strip().split(None, 1) for part in policy.split(";"))
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts if part}


@pytest.mark.parametrize("path", ADMIN_GETS)
def test_a_sales_user_gets_403_on_every_admin_page(
    testapp: webtest.TestApp, make_application: Callable[..., Any], path: str
) -> None:
    client_id = make_application().application.client_id
    login(testapp, "alice")
    testapp.get(ADMIN_URL + path.format(cid=client_id), status=403)


@pytest.mark.parametrize("path", ADMIN_POSTS)
def test_a_sales_user_gets_403_on_every_admin_action(
    testapp: webtest.TestApp, make_application: Callable[..., Any], path: str
) -> None:
    client_id = make_application().application.client_id
    login(testapp, "alice")
    testapp.post(
        ADMIN_URL + path.format(cid=client_id),
        {"csrf_token": session_csrf_token(testapp)},
        status=403,
    )


def test_a_visitor_who_is_not_signed_in_never_sees_an_admin_page(
    testapp: webtest.TestApp,
) -> None:
    response = testapp.get(ADMIN_URL, expect_errors=True)
    assert response.status_int in {302, 303, 403}
    assert "External Applications" not in response.text


def test_a_visitor_who_is_not_signed_in_never_sees_linked_applications(
    testapp: webtest.TestApp,
) -> None:
    response = testapp.get(LINKED_URL, expect_errors=True)
    assert response.status_int in {302, 303, 403}
    assert "Linked Applications" not in response.text


def test_bob_can_neither_see_nor_revoke_alices_grant(
    testapp: webtest.TestApp,
    make_application: Callable[..., Any],
    make_grant: Callable[..., Any],
    user_id: Callable[[str], str],
) -> None:
    application = make_application(
        "Mail Merge", ClientType.WEB, display_name="Mail Merge Pro"
    ).application
    grant = make_grant(application, user_id("alice"))
    login(testapp, "bob")

    assert "Mail Merge Pro" not in testapp.get(LINKED_URL).text
    testapp.get(f"{LINKED_URL}/{grant.id}/revoke", status=404)
    testapp.post(
        f"{LINKED_URL}/{grant.id}/revoke",
        {"csrf_token": session_csrf_token(testapp)},
        status=404,
    )
    assert grant.revoked_at is None


@pytest.mark.parametrize("path", ADMIN_POSTS)
def test_every_admin_form_without_its_csrf_token_is_refused(
    admin: webtest.TestApp,
    make_application: Callable[..., Any],
    dbsession: Session,
    path: str,
) -> None:
    application = make_application().application
    events = dbsession.scalar(select(func.count(AuditEvent.id)))
    admin.post(
        ADMIN_URL + path.format(cid=application.client_id),
        {"name": "Changed", "kid": "x", "active": "on", "client_type": "service"},
        status=400,
    )
    dbsession.expire_all()
    assert application.is_active
    assert application.name == "Invoice Sync"
    assert dbsession.scalar(select(func.count(AuditEvent.id))) == events


def test_a_linked_application_revoke_without_its_csrf_token_is_refused(
    testapp: webtest.TestApp,
    make_application: Callable[..., Any],
    make_grant: Callable[..., Any],
    user_id: Callable[[str], str],
) -> None:
    grant = make_grant(
        make_application("Web", ClientType.WEB).application, user_id("bob")
    )
    login(testapp, "bob")
    testapp.post(f"{LINKED_URL}/{grant.id}/revoke", {}, status=400)
    assert grant.revoked_at is None


@pytest.mark.parametrize("path", [*ADMIN_GETS, "linked"])
def test_every_page_forbids_framing_and_referrers(
    admin: webtest.TestApp, make_application: Callable[..., Any], path: str
) -> None:
    client_id = make_application().application.client_id
    url = LINKED_URL if path == "linked" else ADMIN_URL + path.format(cid=client_id)
    response = admin.get(url)
    for name, value in PAGE_HEADERS.items():
        assert response.headers[name] == value
    policy = csp_of(response)
    for directive, value in CSP_DIRECTIVES.items():
        assert policy[directive] == value
    assert "script-src" not in policy  # so default-src 'self' holds for scripts


def test_pages_load_nothing_from_other_sites(
    admin: webtest.TestApp, make_application: Callable[..., Any]
) -> None:
    make_application()
    page = admin.get(ADMIN_URL)
    for tag, attribute in (("script", "src"), ("link", "href"), ("img", "src")):
        for element in page.html.find_all(tag):
            url = element.get(attribute) or ""
            assert url.startswith(("https://crm.example.com/", "/")), url
    assert not page.html.find("script", src=False)


def test_the_layout_links_to_settings_only_for_administrators(
    testapp: webtest.TestApp,
) -> None:
    login(testapp, "alice")
    assert ADMIN_URL not in testapp.get(LINKED_URL).text
    login(testapp, "admin")
    assert ADMIN_URL in testapp.get(LINKED_URL).text
