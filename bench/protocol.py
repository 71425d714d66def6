"""How the orchestrator drives a measuring process, one round at a time.

Each side of a comparison lives in its own process, set up once. The
orchestrator sends one JSON line per round, ``{"case": ..., "count": ...}``,
and the process answers with the seconds the calls took. Sending the rounds
of both sides alternately is what makes machine drift hit both alike.

Only the standard library is used here: the comparison side imports this
module from another virtual environment.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

#: A case runs its calls ``count`` times and may return extra facts.
Case = Callable[[int], Mapping[str, Any] | None]


class WorkerFailed(RuntimeError):
    """The measuring process stopped or refused a case."""


def serve(cases: Mapping[str, Case], facts: Mapping[str, Any]) -> None:
    """Answer the orchestrator's requests on stdin/stdout until it closes stdin."""
    out = sys.stdout
    # Whatever the code under test prints must not mix with the answers.
    sys.stdout = sys.stderr
    _answer(out, {"ready": True, "cases": sorted(cases), "facts": dict(facts)})
    for line in sys.stdin:
        request = json.loads(line)
        case = cases.get(request["case"])
        if case is None:
            _answer(out, {"error": f"no case {request['case']!r}"})
            continue
        try:
            started = time.perf_counter()
            extra = case(int(request["count"]))
            seconds = time.perf_counter() - started
        except Exception as problem:  # noqa: BLE001 - reported to the orchestrator
            _answer(out, {"error": f"{type(problem).__name__}: {problem}"})
            continue
        _answer(out, {"seconds": seconds, **(extra or {})})


def _answer(out: Any, message: Mapping[str, Any]) -> None:
    out.write(json.dumps(message) + "\n")
    out.flush()


class Worker:
    """A measuring process, started with ``command`` and answering rounds."""

    def __init__(
        self,
        command: Sequence[str],
        env: Mapping[str, str] | None = None,
        timeout: float = 1800,
    ) -> None:
        # What the process says on stderr is kept to explain a failure.
        self.stderr = tempfile.TemporaryFile("w+")  # noqa: SIM115 - closed in close()
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            list(command),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
            env=dict(env) if env is not None else None,
        )
        self.timeout = timeout
        self.cases: list[str] = []
        self.facts: dict[str, Any] = {}

    def ready(self) -> Worker:
        """Wait until the process has set itself up; it may take minutes."""
        hello = self._read()
        self.cases = hello.get("cases", [])
        self.facts = hello.get("facts", {})
        return self

    def run(self, case: str, count: int) -> dict[str, Any]:
        """Run ``case`` ``count`` times; the answer holds ``seconds``."""
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"case": case, "count": count}) + "\n")
        self.process.stdin.flush()
        answer = self._read()
        if "error" in answer:
            raise WorkerFailed(f"{case}: {answer['error']}")
        return answer

    def _read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            self.process.wait(timeout=self.timeout)
            raise WorkerFailed(self.last_words())
        answer: dict[str, Any] = json.loads(line)
        return answer

    def last_words(self) -> str:
        """The last line the process wrote to stderr: usually why it stopped."""
        self.stderr.seek(0)
        lines = [line.strip() for line in self.stderr.read().splitlines()]
        lines = [line for line in lines if line and not line.startswith("^")]
        return lines[-1] if lines else f"exit status {self.process.returncode}"

    def close(self) -> None:
        """Stop the process: close its input, then end it if it lingers."""
        if self.process.poll() is None:
            try:
                if self.process.stdin is not None:
                    self.process.stdin.close()
                self.process.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        self.stderr.close()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
