"""Revoking (RFC 7009) and introspecting (RFC 7662) a client's own tokens.

A client only ever learns about, or ends, tokens issued to itself; any other
token looks exactly like an unknown one (RFC 7009 2.1, RFC 7662 4).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from .. import audit
from ..credentials import digest
from ..directives import user_directory
from ..models import AccessToken, AnyApplication, RefreshToken, utcnow
from ..services import tokens
from .validator import ValidatorBase

log = logging.getLogger(__name__)


class TokenInspection(ValidatorBase):
    def _own(
        self,
        model: type[AccessToken] | type[RefreshToken],
        value: str,
        client: AnyApplication,
    ) -> Any:
        return self.db.scalars(
            select(model).where(
                model.digest == digest(value), model.application_id == client.id
            )
        ).first()

    def revoke_token(
        self,
        token: str,
        token_type_hint: str | None,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        application: AnyApplication = request.client
        revoked = 0
        access = self._own(AccessToken, token, application)
        if access is not None:
            revoked = tokens.revoke_access_token(self.db, access.id)
            user_id = access.user_id
        else:
            refresh = self._own(RefreshToken, token, application)
            if refresh is None:
                return
            # RFC 7009 2.1: ending a refresh token ends its access tokens too.
            revoked = tokens.revoke_refresh_token_family(self.db, refresh.id)
            user_id = refresh.user_id
        audit.record(
            self.request,
            audit.TokenRevoked,
            application,
            subject_user_id=user_id,
            revoked_count=revoked,
        )

    def introspect_token(
        self,
        token: str,
        token_type_hint: str | None,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> dict[str, Any] | None:
        application: AnyApplication = request.client
        now = utcnow()
        row = self._own(AccessToken, token, application)
        token_type = "Bearer"  # noqa: S105 - a token type, not a password
        if row is None:
            row = self._own(RefreshToken, token, application)
            token_type = "refresh_token"  # noqa: S105 - a token type name
            if row is None or row.rotated_at is not None or row.idle_expires_at <= now:
                return None
        if row.revoked_at is not None or row.expires_at <= now:
            return None
        # RFC 7662 2.2: exp is when the token stops working; a refresh token
        # is rotated on use, so that is its idle deadline (never past the
        # grant's absolute end).
        expires_at = (
            row.idle_expires_at if isinstance(row, RefreshToken) else row.expires_at
        )
        claims: dict[str, Any] = {
            "scope": " ".join(row.scopes),
            "client_id": application.client_id,
            "token_type": token_type,
            "exp": int(expires_at.timestamp()),
            "iat": int(row.issued_at.timestamp()),
        }
        if row.user_id is not None:
            user = user_directory(self.request.registry).get_user(
                self.request, row.user_id
            )
            # A user deactivated in the host loses access at once.
            if user is None or not user.active:
                return None
            claims["sub"] = row.user_id
            claims["username"] = user.display_name
        return claims
