"""Random and malformed parameters never make an endpoint fail (SECURITY R4).

Where an endpoint authenticates its caller, most examples carry valid
credentials, so that what comes after authentication is exercised too.
"""

from __future__ import annotations

import json
import string
from typing import Any
from urllib.parse import quote, urlencode

import pytest
import webtest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from tests.helpers import access_token_for, login, service_account
from vte_extapps.views.admin import ROUTES as ADMIN_ROUTES

from .flows import (
    AUTHORIZE,
    INTROSPECT,
    REVOKE,
    TOKEN,
    Client,
    authorize_params,
    basic,
    consent_form,
    pkce,
)

NAMES = st.sampled_from(
    [
        "grant_type", "code", "redirect_uri", "client_id", "client_secret",
        "code_verifier", "refresh_token", "scope", "token", "token_type_hint",
        "client_assertion", "client_assertion_type", "response_type", "state",
        "code_challenge", "code_challenge_method", "prompt", "response_mode",
    ]
)  # fmt: skip
VALUES = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "authorization_code", "client_credentials", "refresh_token", "code",
            "S256", "plain", "none", "consent", "vtea_x", "vter_x", "vtec_x",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "eyJhbGciOiJub25lIn0.e30.", "a.b.c", "%00", "\x00", "é", "https://app.example.org/callback",
        ]
    ),
)  # fmt: skip
PARAMETERS = st.lists(st.tuples(NAMES, VALUES), max_size=8)
AUTHORIZATIONS = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.sampled_from(
        ["Basic", "Basic !!", "Basic Og==", "Bearer x", "basic dm9wZTpub3Bl"]
    ),
)

FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _headers(authorization: str | None) -> dict[str, str]:
    if (
        authorization is None
        or not authorization.isprintable()
        or not authorization.isascii()
    ):
        return {}
    return {"Authorization": authorization}


@FUZZ
@given(parameters=PARAMETERS, authorization=AUTHORIZATIONS)
def test_the_token_endpoint_never_fails(
    testapp: webtest.TestApp,
    web: Client,
    parameters: list[tuple[str, str]],
    authorization: str | None,
) -> None:
    headers = _headers(authorization) or basic(web.client_id, web.secret or "")
    response = testapp.post(TOKEN, parameters, headers=headers, status="*")
    assert response.status_int < 500
    assert response.headers["Cache-Control"] == "no-store"


@FUZZ
@given(parameters=PARAMETERS, authorization=AUTHORIZATIONS)
def test_the_revocation_endpoint_never_fails(
    testapp: webtest.TestApp,
    web: Client,
    parameters: list[tuple[str, str]],
    authorization: str | None,
) -> None:
    headers = _headers(authorization) or basic(web.client_id, web.secret or "")
    response = testapp.post(REVOKE, parameters, headers=headers, status="*")
    assert response.status_int < 500


@FUZZ
@given(parameters=PARAMETERS, authorization=AUTHORIZATIONS)
def test_the_introspection_endpoint_never_fails(
    testapp: webtest.TestApp,
    web: Client,
    parameters: list[tuple[str, str]],
    authorization: str | None,
) -> None:
    headers = _headers(authorization) or basic(web.client_id, web.secret or "")
    response = testapp.post(INTROSPECT, parameters, headers=headers, status="*")
    assert response.status_int < 500


@FUZZ
@given(parameters=PARAMETERS, known_client=st.booleans())
def test_the_authorization_endpoint_never_fails(
    testapp: webtest.TestApp,
    web: Client,
    parameters: list[tuple[str, str]],
    known_client: bool,
) -> None:
    if known_client:
        parameters = [("client_id", web.client_id), *parameters]
    response = testapp.get(AUTHORIZE, parameters, status="*")
    assert response.status_int < 500


@FUZZ
@given(query=st.text(max_size=200))
def test_a_raw_authorization_query_never_fails(
    testapp: webtest.TestApp, web: Client, query: str
) -> None:
    # Structure is random; the text stays UTF-8, as browsers send it.
    response = testapp.get(AUTHORIZE + "?" + quote(query, safe="=&;+"), status="*")
    assert response.status_int < 500


def test_a_signed_in_user_sends_garbage_too(
    testapp: webtest.TestApp, web: Client
) -> None:
    login(testapp, "alice")
    for query in ("client_id=" + web.client_id, "client_id=%zz", "%", "a=%zz", "=&=&"):
        response = testapp.get(AUTHORIZE + "?" + query, status="*")
        assert response.status_int < 500


#: Bodies labelled as forms that WebOb cannot parse.
UNREADABLE_FORMS = ("multipart/form-data", "multipart/form-data; boundary=zz")
CONSENT_FIELDS = ("csrf_token", "request_id", "decision")
CONSENT_NAMES = st.sampled_from(
    [*CONSENT_FIELDS, "client_id", "scope", "redirect_uri", "state", "code_challenge"]
)


