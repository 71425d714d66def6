"""``vte-extapps CONFIG tokens ...``: revoking tokens and clearing out dead rows."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from vte_extapps.credentials import digest
from vte_extapps.models import (
    AccessToken,
    Application,
    AuditEvent,
    AuthMethod,
    AuthorizationCode,
    ClientType,
    RefreshToken,
    UsedAssertion,
    utcnow,
)
from vte_extapps.services import cleanup
from vte_extapps.services.tokens import issue_access_token

from .conftest import Run, unique, user_id_of

CreateService = Callable[..., dict[str, Any]]
HOUR = datetime.timedelta(hours=1)


def application_id_of(engine: Engine, client_id: str) -> int:
    with Session(engine) as session:
        return session.scalars(
            select(Application.id).where(Application.client_id == client_id)
        ).one()


def issue_tokens(
    engine: Engine, application_id: int, user_id: str | None, count: int = 1
) -> list[int]:
    """Live access tokens, committed."""
    with Session(engine) as session:
        ids = [
            issue_access_token(
                session,
                application_id=application_id,
                user_id=user_id,
                scopes=["invoice:read"],
                grant_type="client_credentials",
                lifetime=3600,
            ).id
            for _ in range(count)
        ]
        session.commit()
    return ids


def revoked_at(engine: Engine, token_ids: list[int]) -> list[datetime.datetime | None]:
    with Session(engine) as session:
        return list(
            session.scalars(
                select(AccessToken.revoked_at)
                .where(AccessToken.id.in_(token_ids))
                .order_by(AccessToken.id)
            )
        )


def test_revoking_by_client_ends_only_that_applications_tokens(
    run: Run, engine: Engine, create_service: CreateService
) -> None:
    target = create_service()
    bystander = create_service()
    alice = user_id_of(engine, "alice")
    target_tokens = issue_tokens(
        engine, application_id_of(engine, target["client_id"]), alice, 2
    )
    other_tokens = issue_tokens(
        engine, application_id_of(engine, bystander["client_id"]), alice
    )

    revoked = run("tokens", "revoke", "--client", target["client_id"])

    assert revoked.status == 0, revoked.err
    assert "2 access tokens" in revoked.out
    assert all(moment is not None for moment in revoked_at(engine, target_tokens))
    assert revoked_at(engine, other_tokens) == [None]


def test_revoking_by_user_ends_the_tokens_acting_as_that_user(
    run: Run, engine: Engine, create_service: CreateService
) -> None:
    application_id = application_id_of(engine, create_service()["client_id"])
    bob = user_id_of(engine, "bob")
    alice = user_id_of(engine, "alice")
    bobs = issue_tokens(engine, application_id, bob, 2)
    alices = issue_tokens(engine, application_id, alice)

    revoked = run("tokens", "revoke", "--user", "bob")

    assert revoked.status == 0, revoked.err
    assert f"(id {bob})" in revoked.out
    assert all(moment is not None for moment in revoked_at(engine, bobs))
    assert revoked_at(engine, alices) == [None]
    with Session(engine) as session:
        event = session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.action == "token.revoked", AuditEvent.subject_user_id == bob
            )
            .order_by(AuditEvent.id.desc())
        ).first()
    assert event is not None
    assert event.details["revoked_count"] >= 2


def test_revoking_by_user_id_works_too(run: Run, engine: Engine) -> None:
    bob = user_id_of(engine, "bob")

    revoked = run("tokens", "revoke", "--user", bob)

    assert revoked.status == 0, revoked.err
    assert f"(id {bob})" in revoked.out


@pytest.fixture
def dead_and_live_rows(engine: Engine) -> dict[str, list[int]]:
    """Rows of every kind, dead and alive, committed; their ids by fate."""
    now = utcnow()
    past, future = now - HOUR, now + HOUR
    with Session(engine) as session:
        application = Application(
            client_id="vte_" + secrets.token_hex(12),
            name=unique("Cleanup subject"),
            client_type=ClientType.WEB,
            auth_method=AuthMethod.SECRET,
        )
        session.add(application)
        session.flush()
        owned = {"application_id": application.id, "user_id": "1"}

        def code(expires_at: datetime.datetime) -> AuthorizationCode:
            return AuthorizationCode(
                digest=digest(secrets.token_hex()), redirect_uri="https://a.example/cb",
                code_challenge="x" * 43, code_challenge_method="S256",
                expires_at=expires_at, **owned,
            )  # fmt: skip

        dead_code, live_code = code(past), code(future)
        session.add_all([dead_code, live_code])
        session.flush()

        def refresh(**fields: Any) -> RefreshToken:
            values = {"expires_at": future, "idle_expires_at": future, **fields}
            return RefreshToken(digest=digest(secrets.token_hex()), **owned, **values)

        dead_refresh = [
            refresh(expires_at=past, idle_expires_at=past),
            refresh(revoked_at=past),
            refresh(idle_expires_at=past),
        ]
        live_refresh = [
            refresh(authorization_code_id=dead_code.id),
            # Rotated but short of its absolute end: kept to catch a replay.
            refresh(rotated_at=past, idle_expires_at=past),
        ]
        session.add_all([*dead_refresh, *live_refresh])
        session.flush()

        def access(**fields: Any) -> AccessToken:
            return AccessToken(
                digest=digest(secrets.token_hex()), grant_type="authorization_code",
                **owned, **{"expires_at": future, **fields},
            )  # fmt: skip

        dead_access = [access(expires_at=past), access(revoked_at=past)]
        live_access = [
            # Still usable, though its refresh token and code are gone.
            access(
                refresh_token_id=dead_refresh[0].id, authorization_code_id=dead_code.id
            ),
            access(refresh_token_id=live_refresh[0].id),
        ]

        def assertion(expires_at: datetime.datetime) -> UsedAssertion:
            return UsedAssertion(
                application_id=application.id,
                jti_digest=digest(secrets.token_hex()),
                expires_at=expires_at,
            )

        dead_assertion, live_assertion = assertion(past), assertion(future)
        session.add_all([*dead_access, *live_access, dead_assertion, live_assertion])
        session.commit()
        return {
            "dead_access": [row.id for row in dead_access],
            "live_access": [row.id for row in live_access],
            "dead_refresh": [row.id for row in dead_refresh],
            "live_refresh": [row.id for row in live_refresh],
            "dead_code": [dead_code.id],
            "live_code": [live_code.id],
            "dead_assertion": [dead_assertion.id],
            "live_assertion": [live_assertion.id],
        }


TABLES: dict[str, cleanup.Cleanable] = {
    "access": AccessToken,
    "refresh": RefreshToken,
    "code": AuthorizationCode,
    "assertion": UsedAssertion,
}


def surviving(engine: Engine, rows: dict[str, list[int]]) -> dict[str, list[int]]:
    """Which of the ``rows`` are still there, under the same names."""
    left = {}
    with Session(engine) as session:
        for name, ids in rows.items():
            model = TABLES[name.split("_")[1]]
            found = session.scalars(select(model.id).where(model.id.in_(ids)))
            left[name] = sorted(found)
    return left


def test_cleanup_removes_dead_rows_in_batches_and_keeps_every_live_one(
    run: Run, engine: Engine, dead_and_live_rows: dict[str, list[int]]
) -> None:
    cleaned = run("tokens", "cleanup", "--batch-size", "2")

    assert cleaned.status == 0, cleaned.err
    assert cleaned.out.startswith("Removed ")
    assert "\r" not in cleaned.out
    left = surviving(engine, dead_and_live_rows)
    for name, ids in dead_and_live_rows.items():
        assert left[name] == ([] if name.startswith("dead") else sorted(ids)), name
    with Session(engine) as session:
        first_live = session.get(AccessToken, dead_and_live_rows["live_access"][0])
        assert first_live is not None
        assert first_live.refresh_token_id is None
        assert first_live.authorization_code_id is None
        live_refresh = session.get(RefreshToken, dead_and_live_rows["live_refresh"][0])
        assert live_refresh is not None
        assert live_refresh.authorization_code_id is None


def test_cleanup_keeps_rows_that_died_within_the_grace_period(
    run: Run, engine: Engine, dead_and_live_rows: dict[str, list[int]]
) -> None:
    cleaned = run("tokens", "cleanup", "--older-than", str(2 * 3600))

    assert cleaned.status == 0, cleaned.err
    assert surviving(engine, dead_and_live_rows) == {
        name: sorted(ids) for name, ids in dead_and_live_rows.items()
    }


def test_cleanup_counts_on_the_terminal_only(
    run: Run,
    monkeypatch: pytest.MonkeyPatch,
    dead_and_live_rows: dict[str, list[int]],
) -> None:
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)

    cleaned = run("tokens", "cleanup")

    assert cleaned.status == 0, cleaned.err
    assert "\raccess tokens: " in cleaned.out
    assert cleaned.out.rstrip().splitlines()[-1].startswith("Removed ")


def test_each_batch_commits_in_its_own_transaction(
    engine: Engine, dead_and_live_rows: dict[str, list[int]]
) -> None:
    transactions: list[int] = []

    @contextmanager
    def transaction() -> Iterator[Session]:
        with Session(engine) as session, session.begin():
            transactions.append(len(transactions))
            yield session

    removed = cleanup.remove_dead_rows(transaction, batch_size=1)

    assert removed["access_tokens"] >= 2
    assert removed["refresh_tokens"] >= 3
    # One transaction per row at a batch size of one, plus one empty per kind.
    assert len(transactions) == sum(removed.values()) + len(cleanup.DEAD_ROWS)
