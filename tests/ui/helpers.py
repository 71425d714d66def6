"""What the page tests share besides fixtures: URLs, form helpers, a tiny PNG."""

from __future__ import annotations

from collections.abc import Sequence

import webtest

from tests.helpers import csrf_token_of

ADMIN_URL = "/settings/external-applications"
LINKED_URL = "/preferences/linked-applications"

#: A 1x1 PNG image.
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
    b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xe0\x8eY\xfb\x1f\x00\x03"
    b"\x9e\x02\x14\x88\xd2\xb2p\x00\x00\x00\x00IEND\xaeB`\x82"
)


def check_boxes(form: webtest.forms.Form, name: str, values: Sequence[str]) -> None:
    """Tick exactly the checkboxes called ``name`` whose value is in ``values``."""
    for field in form.fields[name]:
        field.checked = field._value in values


def field_error(page: webtest.TestResponse, name: str) -> str:
    """The error message shown next to the field ``name``."""
    found = page.html.find(id=f"{name}-error")
    assert found is not None, f"no error shown next to {name}"
    return str(found.get_text(strip=True))


def session_csrf_token(testapp: webtest.TestApp) -> str:
    """The signed-in session's CSRF token, from the CRM's home page."""
    return csrf_token_of(testapp.get("/"))
