"""``vte-extapps CONFIG migrate``: the plugin's tables, created or upgraded."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from vte_extapps.cli import main
from vte_extapps.migrations import VERSION_TABLE
from vte_extapps.models import metadata

from .conftest import Run, write_config


def test_migrating_an_up_to_date_database_changes_nothing(run: Run) -> None:
    first = run("migrate")
    second = run("migrate")

    assert first.status == 0, first.err
    assert "up to date" in first.out
    assert second.out == first.out


def test_migrating_an_empty_database_creates_the_plugins_tables_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = make_url(f"sqlite:///{tmp_path / 'empty.sqlite'}")
    config = str(write_config(tmp_path / "crm.ini", url))

    assert main([config, "migrate"]) == 0
    created = capsys.readouterr().out
    assert main([config, "migrate"]) == 0
    again = capsys.readouterr().out

    assert created.startswith("Upgraded the plugin's tables from nothing to ")
    assert "up to date" in again
    engine = create_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert tables == {*metadata.tables, VERSION_TABLE}
