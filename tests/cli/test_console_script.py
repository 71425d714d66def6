"""The installed ``vte-extapps`` script runs the same command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def test_installed_script_lists_applications_as_json(config_uri: str) -> None:
    script = Path(sys.executable).parent / "vte-extapps"

    done = subprocess.run(  # noqa: S603 - our own script, with fixed arguments
        [str(script), config_uri, "apps", "list", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert isinstance(json.loads(done.stdout), list)


def test_installed_script_exits_non_zero_on_an_unknown_client(config_uri: str) -> None:
    script = Path(sys.executable).parent / "vte-extapps"

    done = subprocess.run(  # noqa: S603 - our own script, with fixed arguments
        [str(script), config_uri, "apps", "show", "vte_missing"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.startswith("vte-extapps: error: no application")
