"""Reading what operators look at: the applications, their tokens, their trail.

The admin pages and the command line both list through here; nothing in this
module changes a row.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
from collections.abc import Sequence

from pyramid.request import Request
from sqlalchemy import ColumnElement, case, func, or_, select

from ..models import AccessToken, Application, AuditEvent, Grant, RefreshToken, utcnow

#: Rows shown at most on one page of tokens or of the audit trail.
PAGE_SIZE = 200


class TokenStatus(enum.StrEnum):
    """Which of an application's access tokens to list."""

    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclasses.dataclass(frozen=True, slots=True)
class ApplicationRow:
    """An application, with how many of its access tokens work and have expired."""

    application: Application
    active_tokens: int
    #: Tokens that ran out without being revoked: their users sign in again.
    expired_tokens: int = 0
    #: When a token was last issued to it or last used on the API.
    last_used: datetime.datetime | None = None


def latest(*moments: datetime.datetime | None) -> datetime.datetime | None:
    """The most recent of some instants, any of them missing."""
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


@dataclasses.dataclass(frozen=True, slots=True)
class LiveCounts:
    """How much of one application is in use right now."""

    access_tokens: int
    refresh_tokens: int
    grants: int


def _access_token_live(now: datetime.datetime) -> ColumnElement[bool]:
    return AccessToken.revoked_at.is_(None) & (AccessToken.expires_at > now)


def _access_token_expired(now: datetime.datetime) -> ColumnElement[bool]:
    return AccessToken.revoked_at.is_(None) & (AccessToken.expires_at <= now)


def list_applications(request: Request, search: str = "") -> list[ApplicationRow]:
    """Every application, by name; ``search`` keeps names and ids containing it."""
    now = utcnow()
    counts = (
        select(
            AccessToken.application_id,
            func.sum(case((_access_token_live(now), 1), else_=0)).label("active"),
            func.sum(case((_access_token_expired(now), 1), else_=0)).label("expired"),
            func.max(AccessToken.last_used_at).label("used"),
        )
        .group_by(AccessToken.application_id)
        .subquery()
    )
    query = (
        select(
            Application,
            func.coalesce(counts.c.active, 0),
            func.coalesce(counts.c.expired, 0),
            counts.c.used,
        )
        .outerjoin(counts, counts.c.application_id == Application.id)
        .order_by(Application.name, Application.id)
    )
    text = search.strip().lower()
    if text:
        query = query.where(
            or_(
                func.lower(Application.name).contains(text, autoescape=True),
                func.lower(Application.client_id).contains(text, autoescape=True),
            )
        )
    return [
        ApplicationRow(
            application,
            int(active),
            int(expired),
            latest(application.last_used_at, used),
        )
        for application, active, expired, used in request.extapps_db.execute(query)
    ]


def live_counts(request: Request, application: Application) -> LiveCounts:
    """Usable tokens and standing consents of one application."""
    now = utcnow()
    db = request.extapps_db
    access = db.scalar(
        select(func.count(AccessToken.id)).where(
            AccessToken.application_id == application.id, _access_token_live(now)
        )
    )
    refresh = db.scalar(
        select(func.count(RefreshToken.id)).where(
            RefreshToken.application_id == application.id,
            RefreshToken.revoked_at.is_(None),
            RefreshToken.rotated_at.is_(None),
            RefreshToken.expires_at > now,
            RefreshToken.idle_expires_at > now,
        )
    )
    grants = db.scalar(
        select(func.count(Grant.id)).where(
            Grant.application_id == application.id, Grant.revoked_at.is_(None)
        )
    )
    return LiveCounts(access or 0, refresh or 0, grants or 0)


def list_tokens(
    request: Request, application: Application, status: TokenStatus
) -> Sequence[AccessToken]:
    """The application's access tokens in ``status``, newest first."""
    now = utcnow()
    if status is TokenStatus.ACTIVE:
        condition = _access_token_live(now)
    elif status is TokenStatus.EXPIRED:
        condition = _access_token_expired(now)
    else:
        condition = AccessToken.revoked_at.is_not(None)
    return request.extapps_db.scalars(
        select(AccessToken)
        .where(AccessToken.application_id == application.id, condition)
        .order_by(AccessToken.issued_at.desc(), AccessToken.id.desc())
        .limit(PAGE_SIZE)
    ).all()


def audit_log(request: Request, application: Application) -> Sequence[AuditEvent]:
    """The application's latest lifecycle events, newest first."""
    return request.extapps_db.scalars(
        select(AuditEvent)
        .where(AuditEvent.application_id == application.id)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(PAGE_SIZE)
    ).all()
