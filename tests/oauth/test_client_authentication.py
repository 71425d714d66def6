"""Client authentication at the token endpoint (SECURITY D2, D5, E1-E6)."""

from __future__ import annotations

import base64
import datetime
import hmac
import re
from typing import Any

import webtest
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from vte_extapps.credentials import digest
from vte_extapps.models import AuditEvent, ClientAuthFailure, ClientSecret, utcnow
from vte_extapps.services.applications import rotate_secret

from .flows import TOKEN, Client, assert_no_store, basic, post_token


def token_request(
    testapp: webtest.TestApp, status: Any, headers: Any = None, **params: str
) -> webtest.TestResponse:
    params.setdefault("grant_type", "client_credentials")
    return testapp.post(TOKEN, params, headers=headers or {}, status=status)


def test_client_secret_basic_authenticates(
    testapp: webtest.TestApp, service: Client
) -> None:
    post_token(testapp, service, 200, grant_type="client_credentials")


def test_client_secret_post_authenticates(
    testapp: webtest.TestApp, service: Client
) -> None:
    token_request(
        testapp, 200, client_id=service.client_id, client_secret=service.secret or ""
    )


def test_generated_secrets_use_unreserved_characters(service: Client) -> None:
    assert service.secret is not None
    assert set(service.secret) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
    )


def test_basic_credentials_are_form_decoded(
    testapp: webtest.TestApp, service: Client, dbsession: Session
) -> None:
    # E1: a secret holding ':', '%' and '+' works when the client encodes it.
    secret = "odd:secret%with+chars"
    dbsession.add(
        ClientSecret(application_id=service.application.id, digest=digest(secret))
    )
    dbsession.flush()
    dbsession.expire(service.application, ["secrets"])
    token_request(testapp, 200, headers=basic(service.client_id, secret))
    # Sent raw, '+' means a space and the secret no longer matches.
    raw = base64.b64encode(f"{service.client_id}:{secret}".encode()).decode()
    token_request(testapp, 401, headers={"Authorization": f"Basic {raw}"})


def test_wrong_secret_is_401_invalid_client_with_a_basic_challenge(
    testapp: webtest.TestApp, service: Client
) -> None:
    response = token_request(
        testapp, 401, headers=basic(service.client_id, "vtes_wrong")
    )
    assert response.json["error"] == "invalid_client"
    assert response.headers["WWW-Authenticate"].startswith("Basic realm=")
    assert response.headers["Cache-Control"] == "no-store"


def test_a_refused_client_gets_json_no_cache_may_keep_and_a_challenge(
    testapp: webtest.TestApp, service: Client
) -> None:
    # D2 and E2, for each way of failing: a wrong secret in either place, an
    # unknown client, no credentials at all.
    for headers, params in (
        (basic(service.client_id, "vtes_wrong"), {}),
        ({}, {"client_id": service.client_id, "client_secret": "vtes_wrong"}),
        (basic("vte_nobody", "vtes_whatever"), {}),
        ({}, {}),
    ):
        response = token_request(testapp, 401, headers=headers, **params)
        assert_no_store(response)
        assert response.json["error"] == "invalid_client"
        assert response.headers["WWW-Authenticate"].startswith("Basic realm=")


def test_a_throttled_client_gets_json_no_cache_may_keep(
    testapp: webtest.TestApp, service: Client
) -> None:
    for _ in range(10):
        token_request(testapp, 401, headers=basic(service.client_id, "vtes_guess"))
    # Even the right secret, in either place, waits for the window to end.
    for response in (
        token_request(
            testapp, 429, headers=basic(service.client_id, service.secret or "")
        ),
        token_request(
            testapp,
            429,
            client_id=service.client_id,
            client_secret=service.secret or "",
        ),
    ):
        assert_no_store(response)
        assert response.json["error"] == "invalid_client"
        assert int(response.headers["Retry-After"]) > 0


def test_failed_post_authentication_also_gets_a_challenge(
    testapp: webtest.TestApp, service: Client
) -> None:
    response = token_request(
        testapp, 401, client_id=service.client_id, client_secret="vtes_wrong"
    )
    assert response.json["error"] == "invalid_client"
    assert "WWW-Authenticate" in response.headers


def test_unknown_client_is_invalid_client(testapp: webtest.TestApp) -> None:
    response = token_request(testapp, 401, headers=basic("vte_nobody", "vtes_whatever"))
    assert response.json["error"] == "invalid_client"


def test_no_credentials_at_all_is_invalid_client(testapp: webtest.TestApp) -> None:
    response = token_request(testapp, 401)
    assert response.json["error"] == "invalid_client"


def test_malformed_basic_header_is_invalid_client(testapp: webtest.TestApp) -> None:
    for value in (
        "Basic !!!",
        "Basic " + base64.b64encode(b"no-colon").decode(),
        "Basic",
    ):
        response = token_request(testapp, 401, headers={"Authorization": value})
        assert response.json["error"] == "invalid_client"


def test_two_authentication_methods_in_one_request_is_invalid_request(
    testapp: webtest.TestApp, service: Client
) -> None:
    response = token_request(
        testapp,
        400,
        headers=basic(service.client_id, service.secret or ""),
        client_secret=service.secret or "",
    )
    assert response.json["error"] == "invalid_request"


def test_a_secret_application_cannot_authenticate_without_its_secret(
    testapp: webtest.TestApp, web: Client
) -> None:
    # E4: naming itself like a public client is not enough.
    response = token_request(
        testapp,
        401,
        grant_type="refresh_token",
        refresh_token="vter_x",
        client_id=web.client_id,
    )
    assert response.json["error"] == "invalid_client"


