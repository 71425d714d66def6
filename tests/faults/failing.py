"""Sending one request with one of its statements failing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import webtest

from .injection import DatabaseFault


def at_each(points: dict[str, str]) -> Any:
    """Run the test once per named point of failure: ``point`` is its SQL."""
    return pytest.mark.parametrize("point", list(points.values()), ids=list(points))


def send_failing(
    fault: DatabaseFault,
    kind: str,
    point: str,
    send: Callable[[], webtest.TestResponse],
) -> webtest.TestResponse:
    """Send a request whose statement ``point`` fails; the answer to it."""
    fault.arm(kind, point)
    response = send()
    assert fault.fired == 1, f"the request never ran {point}"
    return response
