"""Helpers for driving the demo CRM: signed-in web services clients."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import webtest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.helpers import csrf_token_of, login
from vte_extapps.demo.models import User

API = "/restapi/v1/vtews/"


class CrmClient:
    """Calls the web services the way the CRM's own pages would."""

    def __init__(self, testapp: webtest.TestApp, csrf_token: str | None) -> None:
        self.testapp = testapp
        self.csrf_token = csrf_token

    def call(self, method: str, status: int = 200, **params: Any) -> Any:
        """The whole answer of a call, checking its HTTP status and wire status."""
        headers = {"X-CSRF-Token": self.csrf_token} if self.csrf_token else {}
        response = self.testapp.post_json(
            API + method, params, headers=headers, status=status
        )
        assert response.content_type == "application/json"
        assert response.json["status"] == status
        return response.json

    def data(self, method: str, **params: Any) -> Any:
        return self.call(method, **params)["data"]

    def query(self, text: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.data("query", query=text)
        return rows

    def error(self, method: str, status: int, **params: Any) -> tuple[str, str]:
        """The error name and message of a call expected to fail with ``status``."""
        body = self.call(method, status=status, **params)
        assert "data" not in body
        return body["error"], body["message"]


@pytest.fixture
def client_for(app: Any, testapp: webtest.TestApp) -> Callable[[str], CrmClient]:
    """A signed-in client for a user, each in a browser of its own."""

    def sign_in(username: str) -> CrmClient:
        browser = webtest.TestApp(app, extra_environ=testapp.extra_environ)
        login(browser, username)
        return CrmClient(browser, csrf_token_of(browser.get("/")))

    return sign_in


@pytest.fixture
def alice(client_for: Callable[[str], CrmClient]) -> CrmClient:
    return client_for("alice")


@pytest.fixture
def bob(client_for: Callable[[str], CrmClient]) -> CrmClient:
    return client_for("bob")


@pytest.fixture
def admin(client_for: Callable[[str], CrmClient]) -> CrmClient:
    return client_for("admin")


@pytest.fixture
def anonymous(testapp: webtest.TestApp) -> CrmClient:
    return CrmClient(testapp, None)


@pytest.fixture
def user_ids(dbsession: Session) -> dict[str, int]:
    """Seeded user names and their ids, which differ between databases."""
    return dict(dbsession.execute(select(User.username, User.id)).all())


def wire_user(user_id: int) -> str:
    return f"19x{user_id}"
