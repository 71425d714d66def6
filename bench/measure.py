"""Rounds, interleaved across processes, and what is made of their times."""

from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Sequence

from .protocol import Worker


@dataclasses.dataclass(frozen=True)
class Side:
    """One thing timed in a comparison: a case in a measuring process."""

    label: str
    worker: Worker
    case: str
    #: Calls per round; slow cases take fewer.
    count: int


@dataclasses.dataclass(frozen=True)
class Spread:
    """Median and range over rounds, of seconds per call."""

    median: float
    low: float
    high: float
    rounds: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        return cls(statistics.median(values), min(values), max(values), len(values))


def interleave(sides: Sequence[Side], rounds: int) -> dict[str, list[float]]:
    """Seconds per call of each side, round by round.

    In every round each side runs once; the order turns from round to round,
    so that no side always goes first, right after another's garbage.
    """
    per_call: dict[str, list[float]] = {side.label: [] for side in sides}
    for number in range(rounds):
        shift = number % len(sides)
        order = list(sides[shift:]) + list(sides[:shift])
        if number % 2:
            order.reverse()
        for side in order:
            answer = side.worker.run(side.case, side.count)
            per_call[side.label].append(answer["seconds"] / side.count)
    return per_call


def paired_ratio(
    numerator: Sequence[float], denominator: Sequence[float]
) -> tuple[float, float, float]:
    """Median, min and max of the round-by-round ratios of two sides."""
    ratios = [a / b for a, b in zip(numerator, denominator, strict=True)]
    return statistics.median(ratios), min(ratios), max(ratios)


def best_ratio(numerator: Sequence[float], denominator: Sequence[float]) -> float:
    """The ratio of each side's fastest round: what is left when noise is not."""
    return min(numerator) / min(denominator)


def rate_ratio(
    numerator: Sequence[float], denominator: Sequence[float]
) -> tuple[float, float, float]:
    """The same for rates (calls per second) from seconds per call."""
    ratios = [b / a for a, b in zip(numerator, denominator, strict=True)]
    return statistics.median(ratios), min(ratios), max(ratios)
