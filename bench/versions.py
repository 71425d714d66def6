"""The versions a run measured, recorded beside its figures."""

from __future__ import annotations

import platform
import sqlite3
import sys
from importlib import metadata

PACKAGES = (
    "vte_extapps", "pyramid", "SQLAlchemy", "oauthlib", "PyJWT", "cryptography",
    "waitress", "psycopg",
)  # fmt: skip


def ours() -> dict[str, str]:
    found = {
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "machine": f"{platform.system()} {platform.machine()}",
    }
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found