@FUZZ
@given(
    kept=st.sets(st.sampled_from(CONSENT_FIELDS)),
    decision=st.sampled_from(["approve", "deny", "", "APPROVE", "approve "]),
    parameters=st.lists(st.tuples(CONSENT_NAMES, VALUES), max_size=6),
    content_type=st.sampled_from([None, *UNREADABLE_FORMS]),
)
def test_the_consent_post_never_fails(
    testapp: webtest.TestApp,
    web: Client,
    kept: set[str],
    decision: str,
    parameters: list[tuple[str, str]],
    content_type: str | None,
) -> None:
    # A signed-in user with a request waiting on the consent screen.
    login(testapp, "alice")
    _, challenge = pkce()
    page = testapp.get(
        AUTHORIZE,
        authorize_params(
            web, "https://app.example.org/callback", challenge, prompt="consent"
        ),
    )
    form = consent_form(page)
    real = {
        "csrf_token": form["csrf_token"].value,
        "request_id": form["request_id"].value,
        "decision": decision,
    }
    body = [*((name, real[name]) for name in CONSENT_FIELDS if name in kept)]
    body += parameters
    if content_type is None:
        response = testapp.post(AUTHORIZE, body, status="*")
    else:
        response = testapp.post(
            AUTHORIZE,
            urlencode(body).encode(),
            headers={"Content-Type": content_type},
            status="*",
        )
    assert response.status_int < 500


API_METHODS = st.one_of(
    st.sampled_from(
        [
            "query",
            "retrieve",
            "describe",
            "listtypes",
            "create",
            "update",
            "delete",
            "me",
        ]
    ),
    st.text(string.ascii_letters + string.digits + "-_.~", min_size=1, max_size=20),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=10,
)
API_FIELDS = st.sampled_from(
    ["query", "id", "element", "elementType", "module", "type", "fields", "limit"]
)
API_BODIES = st.one_of(
    st.binary(max_size=120).map(lambda raw: ("text/plain", raw)),
    st.dictionaries(API_FIELDS | st.text(max_size=10), JSON_VALUES, max_size=4).map(
        lambda body: ("application/json", json.dumps(body).encode())
    ),
    st.text(max_size=120).map(lambda raw: ("application/json", raw.encode())),
    st.lists(st.tuples(API_FIELDS, st.text(max_size=60)), max_size=4).map(
        lambda pairs: (
            "application/x-www-form-urlencoded",
            "&".join(f"{quote(k)}={quote(v)}" for k, v in pairs).encode(),
        )
    ),
    st.just(("multipart/form-data", b"--x\r\n")),
)
QUERIES = st.sampled_from(
    [
        "SELECT * FROM Invoice;",
        "SELECT count(*) FROM Invoice;",
        "SELECT subject FROM Invoice WHERE id = '1x1';",
        "SELECT * FROM Invoice ORDER BY nothing LIMIT 99999999999999999999;",
        "SELECT * FROM Users;",
        "select",
        "",
    ]
)
BEARERS = st.one_of(
    st.just("the valid token"),
    st.text(max_size=60),
    st.sampled_from(["", "vtea_", "vtea_x", "vter_x", "a.b.c", "=", " "]),
)


@pytest.fixture
def api_token(extapps_request: Any, dbsession: Session) -> str:
    issued = service_account(
        extapps_request, "alice", ["invoice:read", "invoice:write", "profile"]
    )
    return access_token_for(dbsession, issued.application)


@FUZZ
@given(method=API_METHODS, body=API_BODIES, query=QUERIES, bearer=BEARERS)
def test_the_rest_api_never_fails(
    testapp: webtest.TestApp,
    api_token: str,
    method: str,
    body: tuple[str, bytes],
    query: str,
    bearer: str,
) -> None:
    content_type, raw = body
    if method == "query" and content_type == "application/json" and raw == b"{}":
        raw = json.dumps({"query": query}).encode()
    token = api_token if bearer == "the valid token" else bearer
    headers = _headers(f"Bearer {token}") or {"Authorization": "Bearer"}
    headers["Content-Type"] = content_type
    response = testapp.post(
        f"/restapi/v1/vtews/{method}", raw, headers=headers, status="*"
    )
    assert response.status_int < 500, response.text


@pytest.mark.parametrize("content_type", UNREADABLE_FORMS)
def test_a_form_that_cannot_be_read_is_refused_on_every_page_of_the_plugin(
    testapp: webtest.TestApp, web: Client, content_type: str
) -> None:
    login(testapp, "admin")
    paths = [AUTHORIZE, "/preferences/linked-applications/1/revoke"]
    paths += [
        "/settings/external-applications" + pattern.format(client_id=web.client_id)
        for _, pattern, _, _, methods in ADMIN_ROUTES
        if "POST" in methods
    ]
    for path in paths:
        response = testapp.post(
            path, b"--x\r\nbroken", headers={"Content-Type": content_type}, status="*"
        )
        assert 400 <= response.status_int < 500, (path, response.status)
