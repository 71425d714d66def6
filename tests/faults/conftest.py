"""The demo as production runs it, on a database of these tests' own.

Each request commits or rolls back on its own, as under a real server, so
what a failed request left behind can be looked for afterwards. These tests
never share the database of the others: the rows they commit stay there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import transaction
import webtest
from pyramid.interfaces import IRequestExtensions
from pyramid.request import Request, apply_request_extensions
from sqlalchemy import create_engine, select
from sqlalchemy.engine import URL, Engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from tests.conftest import database_of_its_own
from tests.oauth.conftest import WEB_REDIRECT
from tests.oauth.flows import Client
from vte_extapps.demo import main
from vte_extapps.demo.models import User
from vte_extapps.models import ClientType
from vte_extapps.services.applications import ApplicationForm, create_application

from .injection import CONNECTION_LOST, KINDS, DatabaseFault

SESSION_SECRET = "fault-tests-session-secret-" + "x" * 32


@pytest.fixture(scope="package")
def crm_database(
    database_url: URL, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[URL]:
    """An empty database on the engine under test, set up for the demo."""
    with database_of_its_own(database_url, tmp_path_factory.mktemp("faults")) as url:
        yield url


def crm_settings(url: URL, **settings: str) -> dict[str, str]:
    return {
        "sqlalchemy.url": url.render_as_string(hide_password=False),
        "demo.session_secret": SESSION_SECRET,
        **settings,
    }


def engine_of(app: Any) -> Engine:
    engine: Engine = app.registry["dbsession_factory"].kw["bind"]
    return engine


@pytest.fixture(scope="package")
def crm(crm_database: URL) -> Iterator[Any]:
    """The demo CRM with its own connection pool."""
    app = main({}, **crm_settings(crm_database))
    yield app
    engine_of(app).dispose()


@pytest.fixture(scope="package")
def admin_engine(crm_database: URL) -> Iterator[Engine]:
    """Connections outside the CRM's pool: to look at rows, or to end a session."""
    engine = create_engine(
        crm_database, poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )
    yield engine
    engine.dispose()


def browser_for(app: Any) -> webtest.TestApp:
    return webtest.TestApp(
        app, extra_environ={"HTTP_HOST": "crm.example.com", "wsgi.url_scheme": "https"}
    )


@pytest.fixture
def browser(crm: Any) -> webtest.TestApp:
    """A client of the CRM with cookies of its own; every request commits."""
    return browser_for(crm)


@pytest.fixture
def register(crm: Any) -> Callable[..., Client]:
    """Register an application for real, in a committed transaction."""

    def register(**fields: Any) -> Client:
        manager = transaction.TransactionManager(explicit=True)
        manager.begin()
        request = Request.blank(
            "/",
            base_url="https://crm.example.com",
            environ={"tm.active": True, "tm.manager": manager},
        )
        request.registry = crm.registry
        apply_request_extensions(
            request, extensions=crm.registry.queryUtility(IRequestExtensions)
        )
        fields.setdefault("scopes", ["invoice:read", "profile"])
        issued = create_application(request, ApplicationForm(**fields))
        client = Client(
            issued.application.client_id,
            issued.client_secret,
            issued.key_pair.private_key if issued.key_pair else None,
            issued.application,
        )
        manager.commit()
        return client

    return register


def user_id(admin_engine: Engine, username: str) -> str:
    with Session(admin_engine) as session:
        return str(
            session.scalars(select(User.id).where(User.username == username)).one()
        )


@pytest.fixture
def fault(crm: Any, admin_engine: Engine) -> Iterator[DatabaseFault]:
    """Fails one chosen statement of the CRM's, once, at the driver."""
    injected = DatabaseFault(engine_of(crm), admin_engine)
    yield injected
    injected.remove()


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest, crm_database: URL) -> str:
    """How the database fails: a refused statement, or a lost connection."""
    if request.param == CONNECTION_LOST and crm_database.get_backend_name() == (
        "sqlite"
    ):
        pytest.skip("SQLite runs in the process: there is no connection to lose")
    return str(request.param)


@pytest.fixture
def web(register: Callable[..., Client]) -> Client:
    """A web application with a secret key and offline access."""
    return register(
        name="Invoice portal",
        client_type=ClientType.WEB,
        redirect_uris=[WEB_REDIRECT],
        offline_access=True,
    )


@pytest.fixture
def service(register: Callable[..., Client], admin_engine: Engine) -> Client:
    """A service account acting as alice, which may read and write invoices."""
    return register(
        name="Nightly sync",
        client_type=ClientType.SERVICE,
        run_as_user_id=user_id(admin_engine, "alice"),
        scopes=["invoice:read", "invoice:write"],
    )
