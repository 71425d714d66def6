"""The token endpoint's contract (RFC 6749 3.2, 4.4, 5; SECURITY D1-D4)."""

from __future__ import annotations

import pytest
import webtest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.helpers import save_configuration
from vte_extapps.credentials import digest
from vte_extapps.models import AccessToken

from .conftest import WEB_REDIRECT
from .flows import (
    INTROSPECT,
    REVOKE,
    TOKEN,
    Client,
    assert_no_store,
    basic,
    post_token,
    user_id_of,
)

RFC6749_ERRORS = {
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
}


def test_client_credentials_issues_a_bearer_token_for_the_run_as_user(
    testapp: webtest.TestApp, service: Client, dbsession: Session
) -> None:
    response = post_token(testapp, service, 200, grant_type="client_credentials")
    body = response.json
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3600
    assert body["scope"] == "invoice:read profile"
    assert body["access_token"].startswith("vtea_")
    # D4: client_credentials never returns a refresh token.
    assert "refresh_token" not in body
    assert_no_store(response)
    row = dbsession.scalars(
        select(AccessToken).where(AccessToken.digest == digest(body["access_token"]))
    ).one()
    assert row.user_id == user_id_of(dbsession, "alice")
    assert row.grant_type == "client_credentials"


def test_access_token_lifetime_follows_the_application_setting(
    testapp: webtest.TestApp, service: Client, dbsession: Session
) -> None:
    service.application.access_token_lifetime = 600
    dbsession.flush()
    body = post_token(testapp, service, 200, grant_type="client_credentials").json
    assert body["expires_in"] == 600


def test_get_is_refused_with_json_and_no_store(
    testapp: webtest.TestApp, service: Client
) -> None:
    response = testapp.get(TOKEN, {"grant_type": "client_credentials"}, status=405)
    assert response.json["error"] == "invalid_request"
    assert response.headers["Allow"] == "POST"
    assert_no_store(response)


def test_credentials_in_the_query_string_are_refused(
    testapp: webtest.TestApp, service: Client
) -> None:
    response = testapp.post(
        f"{TOKEN}?client_id={service.client_id}&client_secret={service.secret}",
        {"grant_type": "client_credentials"},
        status=400,
    )
    assert response.json["error"] == "invalid_request"
    assert service.secret not in response.text
    assert_no_store(response)


@pytest.mark.parametrize(
    ("path", "query"),
    [
        (TOKEN, "code=vtec_in_the_url&grant_type=authorization_code"),
        (TOKEN, "refresh_token=vter_in_the_url"),
        (TOKEN, "client_assertion=eyJhbGciOiJSUzI1NiJ9.e30.c2ln"),
        (REVOKE, "token=vtea_in_the_url"),
        (INTROSPECT, "token=vtea_in_the_url"),
    ],
)
def test_codes_and_tokens_in_the_query_string_are_refused(
    testapp: webtest.TestApp, service: Client, path: str, query: str
) -> None:
    response = testapp.post(
        f"{path}?{query}",
        {"grant_type": "client_credentials", "token": "vtea_x"},
        headers=basic(service.client_id, service.secret or ""),
        status=400,
    )
    assert response.json["error"] == "invalid_request"
    assert query.split("=", 1)[1].split("&")[0] not in response.text
    assert_no_store(response)


@pytest.mark.parametrize("path", [TOKEN, REVOKE, INTROSPECT])
@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_methods_other_than_post_are_405(
    testapp: webtest.TestApp, path: str, method: str
) -> None:
    response = testapp.request(
        path, method=method, body=b"grant_type=client_credentials", status=405
    )
    assert response.json["error"] == "invalid_request"
    assert response.headers["Allow"] == "POST"
    assert_no_store(response)


def test_a_json_body_is_refused(testapp: webtest.TestApp, service: Client) -> None:
    response = testapp.post_json(
        TOKEN,
        {"grant_type": "client_credentials"},
        headers=basic(service.client_id, service.secret or ""),
        status=400,
    )
    assert response.json["error"] == "invalid_request"


@pytest.mark.parametrize("charset", ["utf-8", "latin-1", "no-such-charset"])
def test_a_form_in_any_declared_charset_is_read_as_utf8(
    testapp: webtest.TestApp, service: Client, charset: str
) -> None:
    # RFC 6749 B: the form is UTF-8 whatever the header claims, so a token
    # request gets its answer rather than an error about encodings.
    response = testapp.post(
        TOKEN,
        "grant_type=client_credentials&scope=invoice%3Aread&note=caf%C3%A9",
        headers={
            **basic(service.client_id, service.secret or ""),
            "Content-Type": f"application/x-www-form-urlencoded; charset={charset}",
        },
        status=200,
    )
    assert_no_store(response)
    assert response.json["scope"] == "invoice:read"


