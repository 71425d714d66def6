"""Races between real connections: exactly one of two twins wins, every one of
twenty times (SECURITY F6, R1).

Each request runs in its own committed transaction, as in production, so
these tests set up and clean up their own rows.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import transaction
import webtest
from pyramid.interfaces import IRequestExtensions
from pyramid.request import Request, apply_request_extensions
from sqlalchemy import delete, select
from sqlalchemy.engine import URL, Engine
from sqlalchemy.orm import Session

from tests.helpers import login
from vte_extapps.models import (
    Application,
    AuditEvent,
    AuthMethod,
    ClientAuthFailure,
    ClientType,
)
from vte_extapps.services.applications import ApplicationForm, create_application

from .conftest import WEB_REDIRECT
from .flows import (
    ASSERTION_TYPE,
    TOKEN,
    Client,
    assertion,
    basic,
    get_code,
    pkce,
    post_token,
)

pytestmark = pytest.mark.concurrency


@pytest.fixture
def server_database(database_url: URL) -> None:
    if database_url.get_backend_name() == "sqlite":
        pytest.skip("SQLite serialises writers; the races need PostgreSQL or MariaDB")


@pytest.fixture
def live(app: Any, server_database: None) -> Iterator[webtest.TestApp]:
    """The demo as production runs it: every request commits on its own."""
    yield webtest.TestApp(
        app, extra_environ={"HTTP_HOST": "crm.example.com", "wsgi.url_scheme": "https"}
    )
    # The demo's own pool must not outlive the test database.
    app.registry["dbsession_factory"].kw["bind"].dispose()


@pytest.fixture
def committed(
    app: Any, engine: Engine, server_database: None
) -> Iterator[Callable[..., Client]]:
    """Register applications for real; remove them and their trail afterwards."""
    made: list[str] = []

    def register(**fields: Any) -> Client:
        manager = transaction.TransactionManager(explicit=True)
        manager.begin()
        request = Request.blank(
            "/",
            base_url="https://crm.example.com",
            environ={"tm.active": True, "tm.manager": manager},
        )
        request.registry = app.registry
        apply_request_extensions(
            request, extensions=app.registry.queryUtility(IRequestExtensions)
        )
        issued = create_application(request, ApplicationForm(**fields))
        client = Client(
            issued.application.client_id,
            issued.client_secret,
            issued.key_pair.private_key if issued.key_pair else None,
            issued.application,
        )
        manager.commit()
        made.append(client.client_id)
        return client

    yield register
    with Session(engine) as session, session.begin():
        session.execute(delete(AuditEvent).where(AuditEvent.client_id.in_(made)))
        session.execute(
            delete(ClientAuthFailure).where(ClientAuthFailure.client_id.in_(made))
        )
        for application in session.scalars(
            select(Application).where(Application.client_id.in_(made))
        ):
            session.delete(application)


#: Each race is run this many times: a lost race must never slip through.
ROUNDS = 20


def race(
    live: webtest.TestApp, body: dict[str, str], headers: dict[str, str] | None = None
) -> list[webtest.TestResponse]:
    """Send one token request twice at the same moment; the answers by status."""
    barrier = threading.Barrier(2)
    responses: list[webtest.TestResponse] = []

    def racer() -> None:
        barrier.wait()
        responses.append(live.post(TOKEN, body, headers=headers or {}, status="*"))

    threads = [threading.Thread(target=racer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(responses) == 2, "a racer did not finish"
    return sorted(responses, key=lambda response: response.status_int)


def assert_exactly_one_wins(
    responses: list[webtest.TestResponse], status: int, error: str
) -> None:
    """One 200; the other refused with ``error``, never a server error."""
    winner, loser = responses
    assert [winner.status_int, loser.status_int] == [200, status], [
        response.text for response in responses
    ]
    assert loser.json["error"] == error


def alice_id(engine: Engine) -> str:
    from vte_extapps.demo.models import User

    with Session(engine) as session:
        return str(
            session.scalars(select(User.id).where(User.username == "alice")).one()
        )


def test_one_assertion_sent_twice_at_once_authenticates_once(
    live: webtest.TestApp, committed: Callable[..., Client], engine: Engine
) -> None:
    alice = alice_id(engine)
    for round_number in range(ROUNDS):
        # A client of its own each round: the losers' failures must not add up
        # to the throttle.
        client = committed(
            name=f"Racing signer {round_number}",
            client_type=ClientType.SERVICE,
            auth_method=AuthMethod.JWT,
            run_as_user_id=alice,
            scopes=["profile"],
        )
        body = {
            "grant_type": "client_credentials",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion(client),
        }
        responses = race(live, body)
        assert_exactly_one_wins(responses, 401, "invalid_client")


def test_one_code_redeemed_twice_at_once_gives_tokens_once(
    live: webtest.TestApp, committed: Callable[..., Client]
) -> None:
    client = committed(
        name="Racing portal",
        client_type=ClientType.WEB,
        redirect_uris=[WEB_REDIRECT],
        scopes=["profile"],
    )
    headers = basic(client.client_id, client.secret or "")
    login(live, "alice")
    for _ in range(ROUNDS):
        verifier, challenge = pkce()
        body = {
            "grant_type": "authorization_code",
            "code": get_code(live, client, WEB_REDIRECT, challenge, scope="profile"),
            "redirect_uri": WEB_REDIRECT,
            "code_verifier": verifier,
        }
        responses = race(live, body, headers)
        assert_exactly_one_wins(responses, 400, "invalid_grant")


def test_one_refresh_token_used_twice_at_once_rotates_once(
    live: webtest.TestApp, committed: Callable[..., Client]
) -> None:
    client = committed(
        name="Racing offline portal",
        client_type=ClientType.WEB,
        redirect_uris=[WEB_REDIRECT],
        scopes=["profile"],
        offline_access=True,
    )
    headers = basic(client.client_id, client.secret or "")
    login(live, "alice")
    for _ in range(ROUNDS):
        verifier, challenge = pkce()
        code = get_code(live, client, WEB_REDIRECT, challenge, scope="profile")
        tokens = post_token(
            live,
            client,
            200,
            grant_type="authorization_code",
            code=code,
            redirect_uri=WEB_REDIRECT,
            code_verifier=verifier,
        ).json
        body = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
        responses = race(live, body, headers)
        assert_exactly_one_wins(responses, 400, "invalid_grant")
