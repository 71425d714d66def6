"""Every page of the plugin passes axe-core's checks, and the wizard works
from the keyboard alone with a focus that can be seen.

axe-core is the engine browsers' own accessibility audits use: missing
labels, insufficient contrast, unnamed buttons, broken landmarks and ARIA
misuse are each a violation. Its script ships with axe-playwright-python, so
nothing is fetched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from .crm import Snap, admin_signs_in, pkce_pair, sign_in, unique_name

pytestmark = pytest.mark.browser

ADMIN = "/settings/external-applications"
LINKED = "/preferences/linked-applications"
REDIRECT_URI = "https://app.example.test/callback"

#: WCAG 2.0 and 2.1, levels A and AA, and axe's best practices.
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
}


def violations(page: Page) -> list[str]:
    """axe-core's violations on the page, one line each, with where they are."""
    found: list[dict[str, Any]] = (
        Axe().run(page, options=AXE_OPTIONS).response["violations"]
    )
    return [
        f"{rule['id']} ({rule['impact']}): {rule['help']} at "
        + ", ".join(str(node["target"]) for node in rule["nodes"][:3])
        for rule in found
    ]


def audit_page(page: Page, snap: Snap, path: str, what: str) -> None:
    page.goto(path)
    snap(page, what)
    assert violations(page) == [], path


def add_web_application_by_keyboard(page: Page, snap: Snap, name: str) -> str:
    """The wizard, driven with Tab, arrows, Space and Enter only; its client ID."""
    page.goto(ADMIN)
    focus_and_press(page, page.get_by_role("link", name="Add application"), "Enter")
    # The kinds are one radio group: Tab enters it, an arrow moves the choice.
    focus_and_press(page, page.get_by_label("Service Account"), "ArrowDown")
    expect(page.get_by_label("Web Application")).to_be_checked()
    focus_and_press(page, page.get_by_role("button", name="Next"), "Enter")

    expect(page.get_by_role("heading", name="Web Application")).to_be_visible()
    name_field = page.get_by_role("textbox", name="Name", exact=True)
    focus_and_press(page, name_field, "End")
    page.keyboard.type(name)
    focus_and_press(page, page.get_by_role("checkbox", name="invoice:read"), "Space")
    redirects = page.get_by_label("Redirect URLs, one per line")
    focus_and_press(page, redirects, "End")
    page.keyboard.type(REDIRECT_URI)
    snap(page, "details-typed")
    focus_and_press(
        page, page.get_by_role("button", name="Save and show credentials"), "Enter"
    )
    expect(page.get_by_role("heading", name="is ready")).to_be_visible()
    return page.get_by_label("Client ID").input_value()


def focus_and_press(page: Page, target: Any, key: str) -> None:
    """Reach ``target`` with Tab from where the focus is, then press ``key``.

    Every step of the way the focused element must show a visible focus ring.
    """
    for _ in range(80):
        if target.evaluate("element => element === document.activeElement"):
            assert_focus_is_visible(page)
            page.keyboard.press(key)
            return
        page.keyboard.press("Tab")
        assert_focus_is_visible(page)
    raise AssertionError(f"Tab never reached {target}")


def assert_focus_is_visible(page: Page) -> None:
    """The focused element draws an outline or a box shadow."""
    ring = page.evaluate(
        """() => {
            const element = document.activeElement;
            if (!element || element === document.body) return "none: body";
            const style = getComputedStyle(element);
            const outline = style.outlineStyle !== "none"
                && parseFloat(style.outlineWidth) > 0;
            return outline || style.boxShadow !== "none"
                ? "" : "none: " + element.outerHTML.slice(0, 80);
        }"""
    )
    assert ring in {"", "none: body"}, ring


def test_every_admin_page_passes_the_accessibility_checks(
    page: Page, snap: Snap
) -> None:
    admin_signs_in(page, snap)
    client_id = add_web_application_by_keyboard(page, snap, unique_name("Audited"))
    assert violations(page) == [], "credentials"

    audit_page(page, snap, ADMIN, "applications")
    page.get_by_text("General configuration").click()
    assert violations(page) == [], "general configuration"
    audit_page(page, snap, f"{ADMIN}/new", "client-type")
    for kind in ("service", "web", "mobile"):
        audit_page(page, snap, f"{ADMIN}/new?client_type={kind}", f"new-{kind}")
    for tool in ("edit", "tokens", "credentials", "audit", "revoke-tokens", "delete"):
        audit_page(page, snap, f"{ADMIN}/{client_id}/{tool}", tool)

    # A form sent back with errors names them accessibly too.
    page.goto(f"{ADMIN}/new?client_type=web")
    page.get_by_role("button", name="Save and show credentials").click()
    expect(page.locator(".field-error").first).to_be_visible()
    snap(page, "errors")
    assert violations(page) == [], "errors"


def test_the_consent_screen_and_linked_applications_pass_them_too(
    new_context: Callable[[], BrowserContext], snap: Snap
) -> None:
    admin = new_context().new_page()
    admin_signs_in(admin, snap)
    client_id = add_web_application_by_keyboard(admin, snap, unique_name("Linked"))

    alice = new_context().new_page()
    audit_page(alice, snap, LINKED, "nothing-linked")
    _, challenge = pkce_pair()
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": "invoice:read",
        "state": "s",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    alice.goto("/oauth/authorize?" + urlencode(query))
    sign_in(alice, snap, "alice")
    expect(alice.get_by_role("button", name="Approve")).to_be_visible()
    snap(alice, "consent")
    assert violations(alice) == [], "consent"

    # Approving by keyboard sends alice back to the application (303).
    with alice.expect_response(
        lambda response: (
            response.request.method == "POST" and "/oauth/authorize" in response.url
        )
    ) as approval:
        focus_and_press(alice, alice.get_by_role("button", name="Approve"), "Enter")
    assert approval.value.status == 303
    assert approval.value.headers["location"].startswith(REDIRECT_URI + "?code=")
    # The application's site does not exist: alice opens her preferences in
    # another tab of the same browser.
    preferences = alice.context.new_page()
    audit_page(preferences, snap, LINKED, "linked")
    preferences.get_by_role("link", name="Revoke access").first.click()
    snap(preferences, "revoke-confirmation")
    assert violations(preferences) == [], "revoke confirmation"
