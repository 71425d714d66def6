"""The plugin's tables. Import from here; the modules are one per aggregate."""

from .application import (
    APPLICATION_RECORD_COLUMNS,
    AnyApplication,
    Application,
    ApplicationLogo,
    ApplicationRecord,
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
    "APPLICATION_RECORD_COLUMNS",
    "TABLE_PREFIX",
    "AccessToken",
    "AnyApplication",
    "Application",
    "ApplicationLogo",
    "ApplicationRecord",
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
