"""Fixtures shared by every test: a real database on each configured engine.

SQLite always runs. When ``VTE_EXTAPPS_TEST_POSTGRESQL`` or
``VTE_EXTAPPS_TEST_MYSQL`` hold a server URL, every database test runs there
too, in a database created for this run and dropped at its end.
"""

from __future__ import annotations

import collections
import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import transaction
import webtest
import zope.sqlalchemy
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from vte_extapps.demo import main, setup_database

SERVER_URL_VARIABLES = {
    "postgresql": "VTE_EXTAPPS_TEST_POSTGRESQL",
    "mysql": "VTE_EXTAPPS_TEST_MYSQL",
}


def configured_databases() -> list[str]:
    names = ["sqlite"]
    names += [name for name, var in SERVER_URL_VARIABLES.items() if os.environ.get(var)]
    return names


def server_databases() -> list[str]:
    return [name for name in configured_databases() if name != "sqlite"]


def _create_server_database(server_url: URL) -> URL:
    """A new, empty database on the server; the caller drops it."""
    name = f"vte_extapps_test_{secrets.token_hex(4)}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return server_url.set(database=name)


def _drop_server_database(server_url: URL, url: URL) -> None:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if server_url.get_backend_name() == "postgresql":
            connection.execute(
                text(f"DROP DATABASE IF EXISTS {url.database} WITH (FORCE)")
            )
        else:
            connection.execute(text(f"DROP DATABASE IF EXISTS {url.database}"))
    admin.dispose()


@contextlib.contextmanager
def database_of_its_own(engine_url: URL, directory: Path) -> Iterator[URL]:
    """Another empty database on the same engine, set up for the demo.

    Tests that commit, through a real server or request by request, use one
    of these, so the rows they leave never meet the rolled-back tests.
    """
    backend = engine_url.get_backend_name()
    server_url = None
    if backend == "sqlite":
        url = make_url(f"sqlite:///{directory / 'crm.sqlite'}")
    else:
        server_url = make_url(os.environ[SERVER_URL_VARIABLES[backend]])
        url = _create_server_database(server_url)
    engine = create_engine(url, poolclass=NullPool)
    setup_database(engine)
    engine.dispose()
    try:
        yield url
    finally:
        if server_url is not None:
            _drop_server_database(server_url, url)


@pytest.fixture(scope="session", params=configured_databases())
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[URL]:
    """The URL of an empty database made for this test run."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "test.sqlite"
        yield make_url(f"sqlite:///{path}")
        return
    server_url = make_url(os.environ[SERVER_URL_VARIABLES[request.param]])
    url = _create_server_database(server_url)
    try:
        yield url
    finally:
        _drop_server_database(server_url, url)


@pytest.fixture(scope="session")
def engine(database_url: URL) -> Iterator[Engine]:
    """An engine on a database holding the plugin's and the demo's tables."""
    engine = create_engine(database_url)
    setup_database(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def app_settings(database_url: URL) -> dict[str, Any]:
    return {
        "sqlalchemy.url": database_url.render_as_string(hide_password=False),
        "demo.session_secret": "test-session-secret-" + "x" * 32,
    }


@pytest.fixture(scope="session")
def app(engine: Engine, app_settings: dict[str, Any]) -> Iterator[Any]:
    """The demo CRM with the plugin, as a host would build it."""
    app = main({}, **app_settings)
    yield app
    # Close the demo's own pool before the test database is dropped.
    app.registry["dbsession_factory"].kw["bind"].dispose()


@pytest.fixture
def tm() -> Iterator[transaction.TransactionManager]:
    manager = transaction.TransactionManager(explicit=True)
    manager.begin()
    manager.doom()
    yield manager
    manager.abort()


@pytest.fixture
def dbsession(engine: Engine, tm: transaction.TransactionManager) -> Iterator[Session]:
    """A session in a transaction that is rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    zope.sqlalchemy.register(session, transaction_manager=tm)
    yield session
    session.close()
    outer.rollback()
    connection.close()


@pytest.fixture
def testapp(
    app: Any, tm: transaction.TransactionManager, dbsession: Session
) -> webtest.TestApp:
    """The demo over WebTest, every request inside the test's transaction."""
    return webtest.TestApp(
        app,
        extra_environ={
            "HTTP_HOST": "crm.example.com",
            "wsgi.url_scheme": "https",
            "tm.active": True,
            "tm.manager": tm,
            "app.dbsession": dbsession,
        },
    )


def _database_of(nodeid: str) -> str:
    for name in ["sqlite", *SERVER_URL_VARIABLES]:
        if f"[{name}" in nodeid or f"-{name}]" in nodeid or f"-{name}-" in nodeid:
            return name
    return "no database"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print how many tests ran on each database engine."""
    counts: dict[str, collections.Counter[str]] = collections.defaultdict(
        collections.Counter
    )
    for outcome in ("passed", "failed", "error", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            if getattr(report, "when", "call") in {"call", "setup"} and (
                outcome != "passed" or report.when == "call"
            ):
                counts[_database_of(report.nodeid)][outcome] += 1
    if not counts:
        return
    terminalreporter.section("tests per database")
    for name in sorted(counts):
        line = ", ".join(f"{n} {outcome}" for outcome, n in counts[name].items())
        terminalreporter.write_line(f"{name:>12}: {line}")


@pytest.fixture
def extapps_request(
    app: Any, tm: transaction.TransactionManager, dbsession: Session
) -> Any:
    """A real request on the demo's registry, for calling the service layer."""
    from pyramid.interfaces import IRequestExtensions
    from pyramid.request import Request, apply_request_extensions

    request = Request.blank(
        "/",
        base_url="https://crm.example.com",
        environ={"tm.active": True, "tm.manager": tm, "app.dbsession": dbsession},
    )
    request.registry = app.registry
    apply_request_extensions(
        request, extensions=app.registry.queryUtility(IRequestExtensions)
    )
    return request
