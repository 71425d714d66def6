"""private_key_jwt: a client proves itself with a JWT it signed (RFC 7523 2.2, 3).

PyJWT checks signatures and times; this module decides which key and which
algorithms are acceptable, and that each assertion is used once.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
from collections.abc import Sequence
from typing import Any

import jwt
from pyramid.request import Request
from sqlalchemy import Row, bindparam, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from ..credentials import digest
from ..db import mark_written
from ..models import Application, ApplicationRecord, ClientKey, UsedAssertion, metadata
from ..services.configuration import general_configuration
from ..settings import ExtAppsSettings

log = logging.getLogger(__name__)

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

# RFC 7523 3: clocks differ a little; half a minute is tolerated.
LEEWAY_SECONDS = 30
MAX_ASSERTION_LENGTH = 8192


class AssertionRefused(Exception):
    """The assertion does not authenticate the client; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclasses.dataclass(frozen=True, slots=True)
class Claimed:
    """What an assertion says of itself, before any check."""

    client_id: str
    header: dict[str, Any]


def read_claim(assertion: str) -> Claimed:
    """The client the assertion claims to come from, and its header, unchecked.

    RFC 7523 3: ``iss`` and ``sub`` both name the client. The assertion is
    parsed once here; ``verify_assertion`` takes the header from the result.
    """
    if len(assertion) > MAX_ASSERTION_LENGTH:
        raise AssertionRefused("assertion too long")
    try:
        unverified = jwt.decode_complete(assertion, options={"verify_signature": False})
    except (jwt.PyJWTError, ValueError, TypeError):
        raise AssertionRefused("malformed assertion") from None
    claims, header = unverified["payload"], unverified["header"]
    issuer, subject = claims.get("iss"), claims.get("sub")
    if not isinstance(issuer, str) or not issuer or issuer != subject:
        raise AssertionRefused("iss and sub must both name the client")
    return Claimed(issuer, header)


_key = ClientKey.__table__.c

# What checking a signature needs of each registered key, as plain rows, in
# the order they were registered; built once.
_KEYS_OF_APPLICATION = (
    select(_key.kid, _key.algorithm, _key.public_jwk)
    .where(_key.application_id == bindparam("application_id"))
    .order_by(_key.id)
)


def _candidate_keys(
    request: Request, application: ApplicationRecord, header: dict[str, Any]
) -> list[Row[Any]]:
    # RFC 7515 4.1.4: kid only picks among keys registered for this client;
    # jwk, jku, x5u and x5c in the header are never looked at.
    kid = header.get("kid")
    if kid is not None and not isinstance(kid, str):
        raise AssertionRefused("kid must be text")
    registered = request.extapps_db.execute(
        _KEYS_OF_APPLICATION, {"application_id": application.id}
    ).all()
    if kid is None:
        return list(registered)
    keys = [key for key in registered if key.kid == kid]
    if not keys:
        raise AssertionRefused("unknown kid")
    return keys


def _allowed_algorithms(request: Request, application: ApplicationRecord) -> set[str]:
    allowed = set(general_configuration(request).jwt_algorithms)
    if application.jwt_algorithms:
        allowed &= set(application.jwt_algorithms)
    return allowed


def _decode(
    assertion: str, key: Row[Any], algorithms: Sequence[str], client_id: str
) -> dict[str, Any]:
    return jwt.decode(
        assertion,
        jwt.PyJWK(key.public_jwk, algorithm=key.algorithm).key,
        algorithms=list(algorithms),
        issuer=client_id,
        leeway=LEEWAY_SECONDS,
        options={
            "require": ["exp", "iss", "sub", "aud", "jti"],
            # The audience rule is stricter than PyJWT's and checked below.
            "verify_aud": False,
        },
    )


