"""Switching an application between a secret key and JWT-signed assertions.

The edit page may change how a confidential application authenticates. The
credentials of the old method go at once; those of the new one are issued
like on creation and shown to the operator once.
"""

from __future__ import annotations

from pyramid.request import Request

from .. import audit
from ..credentials import CLIENT_SECRET_PREFIX, KeyFormat, digest, new_token
from ..models import Application, AuthMethod, ClientSecret
from .applications import InvalidApplication, IssuedCredentials, add_key

#: The methods an operator can switch between; a public client has neither.
SWITCHABLE = frozenset({AuthMethod.SECRET, AuthMethod.JWT})


def change_auth_method(
    request: Request,
    application: Application,
    method: AuthMethod,
    *,
    public_key: str | None = None,
    algorithm: str = "RS256",
    key_format: KeyFormat = "pem",
) -> IssuedCredentials:
    """Give the application ``method`` and new credentials for it.

    Raises InvalidApplication when the switch is impossible or the key is
    unusable, possibly after a first change: call it inside a savepoint, as
    the edit page does, so that nothing stays half-switched.
    """
    if application.auth_method is method:
        return IssuedCredentials(application)
    if application.auth_method not in SWITCHABLE or method not in SWITCHABLE:
        raise InvalidApplication(
            {"auth_method": "A mobile or native application has no secret or key."}
        )

    application.auth_method = method
    if method is AuthMethod.JWT:
        # add_key checks the key before it writes anything.
        pair = add_key(
            request,
            application,
            public_key=public_key,
            algorithm=algorithm,
            key_format=key_format,
        )
        application.secrets.clear()
        issued = IssuedCredentials(application, key_pair=pair)
    else:
        secret = new_token(CLIENT_SECRET_PREFIX)
        application.keys.clear()
        application.secrets.clear()
        application.secrets.append(ClientSecret(digest=digest(secret)))
        issued = IssuedCredentials(application, client_secret=secret)
    application.updated_by = audit.actor_of(request)
    request.extapps_db.flush()
    audit.record(
        request,
        audit.ApplicationChanged,
        application,
        fields=["auth_method"],
        auth_method=method.value,
    )
    return issued
