"""A CRM user at a browser, played by a requests session: sign in, consent.

Redirects are never followed: the application's redirect URI names a host
that does not exist, and the code is read from the ``Location`` header.
"""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser
from urllib.parse import urljoin

import requests

from .integrator import HTTP_TIMEOUT


@dataclasses.dataclass
class Form:
    action: str
    fields: dict[str, str]


class _FormReader(HTMLParser):
    """The forms of a page, each with its action and hidden fields."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append(Form(attributes.get("action", ""), {}))
        elif tag == "input" and self.forms and attributes.get("type") == "hidden":
            self.forms[-1].fields[attributes["name"]] = attributes.get("value", "")


def forms_of(page: requests.Response) -> list[Form]:
    reader = _FormReader()
    reader.feed(page.text)
    for form in reader.forms:
        form.action = urljoin(page.url, form.action)
    return reader.forms


class Person:
    """Someone signing in to the CRM and answering consent screens."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()

    def close(self) -> None:
        self.http.close()

    def sign_in(self, username: str) -> None:
        """The demo's login form; each demo user's password is their name."""
        page = self.http.get(self.base_url + "/login", timeout=HTTP_TIMEOUT)
        assert page.status_code == 200, page.status_code
        (form,) = (form for form in forms_of(page) if form.action.endswith("/login"))
        answer = self.http.post(
            form.action,
            data={**form.fields, "username": username, "password": username},
            allow_redirects=False,
            timeout=HTTP_TIMEOUT,
        )
        assert answer.status_code == 303, answer.status_code

    def approve(self, authorization_url: str) -> str:
        """Open the authorization URL, press Approve; where the CRM sends us."""
        page = self.http.get(
            authorization_url, allow_redirects=False, timeout=HTTP_TIMEOUT
        )
        assert page.status_code == 200, page.status_code
        assert "to use your account?" in page.text
        (form,) = (form for form in forms_of(page) if "request_id" in form.fields)
        answer = self.http.post(
            form.action,
            data={**form.fields, "decision": "approve"},
            allow_redirects=False,
            timeout=HTTP_TIMEOUT,
        )
        # RFC 9700 4.12: 303, so the browser does not post the form again.
        assert answer.status_code == 303, answer.status_code
        return answer.headers["Location"]
