"""Authorization codes: issued at the authorize endpoint, redeemed once.

RFC 6749 4.1.2 and 10.5: a code is short-lived, bound to its client and
redirect URI, and a second redemption revokes what the first produced.
RFC 7636: every code carries an S256 challenge its verifier must meet.
"""

from __future__ import annotations

import datetime
import logging
import re
from typing import Any

from oauthlib.oauth2.rfc6749 import errors
from sqlalchemy import select

from .. import audit
from ..credentials import digest
from ..models import AnyApplication, AuthorizationCode, utcnow
from ..services import tokens
from ..services.configuration import general_configuration
from .validator import ValidatorBase

log = logging.getLogger(__name__)

# RFC 7636 4.1: 43 to 128 unreserved characters.
VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


class CodeValidation(ValidatorBase):
    def save_authorization_code(
        self,
        client_id: str,
        code: dict[str, Any],
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        application: AnyApplication = request.client
        now = utcnow()
        lifetime = general_configuration(self.request).authorization_code_lifetime
        self.db.add(
            AuthorizationCode(
                digest=digest(code["code"]),
                application_id=application.id,
                grant_id=getattr(request, "extapps_grant_id", None),
                user_id=request.user,
                scopes=list(request.scopes),
                redirect_uri=request.redirect_uri,
                code_challenge=request.code_challenge,
                code_challenge_method=request.code_challenge_method,
                issued_at=now,
                expires_at=now + datetime.timedelta(seconds=lifetime),
            )
        )
        self.db.flush()

    def _code_row(self, code: str, request: Any) -> AuthorizationCode | None:
        cached: AuthorizationCode | None = getattr(request, "extapps_code", None)
        if cached is not None:
            return cached
        return self.db.scalars(
            select(AuthorizationCode).where(AuthorizationCode.digest == digest(code))
        ).first()

    def validate_code(
        self,
        client_id: str,
        code: str,
        client: AnyApplication,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        row = self._code_row(code, request)
        # RFC 6819 5.2.4.4: a code is only good for the client it was issued to.
        if row is None or row.application_id != client.id:
            return False
        if row.redeemed_at is not None:
            self._replayed(row, client)
            return False
        if row.expires_at <= utcnow():
            return False
        # RFC 7636 4.6 and RFC 9700 4.8.2: a code without a challenge is never
        # redeemed, and a verifier must be well formed before it is compared.
        verifier = request.code_verifier
        if (
            not row.code_challenge
            or verifier is None
            or not VERIFIER.fullmatch(verifier)
        ):
            return False
        if not self.user_is_active(row.user_id):
            return False
        request.extapps_code = row
        request.user = row.user_id
        request.scopes = list(row.scopes)
        return True

    def _replayed(self, row: AuthorizationCode, client: AnyApplication) -> None:
        # RFC 6749 4.1.2: the code leaked; what it produced may be in other hands.
        revoked = tokens.revoke_code_descendants(self.db, row.id)
        audit.record(
            self.request,
            audit.RefreshTokenReused,
            client,
            subject_user_id=row.user_id,
            credential_type="authorization_code",
            revoked_count=revoked,
        )

    def get_code_challenge(self, code: str, request: Any) -> str | None:
        row = self._code_row(code, request)
        return row.code_challenge if row is not None else None

    def get_code_challenge_method(self, code: str, request: Any) -> str | None:
        row = self._code_row(code, request)
        return row.code_challenge_method if row is not None else None

    def confirm_redirect_uri(
        self,
        client_id: str,
        code: str,
        redirect_uri: str,
        client: AnyApplication,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        # RFC 6749 4.1.3: identical to the authorization request's. A code
        # presented with another redirect URI is not valid for it, which
        # RFC 6749 5.2 names invalid_grant.
        row = self._code_row(code, request)
        if row is not None and row.redirect_uri != redirect_uri:
            raise errors.InvalidGrantError(
                description="The redirect URI differs from the authorization "
                "request's.",
                request=request,
            )
        return row is not None

    def invalidate_authorization_code(
        self, client_id: str, code: str, request: Any, *args: Any, **kwargs: Any
    ) -> None:
        # Already claimed, atomically, before the tokens were written.
        return None
