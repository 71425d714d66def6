"""Run every figure, print the table, write ``bench/results/latest.json``.

``./scripts/bench`` is the way in: it prepares both virtual environments and
then runs ``python -m bench.run``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from . import cleanup, figures_api, figures_tokens, load
from .context import BENCH_DIR, Run
from .report import table, write_json

GROUPS = ("api", "issuance", "scale", "cleanup", "load")


@contextlib.contextmanager
def places() -> Iterator[dict[str, Path]]:
    """A directory on disk and one on the RAM disk, removed afterwards."""
    made: dict[str, Path] = {}
    try:
        made["SQLite, disk"] = Path(
            tempfile.mkdtemp(prefix="vte-bench-", dir="/var/tmp")
        )
        ram_disk = Path("/dev/shm")  # noqa: S108 - the RAM disk is what is compared
        if ram_disk.is_dir():
            made["SQLite, /dev/shm"] = Path(
                tempfile.mkdtemp(prefix="vte-bench-", dir=ram_disk)
            )
        yield made
    finally:
        for directory in made.values():
            shutil.rmtree(directory, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for CI")
    parser.add_argument("--dot-python", required=True, help="the comparison's Python")
    parser.add_argument(
        "--postgresql",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
        help="a server where a database may be created and dropped (P7)",
    )
    parser.add_argument(
        "--only", action="append", choices=GROUPS, help="run only these groups"
    )
    parser.add_argument(
        "--output", type=Path, default=BENCH_DIR / "results" / "latest.json"
    )
    args = parser.parse_args(argv)
    # Stopped from outside, the run still stops its servers and processes
    # and removes its files and database: the finally blocks run on exit.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    groups = args.only or GROUPS
    started = time.monotonic()
    load_before = os.getloadavg()

    with places() as where:
        run = Run(args.quick, args.dot_python, where, args.postgresql)
        (disk_name, disk), *others = where.items()
        print(f"vte_extapps benchmarks{' (quick)' if args.quick else ''}", flush=True)  # noqa: T201
        if "api" in groups:
            figures_api.api(run, disk_name, disk, count_statements=True)
            for name, directory in others:
                figures_api.api(run, name, directory, count_statements=False)
        if "issuance" in groups:
            for name, directory in where.items():
                figures_tokens.issuance(run, name, directory)
        if "scale" in groups:
            for name, directory in where.items():
                figures_api.scale(run, name, directory)
        if "cleanup" in groups:
            cleanup.figure(run, disk_name, disk)
        if "load" in groups:
            load.figure(run)

    elapsed = time.monotonic() - started
    print(f"\nvte_extapps benchmarks, {elapsed:.0f} s", flush=True)  # noqa: T201
    print(table(run.figures))  # noqa: T201
    print(_versions_text(run.versions))  # noqa: T201
    print(  # noqa: T201
        f"load average (1 min): {load_before[0]:.2f} before, "
        f"{os.getloadavg()[0]:.2f} after, on {os.cpu_count()} CPUs"
    )
    write_json(
        args.output,
        run.figures,
        {
            "quick": args.quick,
            "finished_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "seconds": round(elapsed, 1),
            # Other work on the machine shows here; rounds are interleaved
            # so that it weighs on both sides of each ratio alike.
            "load_average_before_after": [load_before[0], os.getloadavg()[0]],
            "versions": run.versions,
        },
    )
    print(f"written to {args.output}")  # noqa: T201
    return 1 if any(figure.failed for figure in run.figures) else 0


def _versions_text(versions: dict[str, object]) -> str:
    lines = ["versions:"]
    for side, found in versions.items():
        if isinstance(found, dict):
            listed = ", ".join(f"{name} {value}" for name, value in found.items())
            lines.append(f"  {side}: {listed}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
