"""The demo CRM served for real, once per database, and applications on it.

The server runs the demo from a thread, on a database of these tests' own on
the engine under test. Applications are registered through the plugin's
service layer in a committed transaction, as an operator's click on Save
would, so the server sees them; tests give them unique names and never count
on an empty table.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from pyramid.request import Request
from pyramid.router import Router
from pyramid.scripting import prepare
from sqlalchemy import create_engine, select
from sqlalchemy.engine import URL, Engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from tests.conftest import database_of_its_own
from tests.live_server import serve
from vte_extapps.demo import main
from vte_extapps.demo.models import Invoice, User
from vte_extapps.models import ClientType
from vte_extapps.services.applications import ApplicationForm, create_application

from .integrator import HTTP_TIMEOUT, METADATA_PATH
from .person import Person


@dataclasses.dataclass(frozen=True)
class LiveCrm:
    """The running CRM: where it answers, and what it runs on."""

    base_url: str
    app: Router
    engine: Engine

    def user_id(self, username: str) -> int:
        with Session(self.engine) as session:
            return session.scalars(
                select(User.id).where(User.username == username)
            ).one()

    def invoice_ids_of(self, username: str) -> set[str]:
        """The wire ids of the invoices assigned to the user, from the database."""
        with Session(self.engine) as session:
            numbers = session.scalars(
                select(Invoice.id)
                .join(User, Invoice.assigned_user_id == User.id)
                .where(User.username == username)
            ).all()
        # The demo seeds invoices for every user: an empty answer proves nothing.
        assert numbers, f"{username} has no invoices"
        return {f"16x{number}" for number in numbers}


@dataclasses.dataclass(frozen=True)
class Registered:
    """What the operator hands the integrator once the application is saved."""

    client_id: str
    client_secret: str | None = dataclasses.field(default=None, repr=False)
    private_key: str | None = dataclasses.field(default=None, repr=False)


Register = Callable[..., Registered]
RegisterService = Callable[..., Registered]


@pytest.fixture(scope="session")
def crm(
    database_url: URL, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveCrm]:
    """The demo CRM with the plugin, served by waitress on a loopback port."""
    with database_of_its_own(database_url, tmp_path_factory.mktemp("e2e")) as url:
        app = main(
            {},
            **{
                "sqlalchemy.url": url.render_as_string(hide_password=False),
                "demo.session_secret": "e2e-session-secret-" + "x" * 32,
            },
        )
        engine = create_engine(url, poolclass=NullPool)
        try:
            with serve(app, name="e2e-crm") as base_url:
                yield LiveCrm(base_url, app, engine)
        finally:
            # Close both pools before the database is dropped.
            engine.dispose()
            app.registry["dbsession_factory"].kw["bind"].dispose()


@pytest.fixture(scope="session")
def metadata(crm: LiveCrm) -> dict[str, Any]:
    """The server's RFC 8414 metadata, where an integrator finds every endpoint."""
    with requests.Session() as http:
        response = http.get(crm.base_url + METADATA_PATH, timeout=HTTP_TIMEOUT)
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


@pytest.fixture
def bob(crm: LiveCrm) -> Iterator[Person]:
    """Bob, signed in to the CRM in his browser."""
    person = Person(crm.base_url)
    person.sign_in("bob")
    yield person
    person.close()


@pytest.fixture
def register(crm: LiveCrm) -> Register:
    """``register(ClientType.SERVICE, run_as="alice", ...)`` saves an application.

    Other keyword arguments are the fields of the operator's form.
    """

    def register_application(
        client_type: ClientType, run_as: str | None = None, **fields: Any
    ) -> Registered:
        fields.setdefault("name", f"{client_type.value} {secrets.token_hex(4)}")
        fields.setdefault("scopes", ["invoice:read"])
        if run_as is not None:
            fields["run_as_user_id"] = str(crm.user_id(run_as))
        blank = Request.blank("/", base_url=crm.base_url)
        with prepare(request=blank, registry=crm.app.registry) as environment:
            request = environment["request"]
            # Committed on leaving the block, so the server's workers see it.
            with request.tm:
                issued = create_application(
                    request, ApplicationForm(client_type=client_type, **fields)
                )
                client_id = issued.application.client_id
        return Registered(
            client_id,
            issued.client_secret,
            issued.key_pair.private_key if issued.key_pair else None,
        )

    return register_application


@pytest.fixture
def register_service(register: Register) -> RegisterService:
    """``register_service(...)`` saves a service account acting as alice."""

    def register_service_account(**fields: Any) -> Registered:
        return register(ClientType.SERVICE, run_as="alice", **fields)

    return register_service_account
