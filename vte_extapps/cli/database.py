"""``migrate``: bring the plugin's tables up to date, beside the host's."""

from __future__ import annotations

import argparse

from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine

from ..migrations import VERSION_TABLE, upgrade
from .common import Command, CommandError, out


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    migrate = commands.add_parser(
        "migrate", help="create or upgrade the plugin's tables; safe to repeat"
    )
    migrate.set_defaults(run=migrate_command)


def _revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"version_table": VERSION_TABLE}
        )
        return context.get_current_revision()


def migrate_command(command: Command) -> int:
    # The engine the plugin's session works on: the host's sqlalchemy.url, or
    # vte_extapps.sqlalchemy_url when the plugin has a database of its own.
    engine = command.request.extapps_db.get_bind()
    if not isinstance(engine, Engine):
        raise CommandError("the plugin's database session is not bound to an engine")
    before = _revision(engine)
    upgrade(engine)
    after = _revision(engine)
    if before == after:
        out(f"The plugin's tables are up to date (revision {after}).")
    else:
        out(f"Upgraded the plugin's tables from {before or 'nothing'} to {after}.")
    return 0
