"""The authorization server, assembled from oauthlib's endpoints and grants.

Only the grants we offer are wired in: no implicit flow, no password or
device grant. The validator is built per request, around the Pyramid
request whose database session and registry it answers from.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from oauthlib.oauth2 import (
    AuthorizationEndpoint,
    BearerToken,
    IntrospectEndpoint,
    RevocationEndpoint,
    TokenEndpoint,
)
from oauthlib.oauth2.rfc6749 import errors
from oauthlib.oauth2.rfc6749.grant_types import (
    AuthorizationCodeGrant,
    ClientCredentialsGrant,
    RefreshTokenGrant,
)
from oauthlib.oauth2.rfc6749.grant_types.authorization_code import (
    code_challenge_method_s256,
)
from pyramid.request import Request

from ..credentials import (
    ACCESS_TOKEN_PREFIX,
    AUTHORIZATION_CODE_PREFIX,
    REFRESH_TOKEN_PREFIX,
    new_token,
)
from .codes import CodeValidation
from .inspection import TokenInspection
from .issuance import TokenIssuance
from .validator import ClientValidation

#: Parameters an authorization request may carry once each (RFC 6749 3.1).
AUTHORIZATION_PARAMETERS = (
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
    "prompt",
    "response_mode",
)

GRANT_TYPES = ("authorization_code", "client_credentials", "refresh_token")


class Validator(ClientValidation, CodeValidation, TokenIssuance, TokenInspection):
    """Every answer the engine needs, for one request."""


class CodeGrant(AuthorizationCodeGrant):
    """The authorization code grant, with S256 as the only PKCE method."""

    # RFC 9700 2.1.1: plain, and a missing method (which means plain), are
    # refused with invalid_request.
    _code_challenge_methods = {"S256": code_challenge_method_s256}

    def create_authorization_code(self, request: Any) -> dict[str, str]:
        grant = {"code": new_token(AUTHORIZATION_CODE_PREFIX)}
        if request.state:
            grant["state"] = request.state
        return grant


def _authorization_checks(request: Any) -> dict[str, Any]:
    """Checks run once the client and its redirect URI are known to be good."""
    # The code, and any error, always come back in the query (RFC 6749 4.1.2).
    request.response_mode = "query"
    # RFC 6749 3.1: no parameter may appear twice.
    duplicates = set(request.duplicate_params) & set(AUTHORIZATION_PARAMETERS)
    if duplicates:
        raise errors.InvalidRequestError(
            description="A parameter appears more than once.", request=request
        )
    challenge = request.code_challenge
    # RFC 7636 4.2: an S256 challenge is 43 base64url characters.
    if challenge is not None and (
        len(challenge) != 43
        or not challenge.replace("-", "").replace("_", "").isalnum()
        or not challenge.isascii()
    ):
        raise errors.InvalidRequestError(
            description="Malformed code_challenge.", request=request
        )
    return {}


class ConfidentialIntrospectEndpoint(IntrospectEndpoint):
    """Introspection for confidential clients only (RFC 7662 2.1, 4)."""

    def validate_introspect_request(self, request: Any) -> None:
        super().validate_introspect_request(request)
        if request.client.is_public:
            raise errors.InvalidClientError(request=request)


@dataclasses.dataclass(frozen=True)
class Server:
    authorization: Any
    token: Any
    revocation: Any
    introspection: Any


def build_server(request: Request) -> Server:
    validator = Validator(request)
    bearer = BearerToken(
        validator,
        token_generator=lambda _: new_token(ACCESS_TOKEN_PREFIX),
        refresh_token_generator=lambda _: new_token(REFRESH_TOKEN_PREFIX),
        expires_in=validator.access_token_lifetime,
    )
    code_grant = CodeGrant(validator, pre_auth=[_authorization_checks])
    grants = {
        "authorization_code": code_grant,
        "client_credentials": ClientCredentialsGrant(
            validator, post_token=[_run_as_user_check(validator)]
        ),
        "refresh_token": RefreshTokenGrant(validator, issue_new_refresh_tokens=True),
    }
    return Server(
        authorization=AuthorizationEndpoint(
            default_response_type="code",
            default_token_type=bearer,
            response_types={"code": code_grant},
        ),
        token=TokenEndpoint(
            default_grant_type="authorization_code",
            default_token_type=bearer,
            grant_types=grants,
        ),
        revocation=RevocationEndpoint(validator),
        introspection=ConfidentialIntrospectEndpoint(validator),
    )


def _run_as_user_check(validator: Validator) -> Any:
    def check(request: Any) -> None:
        # A service account acts as its run-as user; without one, it cannot act.
        if not validator.user_is_active(request.client.run_as_user_id):
            raise errors.UnauthorizedClientError(
                description="The application's run-as user is not active.",
                request=request,
            )

    return check
