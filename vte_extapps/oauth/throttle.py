"""Slowing down guessing at client credentials (RFC 6819 4.3.5, 5.1.4.2.3).

Failures are counted per client id in a fixed window, in the database, so
every worker process sees the same count. Unknown client ids share one
counter: they belong to nobody, and a flood of random ids must neither fill
the table nor lock out a real application.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging

from oauthlib.oauth2.rfc6749 import errors
from pyramid.request import Request
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from ..models import ClientAuthFailure, utcnow
from ..settings import ExtAppsSettings

log = logging.getLogger(__name__)

UNKNOWN_CLIENTS = "*unknown*"


class TooManyFailures(errors.OAuth2Error):
    """429: the client failed to authenticate too often; come back later."""

    error = "invalid_client"
    status_code = 429
    description = "Too many failed authentication attempts; retry later."

    def __init__(self, retry_after: int) -> None:
        super().__init__()
        self.retry_after = retry_after

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


def _settings(request: Request) -> ExtAppsSettings:
    return request.registry["vte_extapps.settings"]


@dataclasses.dataclass(frozen=True, slots=True)
class Failures:
    """A bucket's failures in its window, as read with the client; None if none."""

    counted: int | None
    window_started_at: datetime.datetime | None


def refuse_if_throttled(request: Request, bucket: str, failures: Failures) -> None:
    """Raise ``TooManyFailures`` while ``bucket`` is over its limit."""
    settings = _settings(request)
    if (
        failures.counted is None
        or failures.window_started_at is None
        or failures.counted < settings.auth_failure_limit
    ):
        return
    ends = failures.window_started_at + datetime.timedelta(
        seconds=settings.auth_failure_window
    )
    remaining = int((ends - utcnow()).total_seconds()) + 1
    if remaining > 0:
        log.warning("client_auth_throttled bucket=%s retry_after=%d", bucket, remaining)
        raise TooManyFailures(remaining)


def count_failure(request: Request, bucket: str) -> None:
    """Add one failure to ``bucket``, opening a new window if the last one ended."""
    settings = _settings(request)
    db = request.extapps_db
    now = utcnow()
    window_start = now - datetime.timedelta(seconds=settings.auth_failure_window)

    # A window that has ended starts over at this failure.
    db.execute(
        update(ClientAuthFailure)
        .where(
            ClientAuthFailure.client_id == bucket,
            ClientAuthFailure.window_started_at <= window_start,
        )
        .values(window_started_at=now, failures=0)
        .execution_options(synchronize_session=False)
    )

    # One statement, so that concurrent failures all count.
    counted = db.execute(
        update(ClientAuthFailure)
        .where(ClientAuthFailure.client_id == bucket)
        .values(failures=ClientAuthFailure.failures + 1)
        .execution_options(synchronize_session=False)
    )
    if counted.rowcount:
        return

    # The first failure: a concurrent first failure may win the insert.
    try:
        with db.begin_nested():
            db.add(
                ClientAuthFailure(client_id=bucket, window_started_at=now, failures=1)
            )
    except IntegrityError:
        count_failure(request, bucket)