def test_a_public_application_cannot_use_a_secret(
    testapp: webtest.TestApp, mobile: Client
) -> None:
    response = token_request(
        testapp,
        401,
        grant_type="refresh_token",
        refresh_token="vter_x",
        client_id=mobile.client_id,
        client_secret="vtes_made_up",
    )
    assert response.json["error"] == "invalid_client"


def test_body_client_id_differing_from_basic_credentials_is_invalid_client(
    testapp: webtest.TestApp, service: Client, other_web: Client
) -> None:
    # E5: oauthlib alone would answer server_error.
    response = token_request(
        testapp,
        401,
        headers=basic(service.client_id, service.secret or ""),
        client_id=other_web.client_id,
    )
    assert response.json["error"] == "invalid_client"


def test_a_rotated_secret_keeps_working_during_the_overlap_only(
    testapp: webtest.TestApp, service: Client, extapps_request: Any, dbsession: Session
) -> None:
    new_secret = rotate_secret(extapps_request, service.application, overlap=3600)
    token_request(testapp, 200, headers=basic(service.client_id, service.secret or ""))
    token_request(testapp, 200, headers=basic(service.client_id, new_secret))
    rotate_secret(extapps_request, service.application, overlap=0)
    token_request(testapp, 401, headers=basic(service.client_id, new_secret))


def test_failed_authentication_is_audited_without_the_secret(
    testapp: webtest.TestApp, service: Client, dbsession: Session
) -> None:
    token_request(testapp, 401, headers=basic(service.client_id, "vtes_guess"))
    event = dbsession.scalars(
        select(AuditEvent).where(AuditEvent.action == "client.authentication_failed")
    ).one()
    assert event.client_id == service.client_id
    assert "vtes_guess" not in repr(event.details)


def test_repeated_failures_are_throttled_with_retry_after(
    testapp: webtest.TestApp, service: Client, dbsession: Session
) -> None:
    # D5: ten failures in the window, then 429 even with the right secret.
    for _ in range(10):
        token_request(testapp, 401, headers=basic(service.client_id, "vtes_guess"))
    response = token_request(
        testapp, 429, headers=basic(service.client_id, service.secret or "")
    )
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["Cache-Control"] == "no-store"
    assert response.json["error"] == "invalid_client"
    failures = dbsession.scalars(
        select(AuditEvent).where(AuditEvent.action == "client.authentication_failed")
    ).all()
    assert len(failures) == 10


def test_a_throttled_client_authenticates_again_once_the_window_ends(
    testapp: webtest.TestApp, service: Client, dbsession: Session
) -> None:
    for _ in range(10):
        token_request(testapp, 401, headers=basic(service.client_id, "vtes_guess"))
    token_request(testapp, 429, headers=basic(service.client_id, service.secret or ""))
    window = testapp.app.registry["vte_extapps.settings"].auth_failure_window
    dbsession.execute(
        update(ClientAuthFailure)
        .where(ClientAuthFailure.client_id == service.client_id)
        .values(window_started_at=utcnow() - datetime.timedelta(seconds=window + 1))
    )
    token_request(testapp, 200, headers=basic(service.client_id, service.secret or ""))


def test_guessing_unknown_client_ids_is_throttled_too(
    testapp: webtest.TestApp, service: Client
) -> None:
    for number in range(10):
        token_request(testapp, 401, headers=basic(f"vte_guess{number}", "vtes_x"))
    response = token_request(testapp, 429, headers=basic("vte_guess10", "vtes_x"))
    assert int(response.headers["Retry-After"]) > 0
    # The application itself is not locked out by someone else's guessing.
    token_request(testapp, 200, headers=basic(service.client_id, service.secret or ""))


def test_throttling_one_client_leaves_others_alone(
    testapp: webtest.TestApp, service: Client, web: Client
) -> None:
    for _ in range(10):
        token_request(testapp, 401, headers=basic(service.client_id, "vtes_guess"))
    token_request(testapp, 429, headers=basic(service.client_id, service.secret or ""))
    response = token_request(
        testapp, 400, headers=basic(web.client_id, web.secret or "")
    )
    assert response.json["error"] == "unauthorized_client"


def test_an_unknown_client_costs_the_same_work_as_a_known_one(
    testapp: webtest.TestApp, service: Client, dbsession: Session, monkeypatch: Any
) -> None:
    # E6: the same statements and one constant-time comparison, whoever asks.
    compared: list[bytes] = []
    statements: list[str] = []
    real_compare = hmac.compare_digest

    def spy(candidate: Any, stored: Any) -> bool:
        compared.append(candidate)
        return real_compare(candidate, stored)

    def remember(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        # Savepoints are numbered per session; their order is what counts.
        statements.append(re.sub(r"sa_savepoint_\d+", "sp", statement))

    def work_of(client_id: str) -> tuple[list[str], list[bytes]]:
        dbsession.flush()
        dbsession.expire_all()
        statements.clear()
        compared.clear()
        token_request(testapp, 401, headers=basic(client_id, "vtes_guess"))
        return list(statements), list(compared)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    engine = dbsession.get_bind()
    event.listen(engine, "before_cursor_execute", remember)
    try:
        known = work_of(service.client_id)
        unknown = work_of("vte_" + "0" * 24)
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    assert known == unknown
    assert known[1] == [digest("vtes_guess").encode()]
