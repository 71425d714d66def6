"""Lifecycle events: each is a Pyramid event the host can subscribe to, and a row
in the audit table.

Nothing secret ever reaches either: callers pass ids, names and counts, and
``record`` refuses detail keys that look like credentials.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from typing import Any, ClassVar

from pyramid.request import Request
from sqlalchemy import insert

from .db import mark_written
from .models import AnyApplication, AuditEvent, metadata

log = logging.getLogger(__name__)

_SECRET_WORDS = ("secret", "token", "code", "assertion", "verifier", "password", "key")


@dataclasses.dataclass(frozen=True)
class ExtAppsEvent:
    """Base of every event; subscribe to it to see them all.

    ``application`` is the entity, except for events of the token, revocation
    and introspection endpoints, which carry its plain ``ApplicationRecord``.
    """

    action: ClassVar[str] = "event"

    request: Request | None
    application: AnyApplication | None
    subject_user_id: str | None
    details: Mapping[str, Any]


class ApplicationCreated(ExtAppsEvent):
    """An operator registered an application."""

    action = "application.created"


class ApplicationChanged(ExtAppsEvent):
    """An operator edited an application."""

    action = "application.changed"


class ApplicationDeactivated(ExtAppsEvent):
    """An application was switched off; its tokens stop working."""

    action = "application.deactivated"


class ApplicationActivated(ExtAppsEvent):
    """A deactivated application was switched back on."""

    action = "application.activated"


class ApplicationDeleted(ExtAppsEvent):
    """An application and all its tokens were removed."""

    action = "application.deleted"


class SecretRotated(ExtAppsEvent):
    """A new client secret was issued."""

    action = "secret.rotated"


class SecretRevoked(ExtAppsEvent):
    """A client secret was ended at once, without waiting for an overlap."""

    action = "secret.revoked"


class KeyAdded(ExtAppsEvent):
    """A public key was generated or uploaded."""

    action = "key.added"


class KeyRemoved(ExtAppsEvent):
    """A public key was removed."""

    action = "key.removed"


class ConsentGranted(ExtAppsEvent):
    """A user let an application act for them."""

    action = "consent.granted"


class ConsentRevoked(ExtAppsEvent):
    """A user unlinked an application."""

    action = "consent.revoked"


class TokenIssued(ExtAppsEvent):
    """An access token was issued."""

    action = "token.issued"


class TokenRefreshed(ExtAppsEvent):
    """A refresh token was exchanged for new tokens."""

    action = "token.refreshed"


class TokenRevoked(ExtAppsEvent):
    """Tokens were revoked."""

    action = "token.revoked"


class RefreshTokenReused(ExtAppsEvent):
    """A retired refresh token or a redeemed code came back."""

    action = "token.reuse_detected"


class ClientAuthenticationFailed(ExtAppsEvent):
    """An application failed to authenticate."""

    action = "client.authentication_failed"


def _check_details(details: Mapping[str, Any]) -> None:
    for name in details:
        lowered = name.lower()
        if any(word in lowered for word in _SECRET_WORDS) and not lowered.endswith(
            ("_count", "_id", "_method", "_type", "kid")
        ):
            raise ValueError(f"audit details must not carry {name!r}")


#: Built once; each event only binds its values.
_INSERT_AUDIT_ROW = insert(metadata.tables[AuditEvent.__tablename__])


def record(
    request: Request,
    event_type: type[ExtAppsEvent],
    application: AnyApplication | None = None,
    *,
    subject_user_id: str | None = None,
    actor_user_id: str | None = None,
    **details: Any,
) -> ExtAppsEvent:
    """Write the audit row and notify subscribers of ``event_type``."""
    _check_details(details)
    if actor_user_id is None:
        actor_user_id = actor_of(request)
    # One INSERT in the request's transaction, with no ORM object to flush.
    db = request.extapps_db
    db.execute(
        _INSERT_AUDIT_ROW,
        {
            "action": event_type.action,
            "application_id": application.id if application is not None else None,
            "client_id": application.client_id if application is not None else None,
            "actor_user_id": actor_user_id,
            "subject_user_id": subject_user_id,
            "remote_addr": getattr(request, "remote_addr", None),
            "details": dict(details),
        },
    )
    mark_written(db)
    event = event_type(
        request=request,
        application=application,
        subject_user_id=subject_user_id,
        details=dict(details),
    )
    log.info(
        "%s client_id=%s user=%s",
        event_type.action,
        application.client_id if application is not None else "-",
        subject_user_id or actor_user_id or "-",
    )
    request.registry.notify(event)
    return event


def actor_of(request: Request) -> str | None:
    """The CRM user acting in this request, if a person is."""
    # A bearer request's user is the token's; only people acting in the CRM
    # (a session) or on the command line are actors.
    identity = getattr(request, "identity", None)
    if identity is None or getattr(identity, "via_token", False):
        return None
    return getattr(request, "authenticated_userid", None)
