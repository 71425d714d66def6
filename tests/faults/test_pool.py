"""A connection pool with nothing left to lend (SECURITY R3).

The demo runs here with a pool of one connection, which the test takes for
itself. Every surface then answers 503 in its own format once the pool gives
up waiting, well within a bound, and answers normally once the connection is
given back. The bound is about never hanging, not about speed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import webtest
from sqlalchemy.engine import URL, Connection, Engine

from tests.helpers import bearer, login
from tests.oauth.flows import Client, post_token
from tests.ui.helpers import ADMIN_URL
from vte_extapps.demo import main

from .answers import (
    assert_logged_without_internals,
    assert_service_unavailable,
    assert_temporarily_unavailable,
    assert_unavailable_page,
)
from .conftest import browser_for, crm_settings, engine_of

#: Seconds the pool waits for a connection before giving up.
POOL_TIMEOUT = 1
#: Seconds within which an answer must come: anything longer is a hang.
LIVENESS_BOUND = 10

QUERY = "/restapi/v1/vtews/query"


@pytest.fixture(scope="module")
def small_crm(crm_database: URL) -> Iterator[Any]:
    """The demo with a pool of exactly one connection."""
    settings = crm_settings(
        crm_database,
        **{
            "sqlalchemy.pool_size": "1",
            "sqlalchemy.max_overflow": "0",
            "sqlalchemy.pool_timeout": str(POOL_TIMEOUT),
        },
    )
    app = main({}, **settings)
    yield app
    engine_of(app).dispose()


class OnlyConnection:
    """The small pool's one connection, which the test takes and gives back."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.connection: Connection | None = None

    def take(self) -> None:
        self.connection = self.engine.connect()

    def give_back(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


@pytest.fixture
def only_connection(small_crm: Any) -> Iterator[OnlyConnection]:
    """Given back after the test whatever happened, so no other test waits."""
    only = OnlyConnection(engine_of(small_crm))
    yield only
    only.give_back()


@pytest.fixture
def small_browser(small_crm: Any) -> webtest.TestApp:
    return browser_for(small_crm)


def timed(
    send: Callable[[], webtest.TestResponse],
) -> tuple[webtest.TestResponse, float]:
    started = time.monotonic()
    response = send()
    return response, time.monotonic() - started


def test_the_demo_builds_its_pool_from_the_sqlalchemy_settings(small_crm: Any) -> None:
    pool: Any = engine_of(small_crm).pool
    assert pool.size() == 1
    assert pool.timeout() == POOL_TIMEOUT
    assert pool._max_overflow == 0


def test_a_token_request_on_an_exhausted_pool_answers_503_then_works_once_freed(
    small_browser: webtest.TestApp,
    service: Client,
    only_connection: OnlyConnection,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def send() -> webtest.TestResponse:
        return post_token(small_browser, service, grant_type="client_credentials")

    only_connection.take()
    refused, seconds = timed(send)

    assert seconds < LIVENESS_BOUND
    assert "error=TimeoutError" in caplog.text, "the pool was not what failed"
    assert service.secret is not None
    assert_temporarily_unavailable(refused, service.secret)
    assert_logged_without_internals(caplog, service.secret)

    only_connection.give_back()
    assert send().status_int == 200


def test_an_api_call_on_an_exhausted_pool_answers_503_then_works_once_freed(
    small_browser: webtest.TestApp,
    service: Client,
    only_connection: OnlyConnection,
    caplog: pytest.LogCaptureFixture,
) -> None:
    issued = post_token(small_browser, service, 200, grant_type="client_credentials")
    token = str(issued.json["access_token"])

    def send() -> webtest.TestResponse:
        body = {"query": "SELECT count(*) FROM Invoice;"}
        return small_browser.post_json(QUERY, body, headers=bearer(token), status="*")

    only_connection.take()
    refused, seconds = timed(send)

    assert seconds < LIVENESS_BOUND
    assert "error=TimeoutError" in caplog.text, "the pool was not what failed"
    assert_service_unavailable(refused, token)
    assert_logged_without_internals(caplog, token)

    only_connection.give_back()
    assert send().json["status"] == 200


@pytest.mark.parametrize(
    "path", [ADMIN_URL, "/records/Invoice"], ids=["plugin_page", "crm_page"]
)
def test_a_page_on_an_exhausted_pool_answers_the_503_page_then_works_once_freed(
    small_browser: webtest.TestApp,
    only_connection: OnlyConnection,
    caplog: pytest.LogCaptureFixture,
    path: str,
) -> None:
    login(small_browser, "admin")

    def send() -> webtest.TestResponse:
        return small_browser.get(path, status="*")

    only_connection.take()
    refused, seconds = timed(send)

    assert seconds < LIVENESS_BOUND
    assert "error=TimeoutError" in caplog.text, "the pool was not what failed"
    assert_unavailable_page(refused)
    assert_logged_without_internals(caplog)

    only_connection.give_back()
    assert send().status_int == 200
