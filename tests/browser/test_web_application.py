"""A web application is added, authorised by alice, then unlinked by her."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import BrowserContext, FilePayload, Page, Route, expect

from .crm import (
    Snap,
    admin_signs_in,
    leave_credentials,
    pkce_pair,
    query_invoices,
    shown_credentials,
    sign_in,
    start_wizard,
    tiny_png,
    token_response,
    unique_name,
)

pytestmark = pytest.mark.browser

REDIRECT_URI = "https://app.example.test/callback"
SCOPES = ("invoice:read", "profile")


def answer_as_the_application(route: Route) -> None:
    """Stands in for the application's own site, which does not exist."""
    route.fulfill(
        status=200,
        content_type="text/html",
        body="<!doctype html><title>Example app</title><h1>Back at the app</h1>",
    )


def add_web_application(page: Page, snap: Snap, name: str) -> tuple[str, str]:
    """The administrator adds it through the wizard; its client ID and secret."""
    admin_signs_in(page, snap)
    start_wizard(page, snap, "Web Application")
    page.get_by_role("textbox", name="Name", exact=True).fill(name)
    page.get_by_label("Description").fill("Sends the invoices to the accounts.")
    page.get_by_label("Secret key").check()
    for scope in SCOPES:
        page.get_by_role("checkbox", name=scope).check()
    page.get_by_label("Redirect URLs, one per line").fill(REDIRECT_URI)
    logo = FilePayload(name="logo.png", mimeType="image/png", buffer=tiny_png())
    page.get_by_label("Logo", exact=True).set_input_files(logo)
    snap(page, "details")
    page.get_by_role("button", name="Save and show credentials").click()
    client_id, secret = shown_credentials(page, snap)
    leave_credentials(page, snap, client_id)
    return client_id, secret


def test_user_authorises_a_web_application_and_revokes_it(
    new_context: Callable[[], BrowserContext], snap: Snap, sqlite_server: str
) -> None:
    name = unique_name("Invoice mailer")
    client_id, secret = add_web_application(new_context().new_page(), snap, name)

    # Alice, in a browser of her own, is sent to the authorization URL.
    verifier, challenge = pkce_pair()
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": REDIRECT_URI,
            "scope": " ".join(SCOPES),
            "state": "state-of-the-app",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    page = new_context().new_page()
    page.route("https://app.example.test/**", answer_as_the_application)
    page.goto(f"/oauth/authorize?{query}")

    # She signs in first, and lands on the consent screen.
    page.wait_for_url("**/login?**")
    sign_in(page, snap, "alice")
    page.wait_for_url("**/oauth/authorize?**")
    expect(page.get_by_role("heading", name=f"Allow {name}")).to_be_visible()
    logo = page.locator("img.consent-logo")
    expect(logo).to_be_visible()
    assert logo.evaluate("image => image.complete && image.naturalWidth > 0")
    expect(page.locator(".consent-scope")).to_have_text(
        ["View your Invoices", "See your name and email address"]
    )
    snap(page, "consent")

    # She approves; the browser goes back to the application with a code.
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url(f"{REDIRECT_URI}?**")
    snap(page, "back-at-the-app")
    returned = parse_qs(urlsplit(page.url).query)
    assert returned["state"] == ["state-of-the-app"]

    # The application exchanges the code; the token reads invoices.
    answer = token_response(
        sqlite_server,
        (client_id, secret),
        grant_type="authorization_code",
        code=returned["code"][0],
        redirect_uri=REDIRECT_URI,
        code_verifier=verifier,
    )
    token = answer["access_token"]
    assert query_invoices(sqlite_server, token).status_code == 200

    # Alice finds it under Linked Applications and revokes it.
    page.goto("/preferences/linked-applications")
    linked = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name=name)
    )
    expect(linked).to_contain_text("View your Invoices")
    snap(page, "linked-applications")
    linked.get_by_role("link", name=f"Revoke access of {name}").click()
    expect(
        page.get_by_role("heading", name=f"Revoke access of {name}?")
    ).to_be_visible()
    snap(page, "revoke-confirmation")
    page.get_by_role("button", name="Revoke access").click()
    expect(page.get_by_role("status")).to_have_text(
        f"{name} can no longer use your account; its access was revoked."
    )
    expect(page.get_by_role("heading", name=name)).to_have_count(0)
    snap(page, "revoked")

    # The application's token stops working at once.
    assert query_invoices(sqlite_server, token).status_code == 401
