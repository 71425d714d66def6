"""The database and the demo servers that P7 puts under load.

The orchestrator's side uses the standard library and SQLAlchemy only; the
steps that need the plugin run in child processes of this module:

    python -m bench.servers prepare URL     the database, tokens, a client
    python -m bench.servers serve URL PORT  one demo server on 127.0.0.1
"""

from __future__ import annotations

import contextlib
import json
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .context import child_env

#: Tokens the API calls of the load use.
POOL = 50


@contextlib.contextmanager
def database(server: str) -> Iterator[str]:
    """A new database on the server, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"vte_extapps_bench_{secrets.token_hex(4)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def prepare(url: str) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 - our own command line
        [sys.executable, "-m", "bench.servers", "prepare", url],
        env=child_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise RuntimeError(lines[-1] if lines else f"exit {done.returncode}")
    prepared: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return prepared


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def servers(url: str, count: int) -> Iterator[tuple[list[int], list[int]]]:
    """Demo servers on loopback, stopped whatever happens."""
    processes: list[subprocess.Popen[str]] = []
    ports = [_free_port() for _ in range(count)]
    try:
        for port in ports:
            processes.append(
                subprocess.Popen(  # noqa: S603 - our own command line
                    [sys.executable, "-m", "bench.servers", "serve", url, str(port)],
                    env=child_env(),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    text=True,
                )
            )
        for port, process in zip(ports, processes, strict=True):
            _wait_for(port, process)
        yield ports, [process.pid for process in processes]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for(port: int, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on port {port} stopped at start-up")
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", port), timeout=1),
        ):
            return
        time.sleep(0.2)
    raise RuntimeError(f"the server on port {port} did not start")


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _prepare_database(url: str) -> dict[str, Any]:
    from . import wsgi
    from .host import Host

    host = Host.build(url)
    tokens = host.access_tokens(POOL)
    client_id, secret = host.service_account()
    prepared: dict[str, Any] = {
        "tokens": tokens,
        "client_id": client_id,
        "client_secret": secret,
    }
    status, payload = wsgi.call(
        host.app, "GET", "/.well-known/oauth-authorization-server"
    )
    metadata = json.loads(payload) if status == 200 else {}
    for kind in ("token", "revocation"):
        endpoint = metadata.get(f"{kind}_endpoint", "")
        if endpoint:
            prepared[f"{kind}_endpoint"] = (
                "/" + endpoint.split("://", 1)[-1].split("/", 1)[-1]
            )
        else:
            prepared[f"{kind}_unavailable"] = (
                f"the server's metadata names no {kind} endpoint (HTTP {status})"
            )
    host.engine.dispose()
    return prepared


def _serve(url: str, port: int) -> None:
    import waitress

    from vte_extapps.demo import main as demo

    from .host import SESSION_SECRET

    app = demo({}, **{"sqlalchemy.url": url, "demo.session_secret": SESSION_SECRET})
    # Behind a TLS-terminating proxy in real life; the app is told so.
    waitress.serve(
        app, host="127.0.0.1", port=port, threads=4, url_scheme="https", _quiet=True
    )


def main(argv: list[str]) -> int:
    action, *rest = argv
    if action == "prepare":
        print(json.dumps(_prepare_database(rest[0])))  # noqa: T201
    elif action == "serve":
        _serve(rest[0], int(rest[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
