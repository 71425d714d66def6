"""P3, P3b (tokens per second against django-oauth-toolkit) and P4 (JWT)."""

from __future__ import annotations

from pathlib import Path

from .context import Run
from .measure import Side, Spread, best_ratio, interleave, rate_ratio
from .ours import JWT_ALGORITHMS
from .protocol import Worker, WorkerFailed
from .report import Figure, Goal, Measured


def issuance(run: Run, where: str, directory: Path) -> None:
    sizes = run.sizes
    p3 = Figure(
        "P3", "client_credentials/s ÷ DOT defaults (PBKDF2)", where, Goal("≥", 50)
    )
    p3b = Figure(
        "P3b", "client_credentials/s ÷ DOT, hashing off", where, Goal("≥", 1.5)
    )
    p4 = [
        Figure(
            "P4",
            f"private_key_jwt {algorithm} ÷ secret, tokens/s",
            where,
            Goal("≥", 0.7),
        )
        for algorithm in JWT_ALGORITHMS
    ]
    figures = [p3, p3b, *p4]

    # Both sides set up at once; either may be missing.
    ours_worker = run.ours("issue", f"sqlite:///{directory / 'issue.sqlite'}")
    dot_worker = run.dot(directory / "dot.sqlite")
    ours: Worker | None = None
    dot: Worker | None = None
    try:
        try:
            ours = ours_worker.ready()
            run.versions.setdefault("ours", ours.facts.get("versions"))
            if "unavailable" in ours.facts:
                raise WorkerFailed(ours.facts["unavailable"])
        except WorkerFailed as problem:
            ours = None
            for figure in figures:
                figure.unavailable = str(problem)
        try:
            dot = dot_worker.ready()
            run.versions["dot"] = dot.facts
        except WorkerFailed as problem:
            dot = None
            for figure in (p3, p3b):
                figure.unavailable = f"django-oauth-toolkit: {problem}"

        sides: list[Side] = []
        if ours is not None:
            sides.append(Side("ours secret", ours, "secret_basic", sizes.issue_calls))
            sides += [
                Side(f"ours {algorithm}", ours, f"jwt_{algorithm}", sizes.issue_calls)
                for algorithm in JWT_ALGORITHMS
            ]
        if dot is not None:
            sides.append(Side("DOT hashed", dot, "issue_hashed", sizes.hashed_calls))
            sides.append(Side("DOT plain", dot, "issue_plain", sizes.issue_calls))
        if not sides:
            run.add(*figures)
            return
        try:
            times = interleave(sides, sizes.rounds)
        except WorkerFailed as problem:
            for figure in figures:
                figure.failed = str(problem)
            run.add(*figures)
            return

        spread = {label: Spread.of(values) for label, values in times.items()}
        for figure, dot_label in ((p3, "DOT hashed"), (p3b, "DOT plain")):
            figure.sides = [
                Measured(label, spread[label], "/s")
                for label in ("ours secret", dot_label)
                if label in spread
            ]
            if ours is not None and dot is not None:
                figure.value, figure.low, figure.high = rate_ratio(
                    times["ours secret"], times[dot_label]
                )
                figure.best = best_ratio(times[dot_label], times["ours secret"])
        if dot is not None:
            p3.notes.append(f"DOT secret hasher: {dot.facts.get('secret_hasher')}")
        if ours is not None:
            for figure, algorithm in zip(p4, JWT_ALGORITHMS, strict=True):
                label = f"ours {algorithm}"
                figure.value, figure.low, figure.high = rate_ratio(
                    times[label], times["ours secret"]
                )
                figure.best = best_ratio(times["ours secret"], times[label])
                figure.sides = [
                    Measured(label, spread[label], "/s"),
                    Measured("ours secret", spread["ours secret"], "/s"),
                ]
    finally:
        ours_worker.close()
        dot_worker.close()
    run.add(*figures)
