"""An administrator adds a service account in the browser; it then reads invoices."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .crm import (
    Snap,
    admin_signs_in,
    choose_run_as_user,
    leave_credentials,
    query_invoices,
    service_token,
    shown_credentials,
    start_wizard,
    unique_name,
)

pytestmark = pytest.mark.browser


def test_service_account_from_the_wizard_reads_invoices(
    page: Page, snap: Snap, sqlite_server: str
) -> None:
    name = unique_name("ERP")

    # The administrator signs in and opens the wizard.
    admin_signs_in(page, snap)
    start_wizard(page, snap, "Service Account")
    snap(page, "details")

    # Step 2: a name, alice as the run-as user, invoice:read, a secret key.
    page.get_by_role("textbox", name="Name", exact=True).fill(name)
    page.get_by_label("Secret key").check()
    choose_run_as_user(page, "Alice Martin")
    page.get_by_role("checkbox", name="invoice:read").check()
    snap(page, "details-filled")
    page.get_by_role("button", name="Save and show credentials").click()

    # Step 3 shows the credentials once; the copy button puts the secret on
    # the clipboard.
    client_id, secret = shown_credentials(page, snap)
    expect(page.get_by_role("status")).to_have_text(f"{name} was added.")
    copy_row = page.locator(".copy-row", has=page.get_by_label("Secret key"))
    copy_row.get_by_role("button", name="Copy").click()
    expect(copy_row.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == secret
    snap(page, "secret-copied")
    leave_credentials(page, snap, client_id)

    # The secret gets a token that reads the invoices alice may see.
    token = service_token(sqlite_server, client_id, secret, "invoice:read")
    response = query_invoices(sqlite_server, token)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == 200
    assert response.json()["data"], "alice sees no invoice"
