"""Alembic's entry point for the plugin's tables."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import create_engine

from vte_extapps.migrations import VERSION_TABLE
from vte_extapps.migrations.env_filters import include_object
from vte_extapps.models import metadata


def run_migrations(connection: Any) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        include_object=include_object,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    url = context.config.get_main_option("sqlalchemy.url")
    if url is None:
        raise SystemExit("vte_extapps migrations need a connection or sqlalchemy.url")
    with create_engine(url).begin() as own_connection:
        run_migrations(own_connection)
