"""Bearer tokens on the host's views, wrapped around the host's own policy.

A request that carries ``Authorization: Bearer`` is judged by its token alone:
it never also gets the browser session's identity, and it needs no CSRF token
because a browser never attaches it on its own. Every other request goes to
the host's policy unchanged.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
from typing import Any

from pyramid.authorization import ACLHelper, Authenticated, Everyone
from pyramid.config import PHASE2_CONFIG, Configurator
from pyramid.config.security import DefaultCSRFOptions
from pyramid.events import NewResponse
from pyramid.interfaces import IDefaultCSRFOptions, ISecurityPolicy
from pyramid.request import Request
from pyramid.security import Denied
from sqlalchemy import bindparam, select, update

from .credentials import digest
from .directives import scope_catalog, user_directory
from .models import AccessToken, Application, ApplicationStatus, ServerConfiguration
from .models import utcnow as now_utc
from .settings import ExtAppsSettings

log = logging.getLogger(__name__)

#: ``last_used_at`` is written at most this often per token, so that checking a
#: token stays a single read.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)

_BEARER_STATE = "vte_extapps.bearer"


@dataclasses.dataclass(frozen=True, slots=True)
class TokenIdentity:
    """Who a valid access token speaks for, and what it may do."""

    token_id: int
    user_id: str
    client_id: str
    scopes: frozenset[str]
    expires_at: datetime.datetime
    via_token: bool = True

    def __repr__(self) -> str:
        return f"<TokenIdentity user={self.user_id} client={self.client_id}>"


@dataclasses.dataclass(slots=True)
class _BearerState:
    """What the policy learnt about this request's token, for the challenge."""

    error: str | None = None
    scope_denied: bool = False
    identity: TokenIdentity | None = None


class InsufficientScope(Denied):
    """Denied because no granted scope covers the permission (RFC 6750 3.1)."""


def bearer_credential(request: Request) -> str | None:
    """The token in ``Authorization: Bearer``, the scheme in any case (RFC 6750 2.1)."""
    header = request.headers.get("Authorization", "")
    scheme, _, credential = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return credential.strip()


def is_bearer_request(request: Request) -> bool:
    """A request that asks to be judged by a token rather than by a session."""
    return bearer_credential(request) is not None or "access_token" in request.GET


class BearerSecurityPolicy:
    """Wrap a host's security policy with bearer-token authentication."""

    def __init__(self, host_policy: Any | None) -> None:
        self.host_policy = host_policy
        self.acl = ACLHelper()

    def identity(self, request: Request) -> Any:
        if is_bearer_request(request):
            return self._token_identity(request)
        if self.host_policy is None:
            return None
        return self.host_policy.identity(request)

    def authenticated_userid(self, request: Request) -> str | None:
        if is_bearer_request(request):
            identity = self._token_identity(request)
            return identity.user_id if identity is not None else None
        if self.host_policy is None:
            return None
        return self.host_policy.authenticated_userid(request)

    def permits(self, request: Request, context: Any, permission: str) -> Any:
        if not is_bearer_request(request):
            if self.host_policy is None:
                return Denied("no security policy")
            return self.host_policy.permits(request, context, permission)
        identity = self._token_identity(request)
        if identity is None:
            return Denied("no valid access token")

        # Both must hold: a granted scope covers the permission, and the host's
        # own ACL lets the token's user do it. Demoting the user narrows every
        # token at once.
        catalog = scope_catalog(request.registry)
        if not any(
            scope.allows(context, permission)
            for name in identity.scopes
            if (scope := catalog.get(name)) is not None
        ):
            _state(request).scope_denied = True
            return InsufficientScope(f"no granted scope allows {permission!r}")
        directory = user_directory(request.registry)
        principals = [
            Everyone,
            Authenticated,
            *directory.principals_for(request, identity.user_id),
        ]
        result = self.acl.permits(context, principals, permission)
        return result if result else Denied(str(result))

    def remember(self, request: Request, userid: str, **kw: Any) -> list[Any]:
        if is_bearer_request(request) or self.host_policy is None:
            return []
        return self.host_policy.remember(request, userid, **kw)

    def forget(self, request: Request, **kw: Any) -> list[Any]:
        if is_bearer_request(request) or self.host_policy is None:
            return []
        return self.host_policy.forget(request, **kw)

    def _token_identity(self, request: Request) -> TokenIdentity | None:
        state = _state(request)
        if state.identity is not None or state.error is not None:
            return state.identity
        credential = bearer_credential(request)
        if credential is None or "access_token" in request.GET:
            # RFC 6750 2.3 allows the query string; RFC 9700 2.4 forbids it:
            # URLs end up in logs and Referer headers.
            state.error = "invalid_request"
            return None
        state.identity = validate_access_token(request, credential)
        if state.identity is None:
            state.error = "invalid_token"
        return state.identity


