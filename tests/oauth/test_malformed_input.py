"""Random and malformed parameters never make an endpoint fail (SECURITY R4)."""

from __future__ import annotations

from urllib.parse import quote

import webtest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import login

from .flows import AUTHORIZE, INTROSPECT, REVOKE, TOKEN, Client, basic

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
    assert response.status_int < 500 or response.status_int == 503
    assert response.headers["Cache-Control"] == "no-store"


@FUZZ
@given(parameters=PARAMETERS, authorization=AUTHORIZATIONS)
def test_the_revocation_endpoint_never_fails(
    testapp: webtest.TestApp,
    web: Client,
    parameters: list[tuple[str, str]],
    authorization: str | None,
) -> None:
    response = testapp.post(
        REVOKE, parameters, headers=_headers(authorization), status="*"
    )
    assert response.status_int < 500


@FUZZ
@given(parameters=PARAMETERS, authorization=AUTHORIZATIONS)
def test_the_introspection_endpoint_never_fails(
    testapp: webtest.TestApp,
    web: Client,
    parameters: list[tuple[str, str]],
    authorization: str | None,
) -> None:
    response = testapp.post(
        INTROSPECT, parameters, headers=_headers(authorization), status="*"
    )
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
