"""P1, P1b, P2 (the cost of a bearer call) and P5 (a large token table)."""

from __future__ import annotations

from pathlib import Path

from .context import Run
from .measure import Side, Spread, best_ratio, interleave, paired_ratio
from .protocol import WorkerFailed
from .report import Figure, Goal, Measured


def api(run: Run, where: str, directory: Path, count_statements: bool) -> None:
    """A bearer REST call against a session one and against the floor."""
    p1 = Figure(
        "P1", "bearer call ÷ session call (vtews/retrieve)", where, Goal("≤", 1.0)
    )
    p1b = Figure(
        "P1b", "bearer call ÷ floor (one SELECT by digest)", where, Goal("≤", 1.5)
    )
    p2 = Figure("P2", "SQL statements per bearer call (plugin's)", where, Goal("=", 1))
    figures = [p1, p1b] + ([p2] if count_statements else [])
    sizes = run.sizes
    worker = run.ours("api", f"sqlite:///{directory / 'api.sqlite'}")
    try:
        worker.ready()
    except WorkerFailed as problem:
        worker.close()
        for figure in figures:
            figure.unavailable = str(problem)
        run.add(*figures)
        return
    with worker:
        run.versions.setdefault("ours", worker.facts.get("versions"))
        try:
            sides = [
                Side(label, worker, label, sizes.api_calls)
                for label in ("bearer", "session", "floor")
            ]
            times = interleave(sides, sizes.rounds)
            for figure, other in ((p1, "session"), (p1b, "floor")):
                figure.value, figure.low, figure.high = paired_ratio(
                    times["bearer"], times[other]
                )
                figure.best = best_ratio(times["bearer"], times[other])
                figure.sides = [
                    Measured("bearer", Spread.of(times["bearer"]), "ms"),
                    Measured(other, Spread.of(times[other]), "ms"),
                ]
            # What the REST call costs without any token, against the same floor.
            session_over_floor = paired_ratio(times["session"], times["floor"])[0]
            p1b.notes.append(
                f"the session call alone is {session_over_floor:.3g} times the floor"
            )
            if count_statements:
                counted = worker.run("statements", 1)
                by_session = worker.run("session_statements", 1)
                p2.value = counted["plugin"]
                p2.notes = [
                    f"{counted['total']} statements in all "
                    f"(the same call with a session: {by_session['total']}):"
                ] + [f"  {text}" for text in counted["statements"]]
        except WorkerFailed as problem:
            for figure in figures:
                figure.failed = str(problem)
    run.add(*figures)


def scale(run: Run, where: str, directory: Path) -> None:
    """Checking a token with a large table ÷ with a small one, paired rounds."""
    sizes = run.sizes
    small, large = sizes.small_table, sizes.large_table
    figure = Figure(
        "P5", f"validation, {large:.0e} ÷ {small:.0e} live tokens", where,
        Goal("≤", 1.15),
    )  # fmt: skip
    workers = [
        run.ours(
            "validate", f"sqlite:///{directory / f'tokens-{rows}.sqlite'}", str(rows)
        )
        for rows in (small, large)
    ]
    try:
        for worker in workers:
            worker.ready()
    except WorkerFailed as problem:
        figure.unavailable = str(problem)
        for worker in workers:
            worker.close()
        run.add(figure)
        return
    try:
        figure.notes.append(
            f"table filled in {workers[1].facts.get('fill_seconds')} s "
            "(Core executemany, batches of 20,000)"
        )
        labels = (f"{small:.0e} rows", f"{large:.0e} rows")
        times = interleave(
            [
                Side(label, worker, "validate", sizes.validate_calls)
                for label, worker in zip(labels, workers, strict=True)
            ],
            sizes.rounds,
        )
        figure.value, figure.low, figure.high = paired_ratio(
            times[labels[1]], times[labels[0]]
        )
        figure.best = best_ratio(times[labels[1]], times[labels[0]])
        figure.sides = [
            Measured(label, Spread.of(times[label]), "ms") for label in labels
        ]
    except WorkerFailed as problem:
        figure.failed = str(problem)
    finally:
        for worker in workers:
            worker.close()
    run.add(figure)
