"""Running the command line in-process, on a database of its own.

Whatever a command commits stays in that database for the rest of the run, so
tests give their applications unique names and never expect empty tables; the
other tests, which roll back, never see those rows.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.engine import URL, Engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from tests.conftest import database_of_its_own
from vte_extapps.cli import main
from vte_extapps.demo.models import User

CONFIG = """\
[app:main]
use = egg:vte_extapps
sqlalchemy.url = {url}
demo.session_secret = cli-test-session-secret-{padding}
"""


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What one command printed, and its exit status."""

    status: int
    out: str
    err: str

    def json(self) -> Any:
        assert self.status == 0, self.err
        return json.loads(self.out)


Run = Callable[..., Outcome]


def write_config(path: Path, url: URL, *extra_settings: str) -> Path:
    # The ini format reads % as interpolation.
    text = url.render_as_string(hide_password=False).replace("%", "%%")
    config = CONFIG.format(url=text, padding="x" * 32)
    path.write_text(config + "".join(line + "\n" for line in extra_settings))
    return path


@pytest.fixture(scope="session")
def cli_database(
    database_url: URL, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[URL]:
    with database_of_its_own(database_url, tmp_path_factory.mktemp("cli")) as url:
        yield url


@pytest.fixture(scope="session")
def engine(cli_database: URL) -> Iterator[Engine]:
    """Connections to the command line's database, to set up and look at rows."""
    engine = create_engine(cli_database, poolclass=NullPool)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def config_uri(cli_database: URL, tmp_path_factory: pytest.TempPathFactory) -> str:
    """An ini file for the demo CRM on the command line's database."""
    return str(write_config(tmp_path_factory.mktemp("cli") / "crm.ini", cli_database))


@pytest.fixture
def run(config_uri: str, capsys: pytest.CaptureFixture[str]) -> Run:
    """``run("apps", "list")`` runs ``vte-extapps crm.ini apps list``."""

    def run(*argv: str) -> Outcome:
        status = main([config_uri, *argv])
        captured = capsys.readouterr()
        return Outcome(status, captured.out, captured.err)

    return run


def unique(name: str) -> str:
    return f"{name} {secrets.token_hex(4)}"


def user_id_of(engine: Engine, username: str) -> str:
    with Session(engine) as session:
        return str(
            session.scalars(select(User.id).where(User.username == username)).one()
        )


@pytest.fixture
def create_service(run: Run) -> Callable[..., dict[str, Any]]:
    """A new service account acting as alice; returns ``apps create --json``."""

    def create(*extra: str) -> dict[str, Any]:
        created: dict[str, Any] = run(
            "apps", "create", "--name", unique("Nightly export"), "--type", "service",
            "--run-as", "alice", "--scope", "invoice:read", "--json", *extra,
        ).json()  # fmt: skip
        return created

    return create
