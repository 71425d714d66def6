"""Who is signed in to the CRM, and what they may do.

The session remembers a user id; the user directory says whether that user
is still active and which principals they hold; the contexts' access control
lists decide. Views never look at the session themselves, so a policy that
wraps this one (bearer tokens, for instance) changes nothing for them.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from pyramid.authorization import ACLHelper, Authenticated, Everyone
from pyramid.config import Configurator
from pyramid.interfaces import IRequest
from pyramid.request import RequestLocalCache
from pyramid.session import SignedCookieSessionFactory

from .settings import get_demo_settings
from .users import DemoUserDirectory

SESSION_COOKIE = "crm_session"
SESSION_USER_KEY = "user_id"
API_ROUTE = "vtews"


@dataclasses.dataclass(frozen=True, slots=True)
class DemoIdentity:
    """A signed-in, active CRM user."""

    user_id: str
    display_name: str
    principals: tuple[str, ...]


class DemoSecurityPolicy:
    """Session sign-in, and ACLs over the principals of the user directory."""

    def __init__(self, directory: DemoUserDirectory) -> None:
        self.directory = directory
        self.acl = ACLHelper()
        self._identities = RequestLocalCache(self._load_identity)

    def identity(self, request: IRequest) -> DemoIdentity | None:
        identity: DemoIdentity | None = self._identities.get_or_create(request)
        return identity

    def authenticated_userid(self, request: IRequest) -> str | None:
        identity = self.identity(request)
        return None if identity is None else identity.user_id

    def permits(self, request: IRequest, context: Any, permission: str) -> Any:
        principals = [Everyone]
        identity = self.identity(request)
        if identity is not None:
            principals += [Authenticated, *identity.principals]
        return self.acl.permits(context, principals, permission)

    def remember(self, request: IRequest, userid: str, **kw: Any) -> list[Any]:
        # A new session on sign-in: nothing from before it, the CSRF token
        # included, carries over into the signed-in one.
        request.session.invalidate()
        request.session[SESSION_USER_KEY] = userid
        self._identities.clear(request)
        return []

    def forget(self, request: IRequest, **kw: Any) -> list[Any]:
        request.session.invalidate()
        self._identities.clear(request)
        return []

    def _load_identity(self, request: IRequest) -> DemoIdentity | None:
        user_id = request.session.get(SESSION_USER_KEY)
        if not isinstance(user_id, str):
            return None
        user = self.directory.get_user(request, user_id)
        if user is None or not user.active:
            return None
        principals = self.directory.principals_for(request, user.id)
        return DemoIdentity(user.id, user.display_name, tuple(principals))


def needs_csrf_check(request: IRequest) -> bool:
    """Whether an unsafe request must prove it comes from the CRM's own pages.

    A forged request rides on the session cookie, so a web services call
    without that cookie forges nothing. Pages always need the token: signing
    in is where a forged form would start.
    """
    route = request.matched_route
    if route is not None and route.name == API_ROUTE:
        return SESSION_COOKIE in request.cookies
    return True


def includeme(config: Configurator) -> None:
    settings = get_demo_settings(config.registry)

    # Sessions in a signed cookie, out of reach of scripts and other sites.
    config.set_session_factory(
        SignedCookieSessionFactory(
            settings.session_secret,
            cookie_name=SESSION_COOKIE,
            httponly=True,
            samesite="Lax",
            timeout=8 * 3600,
            reissue_time=600,
        )
    )

    # Every unsafe request carries the session's CSRF token. The origin check
    # stays off: pages send no referrer, so browsers send "Origin: null" from
    # the CRM's own forms, and the token alone proves where they come from.
    config.set_default_csrf_options(
        require_csrf=True, check_origin=False, callback=needs_csrf_check
    )

    # Signed-in users and their permissions.
    config.set_security_policy(DemoSecurityPolicy(DemoUserDirectory()))
