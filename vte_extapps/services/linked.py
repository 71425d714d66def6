"""Preferences > Linked Applications: the grants a user gave, as they see them.

Ending a grant is ``grants.revoke_grant``, shared with the OAuth endpoints.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Sequence

from pyramid.request import Request
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..directives import Scope, scope_catalog
from ..models import AccessToken, Application, Grant
from .listing import latest


@dataclasses.dataclass(frozen=True, slots=True)
class LinkedApplication:
    """A grant as its user sees it: which application may do what."""

    grant: Grant
    application: Application
    scopes: Sequence[Scope]
    #: When the application last got a token for the user, or used one.
    last_used: datetime.datetime | None = None

    @property
    def first_authorised(self) -> datetime.datetime:
        return self.grant.created_at


def linked_applications(request: Request, user_id: str) -> list[LinkedApplication]:
    """The user's live grants, the most recently authorised first."""
    catalog = scope_catalog(request.registry)
    grants = request.extapps_db.scalars(
        select(Grant)
        .options(joinedload(Grant.application))
        .where(Grant.user_id == user_id, Grant.revoked_at.is_(None))
        .order_by(Grant.created_at.desc(), Grant.id.desc())
    ).all()
    token_use: dict[int, datetime.datetime | None] = dict(
        request.extapps_db.execute(
            select(AccessToken.grant_id, func.max(AccessToken.last_used_at))
            .where(AccessToken.grant_id.in_([grant.id for grant in grants]))
            .group_by(AccessToken.grant_id)
        ).all()
    )
    return [
        LinkedApplication(
            grant,
            grant.application,
            catalog.describe(grant.scopes),
            latest(grant.last_used_at, token_use.get(grant.id)),
        )
        for grant in grants
    ]


def find_user_grant(request: Request, user_id: str, grant_id: int) -> Grant | None:
    """The user's own live grant with this id; another user's is not found."""
    return request.extapps_db.scalars(
        select(Grant).where(
            Grant.id == grant_id,
            Grant.user_id == user_id,
            Grant.revoked_at.is_(None),
        )
    ).first()