def test_unknown_grant_type_is_unsupported_grant_type(
    testapp: webtest.TestApp, service: Client
) -> None:
    for grant_type in (
        "password",
        "implicit",
        "openid",
        "urn:ietf:params:oauth:grant-type:device_code",
    ):
        response = post_token(testapp, service, 400, grant_type=grant_type)
        assert response.json["error"] == "unsupported_grant_type"
        assert_no_store(response)


def test_missing_grant_type_is_invalid_request(
    testapp: webtest.TestApp, service: Client
) -> None:
    response = post_token(testapp, service, 400)
    assert response.json["error"] == "invalid_request"


def test_repeated_parameter_is_invalid_request(
    testapp: webtest.TestApp, service: Client
) -> None:
    response = testapp.post(
        TOKEN,
        [
            ("grant_type", "client_credentials"),
            ("scope", "profile"),
            ("scope", "invoice:read"),
        ],
        headers=basic(service.client_id, service.secret or ""),
        status=400,
    )
    assert response.json["error"] == "invalid_request"


def test_a_service_account_may_not_use_the_code_grant(
    testapp: webtest.TestApp, service: Client
) -> None:
    response = post_token(
        testapp,
        service,
        400,
        grant_type="authorization_code",
        code="vtec_whatever",
        redirect_uri=WEB_REDIRECT,
        code_verifier="a" * 43,
    )
    assert response.json["error"] == "unauthorized_client"


def test_a_web_application_may_not_use_client_credentials(
    testapp: webtest.TestApp, web: Client
) -> None:
    response = post_token(testapp, web, 400, grant_type="client_credentials")
    assert response.json["error"] == "unauthorized_client"
    assert_no_store(response)


def test_scope_beyond_the_allowance_is_invalid_scope(
    testapp: webtest.TestApp, service: Client
) -> None:
    for scope in ("leads:write", "invoice:read nonsense", "admin"):
        response = post_token(
            testapp, service, 400, grant_type="client_credentials", scope=scope
        )
        assert response.json["error"] == "invalid_scope"


def test_a_narrower_scope_is_granted_as_asked(
    testapp: webtest.TestApp, service: Client
) -> None:
    body = post_token(
        testapp, service, 200, grant_type="client_credentials", scope="profile"
    ).json
    assert body["scope"] == "profile"


def test_a_deactivated_application_gets_no_token(
    testapp: webtest.TestApp, service: Client, extapps_request: object
) -> None:
    from vte_extapps.services.applications import set_active

    set_active(extapps_request, service.application, False)  # type: ignore[arg-type]
    response = post_token(testapp, service, 401, grant_type="client_credentials")
    assert response.json["error"] == "invalid_client"


def test_a_service_account_whose_run_as_user_left_gets_no_token(
    testapp: webtest.TestApp, service: Client, dbsession: Session
) -> None:
    from vte_extapps.demo.models import User

    alice = dbsession.scalars(select(User).where(User.username == "alice")).one()
    alice.active = False
    dbsession.flush()
    response = post_token(testapp, service, 400, grant_type="client_credentials")
    assert response.json["error"] == "unauthorized_client"


def test_switched_off_server_issues_nothing(
    testapp: webtest.TestApp, service: Client, dbsession: Session
) -> None:
    save_configuration(dbsession, server_enabled=False)
    response = post_token(testapp, service, 503, grant_type="client_credentials")
    assert response.json["error"] == "temporarily_unavailable"
    assert_no_store(response)


@pytest.mark.parametrize(
    "params",
    [
        {"grant_type": "client_credentials", "scope": "bogus"},
        {"grant_type": "authorization_code", "code": "vtec_nope"},
        {
            "grant_type": "authorization_code",
            "code": "vtec_nope",
            "redirect_uri": WEB_REDIRECT,
            "code_verifier": "vte-verifier-" + "v" * 40,
        },
        {"grant_type": "client_credentials", "client_secret": "vtes_also_posted"},
        {"grant_type": "refresh_token", "refresh_token": "vter_nope"},
        {"grant_type": "refresh_token"},
        {"grant_type": "authorization_code"},
        {"grant_type": "nope"},
    ],
)
def test_every_error_is_an_rfc6749_code_and_echoes_no_credential(
    testapp: webtest.TestApp, web: Client, service: Client, params: dict[str, str]
) -> None:
    for client in (web, service):
        response = post_token(testapp, client, "4*", **params)
        assert response.json["error"] in RFC6749_ERRORS
        assert_no_store(response)
        for value in [client.secret, *params.values()]:
            if value and value.startswith("vte"):
                assert value not in response.text
        # D3: nothing about how the server works inside.
        for word in ("Traceback", "sqlalchemy", "SELECT ", "oauthlib", 'File "'):
            assert word not in response.text
