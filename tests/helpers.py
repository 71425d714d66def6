"""Small helpers the functional tests share."""

from __future__ import annotations

import re

import webtest

CSRF_FIELD = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
)


def csrf_token_of(page: webtest.TestResponse) -> str:
    """The CSRF token embedded in a page's form."""
    found = CSRF_FIELD.search(page.text)
    assert found, "the page has no csrf_token field"
    return found.group(1) or found.group(2)


def login(testapp: webtest.TestApp, username: str, password: str | None = None) -> None:
    """Log in through the demo's real login form."""
    page = testapp.get("/login")
    response = testapp.post(
        "/login",
        {
            "username": username,
            "password": username if password is None else password,
            "csrf_token": csrf_token_of(page),
        },
    )
    assert response.status_int == 303, response.status
