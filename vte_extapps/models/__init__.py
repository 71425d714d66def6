"""The plugin's tables. Import from here; the modules are one per aggregate."""

from .application import (
    Application,
    ApplicationLogo,
    ApplicationStatus,
    AuthMethod,
    ClientKey,
    ClientSecret,
    ClientType,
)
from .audit import AuditEvent
from .configuration import ClientAuthFailure, ServerConfiguration
from .grant import Grant
from .meta import TABLE_PREFIX, Base, metadata, utcnow
from .token import AccessToken, AuthorizationCode, RefreshToken, UsedAssertion

__all__ = [
    "TABLE_PREFIX",
    "AccessToken",
    "Application",
    "ApplicationLogo",
    "ApplicationStatus",
    "AuditEvent",
    "AuthMethod",
    "AuthorizationCode",
    "Base",
    "ClientAuthFailure",
    "ClientKey",
    "ClientSecret",
    "ClientType",
    "Grant",
    "RefreshToken",
    "ServerConfiguration",
    "UsedAssertion",
    "metadata",
    "utcnow",
]
