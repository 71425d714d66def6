"""Issuing, finding and ending tokens.

The hot paths are plain SQL statements rather than ORM object loads: a token
is issued, checked or revoked in one statement.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import CursorResult, insert, or_, select, update
from sqlalchemy.orm import Session

from ..credentials import ACCESS_TOKEN_PREFIX, REFRESH_TOKEN_PREFIX, digest, new_token
from ..db import mark_written
from ..models import AccessToken, Grant, RefreshToken, metadata, utcnow


@dataclasses.dataclass(frozen=True)
class IssuedToken:
    """A token as handed out; ``value`` exists only in this response."""

    id: int
    value: str = dataclasses.field(repr=False)
    expires_at: datetime.datetime


def issue_access_token(
    db: Session,
    *,
    application_id: int,
    user_id: str | None,
    scopes: Sequence[str],
    grant_type: str,
    lifetime: int,
    grant_id: int | None = None,
    refresh_token_id: int | None = None,
    authorization_code_id: int | None = None,
) -> IssuedToken:
    value = new_token(ACCESS_TOKEN_PREFIX)
    now = utcnow()
    expires_at = now + datetime.timedelta(seconds=lifetime)
    token_id = _insert(
        db,
        AccessToken,
        digest=digest(value),
        application_id=application_id,
        grant_id=grant_id,
        user_id=user_id,
        scopes=list(scopes),
        grant_type=grant_type,
        refresh_token_id=refresh_token_id,
        authorization_code_id=authorization_code_id,
        issued_at=now,
        expires_at=expires_at,
    )
    return IssuedToken(token_id, value, expires_at)


def issue_refresh_token(
    db: Session,
    *,
    application_id: int,
    user_id: str,
    scopes: Sequence[str],
    grant_id: int | None,
    idle_lifetime: int,
    absolute_expires_at: datetime.datetime,
    authorization_code_id: int | None = None,
) -> IssuedToken:
    value = new_token(REFRESH_TOKEN_PREFIX)
    now = utcnow()
    idle_expires_at = min(
        absolute_expires_at, now + datetime.timedelta(seconds=idle_lifetime)
    )
    token_id = _insert(
        db,
        RefreshToken,
        digest=digest(value),
        application_id=application_id,
        grant_id=grant_id,
        user_id=user_id,
        scopes=list(scopes),
        authorization_code_id=authorization_code_id,
        issued_at=now,
        expires_at=absolute_expires_at,
        idle_expires_at=idle_expires_at,
    )
    return IssuedToken(token_id, value, idle_expires_at)


#: Built once; each token only binds its values.
_INSERT_ROW = {
    AccessToken: insert(metadata.tables[AccessToken.__tablename__]),
    RefreshToken: insert(metadata.tables[RefreshToken.__tablename__]),
}


def _insert(
    db: Session, model: type[AccessToken] | type[RefreshToken], **values: Any
) -> int:
    # One INSERT and no ORM object: nothing in the request reads the row back.
    result = cast(CursorResult[Any], db.execute(_INSERT_ROW[model], values))
    mark_written(db)
    inserted = result.inserted_primary_key
    if inserted is None:
        raise RuntimeError(f"the database did not report the new {model.__name__}")
    token_id: int = inserted[0]
    return token_id


def _revoke(
    db: Session, model: type[AccessToken] | type[RefreshToken], *where: object
) -> int:
    now = utcnow()
    result = db.execute(
        update(model)
        .where(model.revoked_at.is_(None), model.expires_at > now, *where)  # type: ignore[arg-type]
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def revoke_application_tokens(db: Session, application_id: int) -> int:
    """Revoke every live token of an application; returns the access tokens ended."""
    _revoke(db, RefreshToken, RefreshToken.application_id == application_id)
    return _revoke(db, AccessToken, AccessToken.application_id == application_id)


def revoke_user_tokens(db: Session, user_id: str) -> int:
    _revoke(db, RefreshToken, RefreshToken.user_id == user_id)
    return _revoke(db, AccessToken, AccessToken.user_id == user_id)


def revoke_grant_tokens(db: Session, grant_id: int) -> int:
    _revoke(db, RefreshToken, RefreshToken.grant_id == grant_id)
    return _revoke(db, AccessToken, AccessToken.grant_id == grant_id)


def revoke_refresh_token_family(db: Session, refresh_token_id: int) -> int:
    """A refresh token and the access tokens issued with it."""
    _revoke(db, RefreshToken, RefreshToken.id == refresh_token_id)
    return _revoke(db, AccessToken, AccessToken.refresh_token_id == refresh_token_id)


def revoke_code_descendants(db: Session, authorization_code_id: int) -> int:
    """Everything issued from a code, when the code is replayed (RFC 6749 10.5)."""
    _revoke(
        db, RefreshToken, RefreshToken.authorization_code_id == authorization_code_id
    )
    return _revoke(
        db, AccessToken, AccessToken.authorization_code_id == authorization_code_id
    )


def live_grants_of(db: Session, user_id: str) -> Sequence[Grant]:
    return db.scalars(
        select(Grant).where(Grant.user_id == user_id, Grant.revoked_at.is_(None))
    ).all()


def expired_or_revoked(
    model: type[AccessToken] | type[RefreshToken], now: datetime.datetime
) -> object:
    return or_(model.expires_at <= now, model.revoked_at.is_not(None))


def revoke_access_token(db: Session, access_token_id: int) -> int:
    """One access token, as when its client revokes it (RFC 7009 2.1)."""
    return _revoke(db, AccessToken, AccessToken.id == access_token_id)
