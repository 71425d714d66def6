"""The protocol engine's questions about clients, answered from our tables.

The answers about codes and tokens live in ``codes`` and ``tokens``; this
module holds the shared base and what concerns the client itself.
"""

from __future__ import annotations

import logging
from typing import Any

from oauthlib.oauth2 import RequestValidator
from oauthlib.oauth2.rfc6749 import errors
from pyramid.request import Request

from ..directives import scope_catalog, user_directory
from ..models import AnyApplication, ClientType
from . import client_auth, discovery

log = logging.getLogger(__name__)

#: RFC 6749 4, 6: which grants each kind of application may use.
GRANT_TYPES = {
    ClientType.SERVICE: {"client_credentials"},
    ClientType.WEB: {"authorization_code", "refresh_token"},
    ClientType.MOBILE: {"authorization_code", "refresh_token"},
}


class ValidatorBase(RequestValidator):
    """Holds the Pyramid request the engine is working for."""

    def __init__(self, request: Request) -> None:
        super().__init__()
        self.request = request
        self.db = request.extapps_db

    def user_is_active(self, user_id: str | None) -> bool:
        """A user deactivated in the host gets no codes and no tokens."""
        if not user_id:
            return False
        user = user_directory(self.request.registry).get_user(self.request, user_id)
        return user is not None and user.active


class ClientValidation(ValidatorBase):
    """Client authentication, and what each client may ask for."""

    def client_authentication_required(
        self, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        presented = client_auth.presented_credentials(request)
        if presented.method is not client_auth.Method.NONE:
            return True
        application = client_auth.find_client(self.request, request.client_id)
        return application is None or not application.is_public

    def authenticate_client(self, request: Any, *args: Any, **kwargs: Any) -> bool:
        application = client_auth.authenticate(
            self.request, request, discovery.assertion_audiences(self.request)
        )
        if application is None or application.is_public:
            return False
        request.client = application
        return True

    def authenticate_client_id(
        self, client_id: str, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        # A public client names itself; PKCE binds it to its codes.
        application = client_auth.find_client(self.request, client_id)
        if (
            application is None
            or not application.is_public
            or not application.is_active
        ):
            return False
        request.client = application
        return True

    def validate_client_id(
        self, client_id: str, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        application = client_auth.find_application(self.request, client_id)
        if (
            application is None
            or not application.is_active
            or application.client_type is ClientType.SERVICE
        ):
            return False
        request.client = application
        return True

    def validate_redirect_uri(
        self, client_id: str, redirect_uri: str, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        # RFC 9700 4.1.3: exact string comparison, nothing normalised.
        application: AnyApplication = request.client
        return redirect_uri in application.redirect_uris

    def get_default_redirect_uri(
        self, client_id: str, request: Any, *args: Any, **kwargs: Any
    ) -> None:
        # Every authorization request names its redirect URI (RFC 9700 2.1).
        return None

    def validate_response_type(
        self,
        client_id: str,
        response_type: str,
        client: AnyApplication,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        if response_type != "code":
            raise errors.UnsupportedResponseTypeError(request=request)
        return True

    def is_pkce_required(self, client_id: str, request: Any) -> bool:
        # RFC 9700 2.1.1: PKCE for every client, confidential ones too.
        return True

    def validate_grant_type(
        self,
        client_id: str,
        grant_type: str,
        client: AnyApplication,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        return grant_type in GRANT_TYPES[client.client_type]

    def validate_scopes(
        self,
        client_id: str,
        scopes: list[str],
        client: AnyApplication,
        request: Any,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        catalog = scope_catalog(self.request.registry)
        return bool(scopes) and all(
            scope in client.scopes and scope in catalog for scope in scopes
        )

    def get_default_scopes(
        self, client_id: str, request: Any, *args: Any, **kwargs: Any
    ) -> list[str]:
        application: AnyApplication | None = request.client
        return list(application.scopes) if application is not None else []

    def validate_bearer_token(
        self, token: str, scopes: list[str], request: Any
    ) -> bool:
        # Bearer tokens are checked by the security policy, not by the engine.
        return False
