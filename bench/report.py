"""Figures as they are found: the table on the terminal and the JSON file."""

from __future__ import annotations

import dataclasses
import json
import operator
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .measure import Spread

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "≤": operator.le,
    "≥": operator.ge,
    "=": operator.eq,
}


@dataclasses.dataclass(frozen=True)
class Goal:
    """A bound the figure should keep, such as ``≤ 1.5``."""

    op: str
    bound: float

    def met_by(self, value: float) -> bool:
        return _COMPARE[self.op](value, self.bound)

    def __str__(self) -> str:
        return f"{self.op} {self.bound:g}"


@dataclasses.dataclass(frozen=True)
class Measured:
    """One side of a figure: its median and range, in its own unit."""

    label: str
    spread: Spread
    unit: str  # "ms" per call or "/s" calls per second

    def text(self) -> str:
        if self.unit == "/s":
            low, high = 1 / self.spread.high, 1 / self.spread.low
            return (
                f"{self.label} {1 / self.spread.median:,.1f}/s ({low:,.1f}-{high:,.1f})"
            )
        scale = 1000
        return (
            f"{self.label} {self.spread.median * scale:.3f} ms "
            f"({self.spread.low * scale:.3f}-{self.spread.high * scale:.3f})"
        )

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "seconds_per_call": dataclasses.asdict(self.spread),
        }
        if self.unit == "/s":
            data["per_second_median"] = 1 / self.spread.median
        return {"label": self.label, **data}


@dataclasses.dataclass
class Figure:
    """A figure of the table, with its goal and how it fared."""

    number: str
    title: str
    where: str
    goal: Goal | None
    value: float | None = None
    low: float | None = None
    high: float | None = None
    #: The same ratio from each side's fastest round, less touched by noise.
    best: float | None = None
    sides: list[Measured] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)
    #: Why the figure could not be taken, when it could not.
    unavailable: str | None = None
    failed: str | None = None
    #: For figures that are a set of checks rather than one number.
    checks: dict[str, bool] = dataclasses.field(default_factory=dict)

    @property
    def verdict(self) -> str:
        if self.failed:
            return f"FAILED: {self.failed}"
        if self.unavailable:
            return f"not available: {self.unavailable}"
        if self.checks and not all(self.checks.values()):
            missed = [name for name, ok in self.checks.items() if not ok]
            return "missed: " + ", ".join(missed)
        if (
            self.value is not None
            and self.goal is not None
            and not self.goal.met_by(self.value)
        ):
            return "missed"
        return "met"

    def as_json(self) -> dict[str, Any]:
        return {
            "figure": self.number,
            "title": self.title,
            "where": self.where,
            "goal": str(self.goal) if self.goal else None,
            "value": self.value,
            "range": [self.low, self.high] if self.low is not None else None,
            "fastest_rounds_ratio": self.best,
            "verdict": self.verdict,
            "sides": [side.as_json() for side in self.sides],
            "checks": self.checks,
            "notes": self.notes,
        }


def table(figures: Sequence[Figure]) -> str:
    lines = [
        f"{'#':<4} {'figure':<46} {'where':<16} {'value':>9} {'min-max':<15} "
        f"{'goal':<7} verdict",
    ]
    for figure in figures:
        if figure.value is None:
            value, spread = "", ""
        else:
            value = (
                f"{figure.value:.3g}" if figure.value < 1000 else f"{figure.value:,.0f}"
            )
            spread = (
                f"{figure.low:.3g}-{figure.high:.3g}"
                if figure.low is not None and figure.high is not None
                else ""
            )
        lines.append(
            f"{figure.number:<4} {figure.title:<46} {figure.where:<16} {value:>9} "
            f"{spread:<15} {figure.goal or ''!s:<7} {figure.verdict}"
        )
        details = [side.text() for side in figure.sides] + figure.notes
        if figure.best is not None:
            details.append(f"ratio of the fastest rounds: {figure.best:.3g}")
        lines.extend(f"{'':<5}{detail}" for detail in details)
        lines.extend(
            f"{'':<5}{'ok ' if ok else 'NO '} {name}"
            for name, ok in figure.checks.items()
        )
    return "\n".join(lines)


def write_json(path: Path, figures: Sequence[Figure], run: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {**run, "figures": [figure.as_json() for figure in figures]}
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
