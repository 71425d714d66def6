"""The plugin's migrations build exactly its models, and nothing of the host's."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from vte_extapps.migrations import VERSION_TABLE, upgrade
from vte_extapps.migrations.env_filters import include_object
from vte_extapps.models import metadata


def test_upgrading_to_head_gives_exactly_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "include_object": include_object,
                "compare_type": True,
                "version_table": VERSION_TABLE,
            },
        )
        assert compare_metadata(context, metadata) == []


def test_migrations_keep_their_own_version_table_beside_the_host(
    engine: Engine,
) -> None:
    tables = set(inspect(engine).get_table_names())
    assert VERSION_TABLE in tables
    assert "alembic_version" not in tables
    assert set(metadata.tables) <= tables
    # The host's own tables are there too, untouched by the plugin.
    assert any(not name.startswith("vte_extapps_") for name in tables)


def test_upgrading_twice_changes_nothing(engine: Engine) -> None:
    with engine.begin() as connection:
        upgrade(connection)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"version_table": VERSION_TABLE}
        )
        assert context.get_current_revision() is not None
