"""What every figure needs: the run's mode, its places, its measuring processes."""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path
from typing import Any

from .protocol import Worker
from .report import Figure

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent


@dataclasses.dataclass(frozen=True)
class Sizes:
    """How much each figure does; ``--quick`` only checks that it runs."""

    rounds: int
    api_calls: int
    issue_calls: int
    hashed_calls: int
    validate_calls: int
    small_table: int
    large_table: int
    cleanup_expired: int
    cleanup_live: int
    load_seconds: int


# Many short rounds rather than few long ones: a burst of load from elsewhere
# then spoils a round or two, which the median of the ratios leaves out.
FULL = Sizes(
    rounds=21,
    api_calls=100,
    issue_calls=30,
    hashed_calls=1,
    validate_calls=200,
    small_table=10**3,
    large_table=10**6,
    cleanup_expired=10**6,
    cleanup_live=10**5,
    load_seconds=60,
)
QUICK = Sizes(
    rounds=3,
    api_calls=10,
    issue_calls=4,
    hashed_calls=1,
    validate_calls=20,
    small_table=10**3,
    large_table=10**4,
    cleanup_expired=10**4,
    cleanup_live=10**3,
    load_seconds=5,
)


@dataclasses.dataclass
class Run:
    quick: bool
    dot_python: str
    #: Where SQLite files go, by the name the table shows: disk and RAM disk.
    places: dict[str, Path]
    postgresql: str
    figures: list[Figure] = dataclasses.field(default_factory=list)
    versions: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def sizes(self) -> Sizes:
        return QUICK if self.quick else FULL

    def ours(self, *args: str) -> Worker:
        """A process measuring the plugin (``bench.ours``), starting its set-up."""
        return Worker(
            [sys.executable, "-m", "bench.ours", *args], env=child_env(), timeout=3600
        )

    def dot(self, database: Path) -> Worker:
        """A process measuring django-oauth-toolkit, on a SQLite file."""
        env = {**child_env(), "BENCH_DOT_DATABASE": str(database)}
        return Worker([self.dot_python, "-m", "bench.dot_side.worker"], env=env)

    def add(self, *figures: Figure) -> None:
        from .report import table

        for figure in figures:
            self.figures.append(figure)
            # Each row as soon as it is known: a long run shows its progress.
            print(table([figure]).split("\n", 1)[1], flush=True)  # noqa: T201


def child_env() -> dict[str, str]:
    """The environment of a child process: it imports `bench` from the project."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(PROJECT_DIR), *filter(None, [env.get("PYTHONPATH")])]
    )
    env.setdefault("PYTHONHASHSEED", "0")
    return env
