"""P7: two waitress processes of the demo on one PostgreSQL, under load.

A threaded load generator on loopback mixes API calls and token requests,
samples the servers' memory every second, and checks that a token revoked
through one server is refused by the other on its next request.
"""

from __future__ import annotations

import base64
import http.client
import json
import random
import statistics
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from . import servers
from .context import Run
from .report import Figure, Goal

THREADS = 8
#: One request in this many asks for a token; the rest are API calls.
TOKEN_EVERY = 5
RSS_GROWTH = 0.10


@dataclass
class Tally:
    #: Seconds per request, by kind: "api" or "token".
    latencies: dict[str, list[float]] = field(
        default_factory=lambda: {"api": [], "token": []}
    )
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def figure(run: Run) -> None:
    seconds = run.sizes.load_seconds
    result = Figure(
        "P7", f"2 waitress + PostgreSQL, {seconds} s load: errors", "PostgreSQL",
        Goal("=", 0),
    )  # fmt: skip
    try:
        with servers.database(run.postgresql) as url:
            try:
                prepared = servers.prepare(url)
            except RuntimeError as problem:
                result.unavailable = str(problem)
                run.add(result)
                return
            with servers.servers(url, 2) as (ports, pids):
                _measure(result, prepared, ports, pids, seconds)
    except Exception as problem:  # noqa: BLE001 - the table says what went wrong
        result.failed = f"{type(problem).__name__}: {problem}"
    run.add(result)


class Client:
    """One keep-alive connection to one server."""

    def __init__(self, port: int, prepared: dict[str, Any]) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.prepared = prepared
        secret = f"{prepared['client_id']}:{prepared['client_secret']}"
        self.basic = "Basic " + base64.b64encode(secret.encode()).decode()

    def send(
        self, method: str, path: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int, bytes]:
        try:
            self.connection.request(method, path, body, headers)
            response = self.connection.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise

    def api(self, token: str) -> int:
        status, _ = self.send(
            "POST",
            "/restapi/v1/vtews/retrieve",
            b'{"id": "16x1"}',
            {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        )
        return status

    def token(self) -> tuple[int, str]:
        status, payload = self.send(
            "POST",
            self.prepared["token_endpoint"],
            urlencode(
                {"grant_type": "client_credentials", "scope": "invoice:read"}
            ).encode(),
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Authorization": self.basic,
            },
        )
        token = json.loads(payload).get("access_token", "") if status == 200 else ""
        return status, token

    def revoke(self, token: str) -> int:
        status, _ = self.send(
            "POST",
            self.prepared["revocation_endpoint"],
            urlencode({"token": token, "token_type_hint": "access_token"}).encode(),
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Authorization": self.basic,
            },
        )
        return status


def _load(
    port: int, prepared: dict[str, Any], until: float, tally: Tally,
    stop: threading.Event,
) -> None:  # fmt: skip
    client = Client(port, prepared)
    pool = prepared["tokens"]
    chooser = random.Random(port)  # noqa: S311 - a mix of requests, not a secret
    can_issue = bool(prepared.get("token_endpoint"))
    number = 0
    while time.monotonic() < until and not stop.is_set():
        number += 1
        started = time.perf_counter()
        kind = "token" if can_issue and number % TOKEN_EVERY == 0 else "api"
        try:
            if kind == "token":
                status, _ = client.token()
            else:
                status = client.api(chooser.choice(pool))
        except (OSError, http.client.HTTPException) as problem:
            with tally.lock:
                tally.errors.append(f"{type(problem).__name__}: {problem}")
            client = Client(port, prepared)
            continue
        elapsed = time.perf_counter() - started
        with tally.lock:
            tally.latencies[kind].append(elapsed)
            if status != 200:
                tally.errors.append(f"HTTP {status}")


def _measure(
    result: Figure, prepared: dict[str, Any], ports: list[int], pids: list[int],
    seconds: int,
) -> None:  # fmt: skip
    tally = Tally()
    until = time.monotonic() + seconds
    stop = threading.Event()
    workers = [
        threading.Thread(
            target=_load,
            args=(ports[n % 2], prepared, until, tally, stop),
            daemon=True,
        )
        for n in range(THREADS)
    ]
    samples: list[list[int]] = []
    try:
        for worker in workers:
            worker.start()
        # RSS of both servers once a second while the load runs.
        while time.monotonic() < until:
            time.sleep(1)
            samples.append([servers.rss_kb(pid) for pid in pids])
    finally:
        stop.set()
        for worker in workers:
            worker.join()

    everything = [value for values in tally.latencies.values() for value in values]
    result.value = len(tally.errors)
    mix = (
        "API calls and token requests (1 in 5)"
        if prepared.get("token_endpoint")
        else ("API calls only: " + prepared.get("token_unavailable", ""))
    )
    result.notes += [
        f"{len(everything)} requests by {THREADS} threads, "
        f"{len(everything) / seconds:,.0f}/s; {mix}",
        f"all: {_percentiles(everything)}",
    ]
    result.notes += [
        f"{kind}: {_percentiles(values)}"
        for kind, values in tally.latencies.items()
        if values
    ]
    if tally.errors:
        result.notes.append("first errors: " + "; ".join(tally.errors[:3]))

    # RSS from the 10th second to the last (the first and last in quick runs).
    start = 9 if len(samples) > 20 else 0
    for index, name in enumerate("AB"):
        first, last = samples[start][index], samples[-1][index]
        growth = (last - first) / first if first else 0.0
        result.notes.append(
            f"server {name} RSS {first / 1024:.1f} MB at {start + 1} s, "
            f"{last / 1024:.1f} MB at {len(samples)} s ({growth:+.1%})"
        )
        result.checks[f"server {name} RSS growth ≤ {RSS_GROWTH:.0%}"] = (
            growth <= RSS_GROWTH
        )
    result.checks["zero errors"] = not tally.errors
    _revocation_check(result, prepared, ports)


def _percentiles(latencies: list[float]) -> str:
    ordered = sorted(latencies)
    if not ordered:
        return "no requests"
    p50 = statistics.median(ordered)
    p99 = ordered[max(int(len(ordered) * 0.99) - 1, 0)]
    return f"{len(ordered)} requests, p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms"


def _revocation_check(
    result: Figure, prepared: dict[str, Any], ports: list[int]
) -> None:
    """A token revoked through A is refused by B on its very next request."""
    name = "token revoked via A refused by B on its next request"
    missing = prepared.get("revocation_unavailable") or prepared.get(
        "token_unavailable"
    )
    if missing:
        result.notes.append(f"{name}: not available: {missing}")
        return
    a, b = Client(ports[0], prepared), Client(ports[1], prepared)
    # A token of the client that revokes it: RFC 7009 2.1 lets a client
    # revoke only its own tokens. Issued through A, used on B.
    status, token = a.token()
    if status != 200:
        result.checks[name] = False
        result.notes.append(f"revocation: A refused a token ({status})")
        return
    before = b.api(token)
    revoked = a.revoke(token)
    after = b.api(token)
    result.notes.append(
        f"revocation: B answered {before} before, A's revoke {revoked}, B then {after}"
    )
    result.checks[name] = before == 200 and revoked == 200 and after == 401
