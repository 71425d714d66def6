"""What the browser tests do on the CRM's pages and over its HTTP API."""

from __future__ import annotations

import base64
import hashlib
import secrets
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from playwright.sync_api import Page, expect

# Each HTTP call the tests make themselves gives up after this many seconds.
HTTP_TIMEOUT = 10
INVOICE_QUERY = {"query": "SELECT * FROM Invoice;"}

#: Saves a full-page screenshot of the page, named for the step it shows.
Snap = Callable[[Page, str], Path]


def unique_name(kind: str) -> str:
    """An application name no other test, nor an earlier run, has used."""
    return f"{kind} {secrets.token_hex(3)}"


def sign_in(page: Page, snap: Snap, username: str) -> None:
    """Fill in the demo's sign-in form on the page it is showing."""
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    snap(page, f"sign-in-as-{username}")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(username)
    page.get_by_role("button", name="Sign in").click()


def admin_signs_in(page: Page, snap: Snap) -> None:
    """The administrator signs in from the sign-in page and lands at home."""
    page.goto("/login")
    sign_in(page, snap, "admin")
    page.wait_for_url("**/")
    snap(page, "home")


def start_wizard(page: Page, snap: Snap, client_type: str) -> None:
    """Open Add application and pass step 1 with ``client_type`` chosen."""
    page.goto("/settings/external-applications")
    snap(page, "applications")
    page.get_by_role("link", name="Add application").click()
    expect(page.get_by_role("group", name="What kind of application")).to_be_visible()
    snap(page, "client-type")
    page.get_by_label(client_type).check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name=client_type)).to_be_visible()


def choose_run_as_user(page: Page, display_name: str) -> None:
    picker = page.get_by_label("CRM user the application acts as")
    option = picker.locator("option", has_text=display_name)
    picker.select_option(value=option.get_attribute("value"))


def shown_credentials(page: Page, snap: Snap) -> tuple[str, str]:
    """The client ID and the secret key on step 3 of the wizard."""
    expect(page.get_by_role("heading", name="is ready")).to_be_visible()
    snap(page, "credentials")
    client_id = page.get_by_label("Client ID").input_value()
    secret = page.get_by_label("Secret key").input_value()
    assert client_id
    assert len(secret) >= 32
    return client_id, secret


def leave_credentials(page: Page, snap: Snap, client_id: str) -> None:
    """Back to the list, where the new application has its row."""
    page.get_by_role("link", name="I have saved the credentials").click()
    expect(page.get_by_role("row").filter(has_text=client_id)).to_be_visible()
    snap(page, "applications-with-the-new-one")


def token_response(base_url: str, auth: tuple[str, str], **fields: str) -> Any:
    """The token endpoint's JSON answer, which must be a success."""
    response = requests.post(
        f"{base_url}/oauth/token", data=fields, auth=auth, timeout=HTTP_TIMEOUT
    )
    assert response.status_code == 200, response.text
    return response.json()


def service_token(base_url: str, client_id: str, secret: str, scope: str) -> str:
    """An access token from the client credentials grant."""
    answer = token_response(
        base_url, (client_id, secret), grant_type="client_credentials", scope=scope
    )
    return str(answer["access_token"])


def query_invoices(base_url: str, access_token: str) -> requests.Response:
    """The REST API's query method, called with a bearer token."""
    return requests.post(
        f"{base_url}/restapi/v1/vtews/query",
        json=INVOICE_QUERY,
        headers={"Authorization": f"Bearer {access_token}"},
        timeout=HTTP_TIMEOUT,
    )


def pkce_pair() -> tuple[str, str]:
    """A code verifier and its S256 challenge (RFC 7636 4.1, 4.2)."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return verifier, challenge


def tiny_png(width: int = 8, height: int = 8) -> bytes:
    """A valid PNG of one flat colour, small enough to build by hand."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    row = b"\x00" + b"\x1f\x6f\xb4" * width
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )
