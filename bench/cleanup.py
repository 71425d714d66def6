"""P6: ``vte-extapps CONFIG tokens cleanup`` on a table full of dead tokens.

The orchestrator side only uses the standard library; the steps that need
the plugin run in child processes of this module:

    python -m bench.cleanup fill URL EXPIRED LIVE
    python -m bench.cleanup count URL
    python -m bench.cleanup probe REPORT CONFIG_URI [COMMAND...]

``probe`` runs the command line in-process with SQLAlchemy listeners that time
every transaction from BEGIN to COMMIT, and writes what it saw to REPORT.
"""

from __future__ import annotations

import dataclasses
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .context import Run, child_env
from .report import Figure, Goal

#: No cleanup transaction may hold the table longer than this.
LONGEST_TRANSACTION = 1.0
PEAK_RSS_MB = 150


def figure(run: Run, where: str, directory: Path) -> None:
    sizes = run.sizes
    result = Figure(
        "P6",
        f"tokens cleanup, {sizes.cleanup_expired:.0e} dead + "
        f"{sizes.cleanup_live:.0e} live",
        where,
        Goal("≤", PEAK_RSS_MB),
    )
    database = directory / "cleanup.sqlite"
    url = f"sqlite:///{database}"
    config = directory / "cleanup.ini"
    config.write_text(
        "[app:main]\nuse = egg:vte_extapps\n"
        f"sqlalchemy.url = {url}\n"
        f"demo.session_secret = {'bench-cleanup-' + 'x' * 32}\n"
    )
    try:
        before = _child(
            ["fill", url, str(sizes.cleanup_expired), str(sizes.cleanup_live)]
        )
    except RuntimeError as problem:
        result.unavailable = str(problem)
        run.add(result)
        return
    result.notes.append(f"table filled in {before['fill_seconds']} s")

    cleanup = _probe_child(directory, config, ["tokens", "cleanup"])
    if cleanup.problem:
        result.unavailable = f"tokens cleanup: {cleanup.problem}"
        run.add(result)
        return
    after = _child(["count", url])
    # The same command line doing nothing much: what starting it costs.
    baseline = _probe_child(directory, config, ["apps", "list"])

    peak_mb, output = cleanup.peak_mb, cleanup.output
    spans = sorted(cleanup.transactions) or [0.0]
    longest, median = spans[-1], statistics.median(spans)
    p95 = spans[max(int(len(spans) * 0.95) - 1, 0)]
    result.value = round(peak_mb, 1)
    result.notes += [
        f"peak RSS {peak_mb:.1f} MB (`apps list` alone: {baseline.peak_mb:.1f} MB); "
        f"took {cleanup.seconds:.1f} s; exit {cleanup.status}",
        f"{len(cleanup.transactions)} transactions: median {median:.3f} s, "
        f"95th percentile {p95:.3f} s, longest {longest:.3f} s",
        f"live before {before['live']}, after {after['live']}; "
        f"dead before {before['dead']}, after {after['dead']}",
    ]
    if output:
        result.notes.append("printed: " + " | ".join(output.splitlines()[-3:]))
    result.checks = {
        "exit status 0": cleanup.status == 0,
        f"peak RSS ≤ {PEAK_RSS_MB} MB": peak_mb <= PEAK_RSS_MB,
        f"no transaction longer than {LONGEST_TRANSACTION:g} s": longest
        <= LONGEST_TRANSACTION,
        "batched (more than one transaction)": len(cleanup.transactions) > 1,
        "every live row kept": after["live"] == before["live"],
        "every dead row removed": after["dead"] == 0,
    }
    run.add(result)


@dataclasses.dataclass(frozen=True)
class Probed:
    """What one run of the command line showed."""

    status: int
    seconds: float
    peak_mb: float
    transactions: list[float]
    output: str
    problem: str | None


def _probe_child(directory: Path, config: Path, args: list[str]) -> Probed:
    """Run the command line under the probe, as a child whose memory is measured."""
    report = directory / "probe-report.json"
    report.unlink(missing_ok=True)
    command = [
        sys.executable, "-m", "bench.cleanup", "probe", str(report), str(config), *args
    ]  # fmt: skip
    started = time.perf_counter()
    # Output goes to files: a full pipe would stall the child while it is awaited.
    printed, complained = directory / "probe.out", directory / "probe.err"
    with printed.open("w") as stdout, complained.open("w") as stderr:
        process = subprocess.Popen(  # noqa: S603 - our own command line
            command, env=child_env(), stdout=stdout, stderr=stderr
        )
    try:
        # The child's own peak memory, from the kernel's accounting of it alone.
        _, wait_status, usage = os.wait4(process.pid, 0)
    except BaseException:
        process.kill()
        process.wait()
        raise
    seconds = time.perf_counter() - started
    status = process.returncode = os.waitstatus_to_exitcode(wait_status)
    errors = complained.read_text().strip().splitlines()
    seen = json.loads(report.read_text()) if report.exists() else {}
    problem = (
        seen.get("error") if seen else (errors[-1] if errors else f"exit {status}")
    )
    return Probed(
        status=status,
        seconds=seconds,
        peak_mb=usage.ru_maxrss / 1024,
        transactions=seen.get("transactions", []),
        output=printed.read_text().strip(),
        problem=problem,
    )


def _child(args: list[str]) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 - our own command line
        [sys.executable, "-m", "bench.cleanup", *args],
        env=child_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise RuntimeError(lines[-1] if lines else f"exit {done.returncode}")
    found: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


def _fill(url: str, expired: int, live: int) -> dict[str, Any]:
    from .host import Host

    host = Host.build(url)
    started = time.perf_counter()
    # Dead and live rows interleaved in batches, as a real table holds them.
    step = max(live // 10, 1)
    dead_step = max(expired // 10, 1)
    dead_done = live_done = 0
    while dead_done < expired or live_done < live:
        dead = min(dead_step, expired - dead_done)
        alive = min(step, live - live_done)
        if dead:
            host.bulk_tokens(dead, expired=True)
        if alive:
            host.bulk_tokens(alive)
        dead_done += dead
        live_done += alive
    return {**_count(url), "fill_seconds": round(time.perf_counter() - started, 1)}


def _count(url: str) -> dict[str, Any]:
    import datetime

    from sqlalchemy import create_engine, func, select

    from vte_extapps.models import AccessToken

    engine = create_engine(url)
    now = datetime.datetime.now(datetime.UTC)
    with engine.connect() as connection:
        live = connection.scalar(
            select(func.count()).where(AccessToken.expires_at > now)
        )
        dead = connection.scalar(
            select(func.count()).where(AccessToken.expires_at <= now)
        )
    engine.dispose()
    return {"live": live, "dead": dead}


def _probe(report: str, argv: list[str]) -> int:
    from sqlalchemy import event
    from sqlalchemy.engine import Connection, Engine

    spans: list[float] = []
    opened: dict[int, float] = {}

    def begin(connection: Connection) -> None:
        opened[id(connection)] = time.perf_counter()

    def end(connection: Connection) -> None:
        started = opened.pop(id(connection), None)
        if started is not None:
            spans.append(time.perf_counter() - started)

    event.listen(Engine, "begin", begin)
    event.listen(Engine, "commit", end)
    event.listen(Engine, "rollback", end)
    status = 0
    error = None
    try:
        from vte_extapps.cli import main as command_line

        outcome = command_line(argv)
        status = outcome if isinstance(outcome, int) else 0
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else 1
    except ImportError as problem:
        error = f"the command line is not there ({problem})"
        status = 2
    Path(report).write_text(json.dumps({"transactions": spans, "error": error}))
    return status


def main(argv: list[str]) -> int:
    action, *rest = argv
    if action == "fill":
        print(json.dumps(_fill(rest[0], int(rest[1]), int(rest[2]))))  # noqa: T201
    elif action == "count":
        print(json.dumps(_count(rest[0])))  # noqa: T201
    elif action == "probe":
        return _probe(rest[0], rest[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
