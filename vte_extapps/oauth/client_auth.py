"""Who is calling the token, revocation and introspection endpoints.

An application authenticates only with the kind of credential it was
registered with (RFC 6749 2.3, RFC 7523 2.2, RFC 7591 2):

- a secret key: ``client_secret_basic`` or ``client_secret_post``;
- a signed JWT: ``private_key_jwt``;
- nothing (a public client): ``none``, bound to its codes by PKCE instead.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import enum
import logging
from typing import Any
from urllib.parse import unquote_plus

from oauthlib.oauth2.rfc6749 import errors
from pyramid.request import Request
from sqlalchemy import and_, bindparam, func, literal_column, or_, select

from .. import audit
from ..credentials import digest, digests_match
from ..models import (
    APPLICATION_RECORD_COLUMNS,
    Application,
    ApplicationRecord,
    AuthMethod,
    ClientAuthFailure,
    ClientSecret,
    utcnow,
)
from . import assertions, throttle

log = logging.getLogger(__name__)

# Compared against when the client id is unknown, so that an unknown id
# costs the same work as a known one (RFC 6819 5.1.4.2.3).
_DUMMY_DIGEST = digest("no such client")


class Method(enum.StrEnum):
    """The token endpoint authentication methods we offer (RFC 8414 2)."""

    BASIC = "client_secret_basic"
    POST = "client_secret_post"
    JWT = "private_key_jwt"
    NONE = "none"


#: Which methods each registered kind of credential may use.
ALLOWED_METHODS = {
    AuthMethod.SECRET: {Method.BASIC, Method.POST},
    AuthMethod.JWT: {Method.JWT},
    AuthMethod.NONE: {Method.NONE},
}


@dataclasses.dataclass(frozen=True)
class Presented:
    """The credentials a request carries; the secret parts never in a repr."""

    method: Method
    client_id: str | None
    secret: str | None = dataclasses.field(default=None, repr=False)
    assertion: str | None = dataclasses.field(default=None, repr=False)


def _basic_credentials(header: str) -> tuple[str, str] | None:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        raise errors.InvalidClientError(
            description="Malformed Basic credentials."
        ) from None
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise errors.InvalidClientError(description="Malformed Basic credentials.")
    # RFC 6749 2.3.1: both parts are form-encoded before they are joined.
    return unquote_plus(client_id), unquote_plus(secret)


def presented_credentials(request: Any) -> Presented:
    """Read the credentials of an oauthlib request, once; E3: only one method."""
    cached = getattr(request, "extapps_presented", None)
    if cached is not None:
        return cached

    basic = _basic_credentials(request.headers.get("Authorization", "") or "")
    secret = getattr(request, "client_secret", None)
    assertion = getattr(request, "client_assertion", None)
    assertion_type = getattr(request, "client_assertion_type", None)
    used = [
        name
        for name, present in (
            (Method.BASIC, basic is not None),
            (Method.POST, secret is not None),
            (Method.JWT, assertion is not None or assertion_type is not None),
        )
        if present
    ]
    # RFC 6749 2.3: a client uses one authentication method per request.
    if len(used) > 1:
        raise errors.InvalidRequestError(
            description="Use one client authentication method per request."
        )

    body_client_id = request.client_id
    if basic is not None:
        presented = Presented(Method.BASIC, basic[0], secret=basic[1])
    elif secret is not None:
        presented = Presented(Method.POST, body_client_id, secret=secret)
    elif used:
        if assertion_type != assertions.ASSERTION_TYPE or not assertion:
            presented = Presented(Method.JWT, body_client_id)
        else:
            presented = Presented(Method.JWT, body_client_id, assertion=assertion)
    else:
        presented = Presented(Method.NONE, body_client_id)
    request.extapps_presented = presented
    return presented


_APPLICATION_BY_CLIENT_ID = select(Application).where(
    Application.client_id == bindparam("client_id")
)


def find_application(request: Request, client_id: str | None) -> Application | None:
    """The application as an entity, for the pages that show or change it."""
    if not client_id or len(client_id) > 64:
        return None
    return request.extapps_db.scalars(
        _APPLICATION_BY_CLIENT_ID, {"client_id": client_id}
    ).first()


_application = Application.__table__
_secret = ClientSecret.__table__.c

_failure = ClientAuthFailure.__table__.c

# Who the caller is, in one statement that does the same work whether or not
# the client exists (RFC 6819 5.1.4.2.3): the application, a row per live
# secret, and the failures counted against its throttle bucket, the shared one
# for an unknown id. Joined onto a one-row table, it returns a row for an
# unknown id too. The count is read fresh, never from the session's identity
# map, so failures counted by other processes weigh at once. Built once.
_ONE_ROW = select(literal_column("1").label("one")).subquery("one_row")
_CALLER = select(
    *APPLICATION_RECORD_COLUMNS,
    _secret.digest,
    _failure.failures,
    _failure.window_started_at,
).select_from(
    _ONE_ROW.outerjoin(_application, _application.c.client_id == bindparam("client_id"))
    .outerjoin(
        ClientSecret.__table__,
        and_(
            _secret.application_id == _application.c.id,
            or_(_secret.expires_at.is_(None), _secret.expires_at > bindparam("now")),
        ),
    )
    .outerjoin(
        ClientAuthFailure.__table__,
        _failure.client_id
        == func.coalesce(_application.c.client_id, throttle.UNKNOWN_CLIENTS),
    )
)


@dataclasses.dataclass(frozen=True)
class Caller:
    """The application a request names, if any, and what it is checked against."""

    application: ApplicationRecord | None
    #: The digests of its live secrets; none unless it uses a secret key, even
    #: if rows from an earlier registration remain.
    secrets: list[str] = dataclasses.field(repr=False)
    bucket: str
    failures: throttle.Failures


def _caller(request: Request, client_id: str | None) -> Caller:
    if not client_id or len(client_id) > 64:
        client_id = None
    rows = request.extapps_db.execute(
        _CALLER, {"client_id": client_id, "now": utcnow()}
    ).all()
    first = rows[0]
    failures = throttle.Failures(first.failures, first.window_started_at)
    if first.id is None:
        return Caller(None, [], throttle.UNKNOWN_CLIENTS, failures)
    application = ApplicationRecord(*first[: len(APPLICATION_RECORD_COLUMNS)])
    secrets: list[str] = []
    if application.auth_method is AuthMethod.SECRET:
        secrets = [row.digest for row in rows if row.digest is not None]
    return Caller(application, secrets, application.client_id, failures)


def find_client(request: Request, client_id: str | None) -> ApplicationRecord | None:
    """The application a token endpoint request names, as a plain record."""
    return _caller(request, client_id).application


class AuthenticationFailed(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def authenticate(
    request: Request, oauth_request: Any, audiences: list[str]
) -> ApplicationRecord | None:
    """The application the request authenticates as, or None (audited, counted)."""
    presented = presented_credentials(oauth_request)
    client_id = presented.client_id
    claimed: assertions.Claimed | None = None
    refused: str | None = None
    if presented.method is Method.JWT and presented.assertion:
        try:
            claimed = assertions.read_claim(presented.assertion)
            client_id = claimed.client_id
        except assertions.AssertionRefused as problem:
            client_id, refused = None, problem.reason

    caller = _caller(request, client_id)
    application = caller.application
    throttle.refuse_if_throttled(request, caller.bucket, caller.failures)
    try:
        if refused:
            raise AuthenticationFailed(refused)
        _verify(
            request,
            presented,
            claimed,
            application,
            caller.secrets,
            oauth_request,
            audiences,
        )
    except AuthenticationFailed as failure:
        _failed(request, application, presented, failure.reason)
        return None
    return application


def _verify(
    request: Request,
    presented: Presented,
    claimed: assertions.Claimed | None,
    application: ApplicationRecord | None,
    secrets: list[str],
    oauth_request: Any,
    audiences: list[str],
) -> None:
    # Done before any other check, so every path costs one comparison.
    if presented.method in {Method.BASIC, Method.POST} and not _secret_matches(
        secrets, presented.secret or ""
    ):
        raise AuthenticationFailed("wrong secret")
    if application is None:
        raise AuthenticationFailed("unknown client")
    if presented.method not in ALLOWED_METHODS[application.auth_method]:
        raise AuthenticationFailed("method not registered for the application")
    if not application.is_active:
        raise AuthenticationFailed("application deactivated")

    # E5: a client_id in the body must name the authenticated client.
    body_client_id = oauth_request.client_id
    if body_client_id is not None and body_client_id != application.client_id:
        raise AuthenticationFailed("client_id differs from the credentials")

    if presented.method is Method.JWT:
        if not presented.assertion or claimed is None:
            raise AuthenticationFailed("wrong or missing client_assertion_type")
        try:
            assertions.verify_assertion(
                request, application, presented.assertion, claimed, audiences
            )
        except assertions.AssertionRefused as refused:
            raise AuthenticationFailed(refused.reason) from None


def _secret_matches(stored: list[str], secret: str) -> bool:
    # Without a live secret, a dummy digest is compared, so that every
    # request does the same work.
    candidates = stored or [_DUMMY_DIGEST]
    presented = digest(secret)
    # Every candidate is compared, so timing tells nothing about which matched.
    results = [digests_match(presented, candidate) for candidate in candidates]
    return any(results) and bool(stored)


def _failed(
    request: Request,
    application: ApplicationRecord | None,
    presented: Presented,
    reason: str,
) -> None:
    log.info(
        "client_auth_failed client_id=%s method=%s reason=%s",
        application.client_id if application is not None else "-",
        presented.method.value,
        reason,
    )
    bucket = (
        application.client_id if application is not None else throttle.UNKNOWN_CLIENTS
    )
    throttle.count_failure(request, bucket)
    audit.record(
        request,
        audit.ClientAuthenticationFailed,
        application,
        auth_method=presented.method.value,
        reason=reason,
    )
