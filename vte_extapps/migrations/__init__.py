"""The plugin's own Alembic environment, kept apart from the host's.

Its version table is ``vte_extapps_alembic_version`` and it only ever looks
at ``vte_extapps_*`` tables, so it lives beside any migrations the host has.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection, Engine

VERSION_TABLE = "vte_extapps_alembic_version"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration for the plugin, with no ini file needed."""
    config = Config()
    config.set_main_option("script_location", "vte_extapps:migrations")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(bind: Engine | Connection, revision: str = "head") -> None:
    """Bring the plugin's tables up to ``revision``."""
    if isinstance(bind, Connection):
        command.upgrade(alembic_config(bind), revision)
        return
    with bind.begin() as connection:
        command.upgrade(alembic_config(connection), revision)
