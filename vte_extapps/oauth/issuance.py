"""Writing issued tokens, and refreshing them (RFC 6749 5.1, 6; RFC 9700 4.14).

Refresh tokens rotate on every use. The old one is claimed with a single
conditional UPDATE, so two concurrent refreshes cannot both succeed; a
rotated token that comes back means it leaked, and the whole grant ends.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from oauthlib.oauth2.rfc6749 import errors
from sqlalchemy import select, update

from .. import audit
from ..credentials import digest
from ..models import (
    AnyApplication,
    Application,
    AuthorizationCode,
    Grant,
    RefreshToken,
    utcnow,
)
from ..security import LAST_USED_RESOLUTION
from ..services import tokens
from ..services.configuration import general_configuration
from .validator import ValidatorBase

log = logging.getLogger(__name__)


class TokenIssuance(ValidatorBase):
    def access_token_lifetime(self, request: Any) -> int:
        application: AnyApplication = request.client
        return (
            application.access_token_lifetime
            or general_configuration(self.request).access_token_lifetime
        )

    def rotate_refresh_token(self, request: Any) -> bool:
        return True

    def validate_refresh_token(
        self,
        refresh_token: str,
        client: AnyApplication,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        row = self.db.scalars(
            select(RefreshToken).where(RefreshToken.digest == digest(refresh_token))
        ).first()
        # RFC 6749 10.4: bound to the client it was issued to.
        if row is None or row.application_id != client.id:
            return False
        if row.rotated_at is not None:
            self._reused(row, client)
            return False
        now = utcnow()
        if (
            row.revoked_at is not None
            or min(row.expires_at, row.idle_expires_at) <= now
        ):
            return False
        grant = self.db.get(Grant, row.grant_id) if row.grant_id is not None else None
        # Offline access ends when the grant or the application loses it.
        if (
            grant is None
            or grant.revoked_at is not None
            or not (grant.offline_access and client.offline_access)
        ):
            return False
        if not self.user_is_active(row.user_id):
            self._user_gone(row, client)
            return False
        request.extapps_refresh = row
        request.user = row.user_id
        return True

    def _user_gone(self, row: RefreshToken, client: AnyApplication) -> None:
        # SECURITY G4: a user deactivated in the host loses every token for
        # good, so that activating them again brings no application back.
        if row.user_id is None:
            return
        revoked = tokens.revoke_user_tokens(self.db, row.user_id)
        audit.record(
            self.request,
            audit.TokenRevoked,
            client,
            subject_user_id=row.user_id,
            reason="user deactivated",
            revoked_count=revoked,
        )

    def _reused(self, row: RefreshToken, client: AnyApplication) -> None:
        # RFC 9700 4.14.2: a rotated token used again means two parties hold
        # it; end the grant's tokens so that neither keeps access.
        if row.grant_id is not None:
            revoked = tokens.revoke_grant_tokens(self.db, row.grant_id)
        else:
            revoked = tokens.revoke_refresh_token_family(self.db, row.id)
        log.warning("refresh_token_reused client_id=%s", client.client_id)
        audit.record(
            self.request,
            audit.RefreshTokenReused,
            client,
            subject_user_id=row.user_id,
            credential_type="refresh_token",
            revoked_count=revoked,
        )

    def get_original_scopes(
        self, refresh_token: str, request: Any, *args: Any, **kwargs: Any
    ) -> list[str]:
        row: RefreshToken = request.extapps_refresh
        return list(row.scopes)

    def is_within_original_scope(
        self,
        request_scopes: list[str],
        refresh_token: str,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        # RFC 6749 6: a refresh may narrow the scope, never widen it.
        return False

    def save_bearer_token(
        self, token: dict[str, Any], request: Any, *args: Any, **kwargs: Any
    ) -> None:
        """Store what the engine built, replacing its values with ours."""
        application: AnyApplication = request.client
        grant_type = request.grant_type
        code: AuthorizationCode | None = None
        parent: RefreshToken | None = None
        if grant_type == "client_credentials":
            # RFC 6749 4.4.3: never a refresh token; the run-as user acts.
            user_id, grant_id, code_id = application.run_as_user_id, None, None
            token.pop("refresh_token", None)
        elif grant_type == "authorization_code":
            code = request.extapps_code
            self._claim_code(code)
            user_id, grant_id, code_id = code.user_id, code.grant_id, code.id
        else:
            parent = request.extapps_refresh
            self._claim_refresh_token(parent)
            user_id, grant_id = parent.user_id, parent.grant_id
            code_id = parent.authorization_code_id

        refresh_id = None
        if "refresh_token" in token:
            refresh_id = self._issue_refresh_token(
                token, request, application, user_id, grant_id, code_id, parent
            )
        issued = tokens.issue_access_token(
            self.db,
            application_id=application.id,
            user_id=user_id,
            scopes=request.scopes,
            grant_type=grant_type,
            lifetime=int(token["expires_in"]),
            grant_id=grant_id,
            refresh_token_id=refresh_id,
            authorization_code_id=code_id,
        )
        token["access_token"] = issued.value
        token["scope"] = " ".join(request.scopes)

        now = utcnow()
        last_used = application.last_used_at
        if last_used is None or now - last_used >= LAST_USED_RESOLUTION:
            # As for tokens, at most once a minute: issuing stays INSERTs only.
            self.db.execute(
                update(Application)
                .where(Application.id == application.id)
                .values(last_used_at=now)
                .execution_options(synchronize_session=False)
            )
        if grant_id is not None:
            self.db.execute(
                update(Grant).where(Grant.id == grant_id).values(last_used_at=now)
            )
        event = audit.TokenRefreshed if parent is not None else audit.TokenIssued
        audit.record(
            self.request,
            event,
            application,
            subject_user_id=user_id,
            grant_type=grant_type,
            scopes=list(request.scopes),
            refresh_issued=refresh_id is not None,
        )

    def _issue_refresh_token(
        self,
        token: dict[str, Any],
        request: Any,
        application: AnyApplication,
        user_id: str | None,
        grant_id: int | None,
        code_id: int | None,
        parent: RefreshToken | None,
    ) -> int | None:
        grant = self.db.get(Grant, grant_id) if grant_id is not None else None
        # Offline access must be both allowed to the application and consented.
        if (
            user_id is None
            or grant is None
            or not (application.offline_access and grant.offline_access)
        ):
            token.pop("refresh_token", None)
            return None
        config = general_configuration(self.request)
        if parent is not None:
            # RFC 6749 6: the successor keeps the original scope and end.
            scopes, absolute_end = list(parent.scopes), parent.expires_at
        else:
            absolute = (
                application.refresh_token_absolute_lifetime
                or config.refresh_token_absolute_lifetime
            )
            scopes = list(request.scopes)
            absolute_end = utcnow() + datetime.timedelta(seconds=absolute)
        issued = tokens.issue_refresh_token(
            self.db,
            application_id=application.id,
            user_id=user_id,
            scopes=scopes,
            grant_id=grant_id,
            idle_lifetime=(
                application.refresh_token_idle_lifetime
                or config.refresh_token_idle_lifetime
            ),
            absolute_expires_at=absolute_end,
            authorization_code_id=code_id,
        )
        token["refresh_token"] = issued.value
        return issued.id

    def _claim_code(self, code: AuthorizationCode) -> None:
        claimed = self.db.execute(
            update(AuthorizationCode)
            .where(
                AuthorizationCode.id == code.id,
                AuthorizationCode.redeemed_at.is_(None),
            )
            .values(redeemed_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if not claimed.rowcount:
            # Another request redeemed it between our check and now.
            raise errors.InvalidGrantError()

    def _claim_refresh_token(self, parent: RefreshToken) -> None:
        now = utcnow()
        claimed = self.db.execute(
            update(RefreshToken)
            .where(
                RefreshToken.id == parent.id,
                RefreshToken.rotated_at.is_(None),
                RefreshToken.revoked_at.is_(None),
            )
            .values(rotated_at=now, last_used_at=now)
            .execution_options(synchronize_session=False)
        )
        if not claimed.rowcount:
            raise errors.InvalidGrantError()