def _state(request: Request) -> _BearerState:
    state: _BearerState | None = request.environ.get(_BEARER_STATE)
    if state is None:
        state = request.environ[_BEARER_STATE] = _BearerState()
    return state


_token = AccessToken.__table__.c
_application = Application.__table__.c

# Built once, on the tables rather than the mapped classes: checking a token
# binds a digest and reads a row, with no ORM work and no statement to build.
_LIVE_TOKEN_BY_DIGEST = (
    select(
        _token.id,
        _token.user_id,
        _token.scopes,
        _token.expires_at,
        _token.revoked_at,
        _token.last_used_at,
        _application.client_id,
        _application.status,
        # The admin page's on/off switch, read in the same statement.
        select(ServerConfiguration.__table__.c.server_enabled)
        .limit(1)
        .scalar_subquery()
        .label("server_enabled"),
    )
    .join_from(
        AccessToken.__table__,
        Application.__table__,
        _application.id == _token.application_id,
    )
    .where(_token.digest == bindparam("digest"))
    .limit(1)
)


def validate_access_token(request: Request, credential: str) -> TokenIdentity | None:
    """The identity of a live token, in one read; None for anything else."""
    if not credential or len(credential) > 512:
        return None
    now = now_utc()
    db = request.extapps_db
    row = db.execute(_LIVE_TOKEN_BY_DIGEST, {"digest": digest(credential)}).first()
    if (
        row is None
        or row.revoked_at is not None
        or row.expires_at <= now
        or row.status != ApplicationStatus.ACTIVE
        or row.server_enabled is False
        or row.user_id is None
    ):
        return None

    # A user deactivated in the host loses API access at once.
    user = user_directory(request.registry).get_user(request, row.user_id)
    if user is None or not user.active:
        return None

    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        # Through the mapped class, so the request's transaction sees a write.
        db.execute(
            update(AccessToken)
            .where(AccessToken.id == row.id)
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )
    return TokenIdentity(
        token_id=row.id,
        user_id=row.user_id,
        client_id=row.client_id,
        scopes=frozenset(row.scopes),
        expires_at=row.expires_at,
    )


def add_bearer_challenge(event: NewResponse) -> None:
    """RFC 6750 3: say why a bearer request was refused, and how to retry."""
    request, response = event.request, event.response
    if response.status_int not in (400, 401, 403):
        return
    settings: ExtAppsSettings = request.registry["vte_extapps.settings"]
    challenge = f'Bearer realm="{settings.realm}"'
    state: _BearerState | None = request.environ.get(_BEARER_STATE)
    if state is None:
        # Not a bearer request: offer the scheme when the host asks for a login.
        if response.status_int == 401 and "WWW-Authenticate" not in response.headers:
            response.headers["WWW-Authenticate"] = challenge
        return
    if state.error:
        # A host answers "forbidden" to anyone it does not know; for a token
        # that is not valid RFC 6750 3.1 wants 401, so the client re-authorizes.
        if response.status_int == 403:
            response.status = 401
        response.headers["WWW-Authenticate"] = challenge + f', error="{state.error}"'
    elif response.status_int == 403 and state.scope_denied:
        response.headers["WWW-Authenticate"] = (
            challenge + ', error="insufficient_scope"'
        )
    elif response.status_int == 401:
        response.headers["WWW-Authenticate"] = challenge


def _wrap_host_policy(config: Configurator) -> None:
    registry = config.registry
    host_policy = registry.queryUtility(ISecurityPolicy)
    if isinstance(host_policy, BearerSecurityPolicy):
        return
    registry.registerUtility(BearerSecurityPolicy(host_policy), ISecurityPolicy)

    # A bearer request needs no CSRF token; anything else keeps the host's rule.
    options = registry.queryUtility(IDefaultCSRFOptions)
    if options is not None:
        host_callback = options.callback

        def needs_csrf_check(request: Request) -> bool:
            if bearer_credential(request) is not None:
                return False
            return host_callback is None or bool(host_callback(request))

        registry.registerUtility(
            DefaultCSRFOptions(
                require_csrf=options.require_csrf,
                token=options.token,
                header=options.header,
                safe_methods=options.safe_methods,
                check_origin=options.check_origin,
                allow_no_origin=options.allow_no_origin,
                callback=needs_csrf_check,
            ),
            IDefaultCSRFOptions,
        )


def includeme(config: Configurator) -> None:
    # set_security_policy is an action at PHASE2_CONFIG, and views capture the
    # policy when they are registered later on. Wrapping just after PHASE2 sees
    # the host's policy whatever order the host called include() in.
    config.action(
        "vte_extapps.bearer_policy",
        lambda: _wrap_host_policy(config),
        order=PHASE2_CONFIG + 1,
    )
    config.add_subscriber(add_bearer_challenge, NewResponse)


__all__ = [
    "BearerSecurityPolicy",
    "InsufficientScope",
    "TokenIdentity",
    "bearer_credential",
    "is_bearer_request",
    "validate_access_token",
]
