"""Refresh tokens: rotation, reuse detection, lifetimes (SECURITY G1-G4).

The three ways of ending access over HTTP are in ``test_ending_access``.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import webtest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.helpers import login
from tests.ui.helpers import ADMIN_URL
from vte_extapps.credentials import digest
from vte_extapps.models import AccessToken, AuditEvent, Grant, RefreshToken, utcnow
from vte_extapps.services import grants
from vte_extapps.services.applications import set_active

from .conftest import MOBILE_REDIRECT, WEB_REDIRECT
from .flows import INTROSPECT, Client, basic, code_tokens, post_token


def refresh(
    testapp: webtest.TestApp,
    client: Client,
    token: str,
    status: Any = "*",
    **extra: str,
) -> webtest.TestResponse:
    params = {"grant_type": "refresh_token", "refresh_token": token, **extra}
    if client.secret is None:
        params["client_id"] = client.client_id
    return post_token(testapp, client, status, **params)


@pytest.fixture
def tokens(testapp: webtest.TestApp, web: Client) -> dict[str, Any]:
    login(testapp, "alice")
    return code_tokens(testapp, web, WEB_REDIRECT, scope="invoice:read profile")


def access_row(dbsession: Session, value: str) -> AccessToken:
    row = dbsession.scalars(
        select(AccessToken).where(AccessToken.digest == digest(value))
    ).one()
    dbsession.refresh(row)
    return row


def test_every_refresh_rotates_and_the_old_token_stops_working(
    testapp: webtest.TestApp, web: Client, tokens: dict[str, Any]
) -> None:
    body = refresh(testapp, web, tokens["refresh_token"], 200).json
    assert body["refresh_token"] != tokens["refresh_token"]
    assert body["scope"] == "invoice:read profile"
    again = refresh(testapp, web, body["refresh_token"], 200).json
    assert again["access_token"].startswith("vtea_")
    assert again["refresh_token"] not in {
        body["refresh_token"],
        tokens["refresh_token"],
    }
    # G2: each rotated token is dead from the moment it was used.
    old = refresh(testapp, web, body["refresh_token"], 400)
    assert old.json["error"] == "invalid_grant"


def test_a_public_client_refreshes_too(
    testapp: webtest.TestApp, mobile: Client
) -> None:
    login(testapp, "alice")
    first = code_tokens(testapp, mobile, MOBILE_REDIRECT)
    refresh(testapp, mobile, first["refresh_token"], 200)


def test_a_reused_refresh_token_revokes_the_whole_grant(
    testapp: webtest.TestApp, web: Client, tokens: dict[str, Any], dbsession: Session
) -> None:
    rotated = refresh(testapp, web, tokens["refresh_token"], 200).json
    reused = refresh(testapp, web, tokens["refresh_token"], 400)
    assert reused.json["error"] == "invalid_grant"
    # The live successor and every access token of the grant are gone.
    assert (
        refresh(testapp, web, rotated["refresh_token"], 400).json["error"]
        == "invalid_grant"
    )
    assert access_row(dbsession, rotated["access_token"]).revoked_at is not None
    assert access_row(dbsession, tokens["access_token"]).revoked_at is not None
    assert dbsession.scalars(
        select(AuditEvent).where(AuditEvent.action == "token.reuse_detected")
    ).one()


def test_refresh_tokens_are_bound_to_their_client(
    testapp: webtest.TestApp, web: Client, other_web: Client, tokens: dict[str, Any]
) -> None:
    response = refresh(testapp, other_web, tokens["refresh_token"], 400)
    assert response.json["error"] == "invalid_grant"
    refresh(testapp, web, tokens["refresh_token"], 200)


def test_narrowing_scope_works_and_widening_is_invalid_scope(
    testapp: webtest.TestApp, web: Client, tokens: dict[str, Any]
) -> None:
    wide = refresh(
        testapp, web, tokens["refresh_token"], 400, scope="invoice:read leads:write"
    )
    assert wide.json["error"] == "invalid_scope"
    narrow = refresh(testapp, web, tokens["refresh_token"], 200, scope="profile").json
    assert narrow["scope"] == "profile"
    # The successor keeps the original scope (RFC 6749 6).
    back = refresh(testapp, web, narrow["refresh_token"], 200).json
    assert back["scope"] == "invoice:read profile"


def test_the_idle_lifetime_ends_a_refresh_token(
    testapp: webtest.TestApp, web: Client, tokens: dict[str, Any], dbsession: Session
) -> None:
    row = dbsession.scalars(
        select(RefreshToken).where(
            RefreshToken.digest == digest(tokens["refresh_token"])
        )
    ).one()
    row.idle_expires_at = utcnow() - datetime.timedelta(seconds=1)
    dbsession.flush()
    assert (
        refresh(testapp, web, tokens["refresh_token"], 400).json["error"]
        == "invalid_grant"
    )


def test_the_absolute_lifetime_survives_rotation(
    testapp: webtest.TestApp, web: Client, tokens: dict[str, Any], dbsession: Session
) -> None:
    first = dbsession.scalars(
        select(RefreshToken).where(
            RefreshToken.digest == digest(tokens["refresh_token"])
        )
    ).one()
    body = refresh(testapp, web, tokens["refresh_token"], 200).json
    second = dbsession.scalars(
        select(RefreshToken).where(RefreshToken.digest == digest(body["refresh_token"]))
    ).one()
    assert second.expires_at == first.expires_at
    second.expires_at = utcnow() - datetime.timedelta(seconds=1)
    dbsession.flush()
    assert (
        refresh(testapp, web, body["refresh_token"], 400).json["error"]
        == "invalid_grant"
    )


def refresh_row(dbsession: Session, value: str) -> RefreshToken:
    return dbsession.scalars(
        select(RefreshToken).where(RefreshToken.digest == digest(value))
    ).one()


def test_refresh_tokens_live_as_the_general_configuration_says(
    testapp: webtest.TestApp, web: Client, dbsession: Session
) -> None:
    idle, absolute = datetime.timedelta(hours=1), datetime.timedelta(hours=3)
    login(testapp, "admin")
    form = testapp.get(ADMIN_URL).forms["configuration-form"]
    form["refresh_token_idle_lifetime"] = str(int(idle.total_seconds()))
    form["refresh_token_absolute_lifetime"] = str(int(absolute.total_seconds()))
    assert "was saved" in form.submit().follow().text
    testapp.reset()
    login(testapp, "alice")

    # The first token: idle and absolute deadlines from the moment it is issued.
    before = utcnow()
    value = code_tokens(testapp, web, WEB_REDIRECT)["refresh_token"]
    after = utcnow()
    first = refresh_row(dbsession, value)
    assert before + idle <= first.idle_expires_at <= after + idle
    assert before + absolute <= first.expires_at <= after + absolute
    ends = first.expires_at
    # The client sees when an unused token stops working.
    introspected = testapp.post(
        INTROSPECT, {"token": value}, headers=basic(web.client_id, web.secret or "")
    ).json
    assert introspected["exp"] == int(first.idle_expires_at.timestamp())

    # Each refresh slides the idle deadline forward; the grant's end stays.
    deadlines = [first.idle_expires_at]
    for _ in range(2):
        before = utcnow()
        value = refresh(testapp, web, value, 200).json["refresh_token"]
        successor = refresh_row(dbsession, value)
        assert successor.idle_expires_at >= before + idle
        assert successor.idle_expires_at > deadlines[-1]
        assert successor.expires_at == ends
        deadlines.append(successor.idle_expires_at)

    # Near the grant's end, an idle deadline never passes it: as if the grant
    # had begun so long ago that only half an hour of it is left.
    earlier = ends - utcnow() - datetime.timedelta(minutes=30)
    current = refresh_row(dbsession, value)
    current.expires_at -= earlier
    current.idle_expires_at = min(current.idle_expires_at, current.expires_at)
    dbsession.flush()
    value = refresh(testapp, web, value, 200).json["refresh_token"]
    last = refresh_row(dbsession, value)
    assert last.expires_at == ends - earlier
    assert last.idle_expires_at == last.expires_at
    introspected = testapp.post(
        INTROSPECT, {"token": value}, headers=basic(web.client_id, web.secret or "")
    ).json
    assert introspected["exp"] == int(last.expires_at.timestamp())


def test_revoking_the_grant_ends_its_tokens(
    testapp: webtest.TestApp,
    web: Client,
    tokens: dict[str, Any],
    dbsession: Session,
    extapps_request: Any,
) -> None:
    grant = dbsession.scalars(select(Grant)).one()
    grants.revoke_grant(extapps_request, grant)
    assert (
        refresh(testapp, web, tokens["refresh_token"], 400).json["error"]
        == "invalid_grant"
    )
    assert access_row(dbsession, tokens["access_token"]).revoked_at is not None


def test_a_deactivated_user_cannot_refresh(
    testapp: webtest.TestApp, web: Client, tokens: dict[str, Any], dbsession: Session
) -> None:
    from vte_extapps.demo.models import User

    for user in dbsession.scalars(select(User).where(User.username == "alice")):
        user.active = False
    dbsession.flush()
    assert (
        refresh(testapp, web, tokens["refresh_token"], 400).json["error"]
        == "invalid_grant"
    )


def test_a_deactivated_application_cannot_refresh(
    testapp: webtest.TestApp, web: Client, tokens: dict[str, Any], extapps_request: Any
) -> None:
    set_active(extapps_request, web.application, False)
    assert (
        refresh(testapp, web, tokens["refresh_token"], 401).json["error"]
        == "invalid_client"
    )


def test_refreshing_is_audited(
    testapp: webtest.TestApp, web: Client, tokens: dict[str, Any], dbsession: Session
) -> None:
    refresh(testapp, web, tokens["refresh_token"], 200)
    actions = dbsession.scalars(select(AuditEvent.action)).all()
    assert "token.issued" in actions
    assert "token.refreshed" in actions
