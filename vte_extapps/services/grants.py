"""A user's consent to an application: finding, widening and revoking it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pyramid.request import Request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import audit
from ..models import Application, Grant, utcnow
from .tokens import revoke_grant_tokens


def find_grant(
    request: Request, application: Application, user_id: str
) -> Grant | None:
    """The user's live grant to the application, if there is one."""
    return request.extapps_db.scalars(
        select(Grant).where(
            Grant.application_id == application.id,
            Grant.user_id == user_id,
            Grant.revoked_at.is_(None),
        )
    ).first()


def grants_of_user(request: Request, user_id: str) -> Sequence[Grant]:
    """What Linked Applications lists: the user's live grants."""
    return request.extapps_db.scalars(
        select(Grant)
        .where(Grant.user_id == user_id, Grant.revoked_at.is_(None))
        .order_by(Grant.created_at)
    ).all()


def covers(
    grant: Grant | None, application: Application, scopes: Iterable[str]
) -> bool:
    """Whether consenting again would add nothing the user has not approved."""
    if grant is None or grant.revoked_at is not None:
        return False
    if application.offline_access and not grant.offline_access:
        return False
    return set(scopes) <= set(grant.scopes)


def widen_grant(
    request: Request, application: Application, user_id: str, scopes: Sequence[str]
) -> Grant:
    """Record the user's consent to ``scopes``, on top of what they gave before."""
    db = request.extapps_db
    grant = db.scalars(
        select(Grant).where(
            Grant.application_id == application.id, Grant.user_id == user_id
        )
    ).first()
    if grant is None:
        try:
            with db.begin_nested():
                grant = Grant(application_id=application.id, user_id=user_id)
                db.add(grant)
        except IntegrityError:
            # The same user consented in another tab at the same moment.
            grant = db.scalars(
                select(Grant).where(
                    Grant.application_id == application.id, Grant.user_id == user_id
                )
            ).one()
    if grant.revoked_at is not None:
        # A revoked grant starts over: what was approved before is forgotten.
        grant.revoked_at = None
        grant.scopes = []
        grant.created_at = utcnow()
    grant.scopes = list(dict.fromkeys([*grant.scopes, *scopes]))
    grant.offline_access = application.offline_access
    db.flush()
    audit.record(
        request,
        audit.ConsentGranted,
        application,
        subject_user_id=user_id,
        scopes=list(scopes),
        offline_access=grant.offline_access,
    )
    return grant


def revoke_grant(request: Request, grant: Grant) -> int:
    """End the grant and every token issued under it; returns tokens ended."""
    grant.revoked_at = utcnow()
    request.extapps_db.flush()
    revoked = revoke_grant_tokens(request.extapps_db, grant.id)
    audit.record(
        request,
        audit.ConsentRevoked,
        grant.application,
        subject_user_id=grant.user_id,
        revoked_count=revoked,
    )
    return revoked
