"""Removing what can never be used again: dead tokens, codes and assertion ids.

Without this the token tables only grow. Rows go in batches, each in its own
short transaction that commits before the next starts, so a large backlog
never holds locks for long and memory stays flat whatever its size.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, or_, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from ..models import AccessToken, AuthorizationCode, RefreshToken, UsedAssertion, utcnow

log = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 5000

Cleanable = (
    type[AccessToken]
    | type[RefreshToken]
    | type[AuthorizationCode]
    | type[UsedAssertion]
)


@dataclasses.dataclass(frozen=True, slots=True)
class DeadRows:
    """One kind of row, when it is dead, and the columns that point at it."""

    name: str
    model: Cleanable
    dead: Callable[[datetime.datetime], ColumnElement[bool]]
    #: Columns elsewhere that refer to these rows and are emptied first, so
    #: the outcome is the same whether or not the database applies the
    #: foreign keys' ON DELETE SET NULL (SQLite only does when asked to).
    referrers: tuple[InstrumentedAttribute[Any], ...] = ()


def _access_token_dead(cutoff: datetime.datetime) -> ColumnElement[bool]:
    return or_(AccessToken.expires_at <= cutoff, AccessToken.revoked_at <= cutoff)


def _refresh_token_dead(cutoff: datetime.datetime) -> ColumnElement[bool]:
    # A rotated token stays until its absolute end: if it comes back, the
    # token endpoint must still recognise the reuse and end the grant
    # (RFC 9700 4.14). One never rotated is dead once idle too long.
    return or_(
        RefreshToken.expires_at <= cutoff,
        RefreshToken.revoked_at <= cutoff,
        and_(RefreshToken.rotated_at.is_(None), RefreshToken.idle_expires_at <= cutoff),
    )


def _code_dead(cutoff: datetime.datetime) -> ColumnElement[bool]:
    # A redeemed code is kept until it expires, so a replay is still caught.
    return AuthorizationCode.expires_at <= cutoff


def _assertion_dead(cutoff: datetime.datetime) -> ColumnElement[bool]:
    # Past its exp the assertion is refused anyway; its jti need not be kept.
    return UsedAssertion.expires_at <= cutoff


#: What is removed, in an order where nothing removed is still referred to.
DEAD_ROWS: tuple[DeadRows, ...] = (
    DeadRows("access_tokens", AccessToken, _access_token_dead),
    DeadRows(
        "refresh_tokens",
        RefreshToken,
        _refresh_token_dead,
        referrers=(AccessToken.refresh_token_id,),
    ),
    DeadRows(
        "authorization_codes",
        AuthorizationCode,
        _code_dead,
        referrers=(
            AccessToken.authorization_code_id,
            RefreshToken.authorization_code_id,
        ),
    ),
    DeadRows("used_assertions", UsedAssertion, _assertion_dead),
)


def delete_batch(
    db: Session,
    kind: DeadRows,
    cutoff: datetime.datetime,
    *,
    limit: int = DEFAULT_BATCH_SIZE,
    after_id: int = 0,
) -> Sequence[int]:
    """Delete up to ``limit`` dead rows of ``kind`` whose ids follow ``after_id``.

    Returns the ids deleted, in order. The ids are read first and deleted by
    value: MySQL refuses a LIMIT inside an IN subquery on the same table.
    """
    model = kind.model
    ids = db.scalars(
        select(model.id)
        .where(model.id > after_id, kind.dead(cutoff))
        .order_by(model.id)
        .limit(limit)
    ).all()
    if not ids:
        return ids
    for column in kind.referrers:
        db.execute(
            update(column.class_)
            .where(column.in_(ids))
            .values({column.key: None})
            .execution_options(synchronize_session=False)
        )
    db.execute(
        delete(model)
        .where(model.id.in_(ids))
        .execution_options(synchronize_session=False)
    )
    return ids


def remove_dead_rows(
    transaction: Callable[[], AbstractContextManager[Session]],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    older_than: int = 0,
    now: datetime.datetime | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Delete every dead row, batch by batch; returns how many of each kind.

    ``transaction()`` opens one transaction and yields its session; each
    batch runs in a new one. Rows expired or revoked less than
    ``older_than`` seconds ago stay, as does every row still usable.
    ``progress(kind, removed_so_far)`` is called after each batch.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if older_than < 0:
        raise ValueError("older_than must not be negative")
    # One cutoff for the whole run: what dies meanwhile waits for the next.
    cutoff = (now or utcnow()) - datetime.timedelta(seconds=older_than)
    removed: dict[str, int] = {}
    for kind in DEAD_ROWS:
        count = 0
        after_id = 0
        while True:
            with transaction() as db:
                ids = delete_batch(
                    db, kind, cutoff, limit=batch_size, after_id=after_id
                )
            if not ids:
                break
            count += len(ids)
            after_id = ids[-1]
            if progress is not None:
                progress(kind.name, count)
            if len(ids) < batch_size:
                break
        removed[kind.name] = count
    log.info(
        "cleanup.finished access_tokens=%d refresh_tokens=%d "
        "authorization_codes=%d used_assertions=%d",
        removed["access_tokens"],
        removed["refresh_tokens"],
        removed["authorization_codes"],
        removed["used_assertions"],
    )
    return removed
