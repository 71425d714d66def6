"""An administrator revokes every token of an application from the list."""

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


def test_revoking_all_tokens_counts_them_and_ends_them(
    page: Page, snap: Snap, sqlite_server: str
) -> None:
    name = unique_name("Warehouse")

    # A service account, added by the administrator, gets three tokens.
    admin_signs_in(page, snap)
    start_wizard(page, snap, "Service Account")
    page.get_by_role("textbox", name="Name", exact=True).fill(name)
    choose_run_as_user(page, "Bob Nguyen")
    page.get_by_role("checkbox", name="invoice:read").check()
    snap(page, "details")
    page.get_by_role("button", name="Save and show credentials").click()
    client_id, secret = shown_credentials(page, snap)
    leave_credentials(page, snap, client_id)
    tokens = [
        service_token(sqlite_server, client_id, secret, "invoice:read")
        for _ in range(3)
    ]
    assert [query_invoices(sqlite_server, t).status_code for t in tokens] == [200] * 3

    # The list counts them.
    page.reload()
    row = page.get_by_role("row").filter(has_text=client_id)
    active_tokens = row.locator("[data-label='Active tokens']")
    expect(active_tokens).to_have_text("3")
    snap(page, "applications-with-three-tokens")

    # From the row's tools, the administrator revokes them all and confirms.
    row.get_by_text(f"Tools for {name}").click()
    snap(page, "tools-menu")
    row.get_by_role("link", name="Revoke all tokens").click()
    expect(
        page.get_by_role("heading", name=f"Revoke all tokens of {name}?")
    ).to_be_visible()
    snap(page, "confirmation")
    page.get_by_role("button", name="Revoke all tokens").click()
    expect(page.get_by_role("status")).to_have_text(
        f"3 active tokens were revoked for {name}."
    )
    expect(active_tokens).to_have_text("0")
    snap(page, "revoked")

    # None of the three works any more.
    assert [query_invoices(sqlite_server, t).status_code for t in tokens] == [401] * 3