def verify_assertion(
    request: Request,
    application: ApplicationRecord,
    assertion: str,
    claimed: Claimed,
    audiences: Sequence[str],
) -> None:
    """Raise ``AssertionRefused`` unless ``assertion`` authenticates ``application``.

    ``claimed`` is what ``read_claim`` read from the same assertion.
    """
    header = claimed.header
    # RFC 8725 3.1: the algorithm comes from our allow-list and the key, never
    # from the header alone; none and HMAC are not on the list.
    allowed = _allowed_algorithms(request, application)
    claims: dict[str, Any] | None = None
    for key in _candidate_keys(request, application, header):
        if key.algorithm not in allowed or header.get("alg") != key.algorithm:
            continue
        try:
            claims = _decode(assertion, key, [key.algorithm], application.client_id)
            break
        except jwt.PyJWTError as problem:
            log.debug(
                "assertion_refused client_id=%s kid=%s problem=%s",
                application.client_id,
                key.kid,
                type(problem).__name__,
            )
    if claims is None:
        raise AssertionRefused("no registered key verifies the assertion")

    _check_claims(request, claims, audiences)
    _use_once(request, application, claims)


def _check_claims(
    request: Request, claims: dict[str, Any], audiences: Sequence[str]
) -> None:
    # RFC 7523 3 item 3: the audience identifies this server. One audience
    # only, so that an assertion meant for another server is never reused here.
    audience = claims.get("aud")
    if isinstance(audience, list) and len(audience) == 1:
        audience = audience[0]
    if not isinstance(audience, str) or audience not in audiences:
        raise AssertionRefused("aud must be this server's issuer or token endpoint")

    # RFC 7523 3 item 4: short-lived; exp minus iat (or now) within the limit.
    settings: ExtAppsSettings = request.registry["vte_extapps.settings"]
    issued_at = claims.get("iat")
    start = (
        issued_at
        if isinstance(issued_at, int | float)
        else datetime.datetime.now(datetime.UTC).timestamp()
    )
    if claims["exp"] - start > settings.client_assertion_max_lifetime:
        raise AssertionRefused("assertion lifetime too long")

    if not isinstance(claims["jti"], str) or not 0 < len(claims["jti"]) <= 512:
        raise AssertionRefused("jti must be text of at most 512 characters")


_used_assertion = metadata.tables[UsedAssertion.__tablename__]

#: Built once; each assertion only binds its values. Where the database can
#: skip a duplicate in the INSERT itself, a lost race returns no row;
#: elsewhere it is an IntegrityError inside a savepoint.
_INSERT_USED_JTI = insert(_used_assertion)
_INSERT_NEW_JTI = {
    "postgresql": postgresql.insert(_used_assertion)
    .on_conflict_do_nothing(index_elements=["application_id", "jti_digest"])
    .returning(_used_assertion.c.id),
    "sqlite": sqlite.insert(_used_assertion)
    .on_conflict_do_nothing(index_elements=["application_id", "jti_digest"])
    .returning(_used_assertion.c.id),
}


_LOCK_APPLICATION = (
    select(Application.id).where(Application.id == bindparam("id")).with_for_update()
)


def _use_once(
    request: Request, application: ApplicationRecord, claims: dict[str, Any]
) -> None:
    # RFC 7523 3 item 7: a jti is accepted once. The unique index makes that
    # hold across processes.
    expires_at = datetime.datetime.fromtimestamp(
        int(claims["exp"]) + LEEWAY_SECONDS, datetime.UTC
    )
    values = {
        "application_id": application.id,
        "jti_digest": digest(claims["jti"]),
        "expires_at": expires_at,
    }
    db = request.extapps_db
    insert_if_new = _INSERT_NEW_JTI.get(db.get_bind().dialect.name)
    if insert_if_new is not None:
        if db.execute(insert_if_new, values).first() is None:
            raise AssertionRefused("jti already used")
    else:
        # MariaDB and MySQL: twins of one assertion would each take a shared
        # lock on the application row (the foreign key), and the winner's
        # later update of that row would deadlock with the loser. Holding the
        # row first makes the twin wait, then find its jti used. Only
        # assertions whose signature checked out get this far.
        db.execute(_LOCK_APPLICATION, {"id": application.id})
        # The savepoint keeps the request's transaction usable when the
        # insert loses.
        try:
            with db.begin_nested():
                db.execute(_INSERT_USED_JTI, values)
        except IntegrityError:
            raise AssertionRefused("jti already used") from None
    mark_written(db)
