"""The add wizard: choose a client type, fill in what it needs, see the
credentials once."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
import webtest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.ui.helpers import ADMIN_URL, PNG, check_boxes, field_error
from vte_extapps.credentials import digest
from vte_extapps.models import Application, AuthMethod, ClientType


def step_two(admin: webtest.TestApp, client_type: str) -> webtest.forms.Form:
    """Walk step 1 with its own form and return the form of step 2."""
    step_one = admin.get(f"{ADMIN_URL}/new").forms["client-type-form"]
    step_one["client_type"] = client_type
    page = step_one.submit()
    return page.forms["application-form"]


def saved(dbsession: Session, name: str) -> Application:
    return dbsession.scalars(select(Application).where(Application.name == name)).one()


def test_step_one_offers_service_account_or_web_or_mobile_application(
    admin: webtest.TestApp,
) -> None:
    page = admin.get(f"{ADMIN_URL}/new")
    (radio,) = page.forms["client-type-form"].fields["client_type"]
    values = {value for value, _, _ in radio.options}
    assert values == {"service", "web", "mobile"}
    assert "Web or Mobile Application" in page.text


def test_step_two_of_a_service_account_asks_for_a_run_as_user_not_redirect_urls(
    admin: webtest.TestApp,
) -> None:
    form = step_two(admin, "service")
    assert "run_as_user_id" in form.fields
    assert "redirect_uris" not in form.fields
    assert "offline_access" not in form.fields


def test_step_two_of_a_mobile_application_has_no_secret_to_choose(
    admin: webtest.TestApp,
) -> None:
    form = step_two(admin, "mobile")
    assert "auth_method" not in form.fields
    assert "redirect_uris" in form.fields


def test_a_service_account_with_a_secret_is_created_and_its_secret_shown_once(
    admin: webtest.TestApp, dbsession: Session, user_id: Callable[[str], str]
) -> None:
    form = step_two(admin, "service")
    form["name"] = "ERP <Invoices>"
    form["run_as_user_id"] = user_id("alice")
    check_boxes(form, "scopes", ["invoice:read"])
    page = form.submit()

    application = saved(dbsession, "ERP <Invoices>")
    assert application.client_type is ClientType.SERVICE
    assert application.run_as_user_id == user_id("alice")
    secret = page.html.find(id="client-secret")["value"]
    assert application.secrets[0].digest == digest(secret)
    assert page.headers["Cache-Control"] == "no-store"
    assert application.client_id in page.text
    assert "only time it is shown" in page.text
    assert "ERP &lt;Invoices&gt;" in page.text
    # The ready-to-paste commands carry the real credentials and endpoints.
    command = page.html.find(id="token-command").get_text()
    assert f"{application.client_id}:{secret}" in command
    assert "grant_type=client_credentials" in command
    assert "/oauth/token" in command
    query = page.html.find(id="query-command").get_text()
    assert "/restapi/v1/vtews/query" in query
    assert '{"query":"SELECT * FROM Invoice;"}' in query
    endpoints = page.html.find(class_="endpoints").get_text()
    for path in (
        "/oauth/token",
        "/oauth/revoke",
        "/oauth/introspect",
        "/.well-known/oauth-authorization-server",
        "/restapi/v1/vtews/",
    ):
        assert path in endpoints
    # Nothing keeps the secret: the next page no longer shows it.
    assert secret not in admin.get(ADMIN_URL).text


@pytest.mark.parametrize("key_format", ["pem", "jwk"])
def test_a_jwt_signed_service_account_offers_its_private_key_once(
    admin: webtest.TestApp,
    dbsession: Session,
    user_id: Callable[[str], str],
    key_format: str,
) -> None:
    form = step_two(admin, "service")
    form["name"] = "Signed ERP"
    form["auth_method"] = "jwt"
    form["key_format"] = key_format
    form["key_algorithm"] = "ES256"
    form["run_as_user_id"] = user_id("bob")
    check_boxes(form, "scopes", ["invoice:read", "invoice:write"])
    page = form.submit()

    application = saved(dbsession, "Signed ERP")
    assert application.auth_method is AuthMethod.JWT
    assert application.keys[0].algorithm == "ES256"
    private_key = page.html.find(id="private-key").get_text()
    if key_format == "jwk":
        assert json.loads(private_key)["d"]
    else:
        assert "BEGIN PRIVATE KEY" in private_key
    download = page.html.find("a", download=True)
    assert download["download"].endswith(".json" if key_format == "jwk" else ".pem")
    assert download["href"].startswith("data:")
    assert "client_assertion" in page.html.find(id="token-command").get_text()


def test_a_service_account_can_bring_its_own_public_key(
    admin: webtest.TestApp, dbsession: Session, user_id: Callable[[str], str]
) -> None:
    from vte_extapps.credentials import generate_key_pair

    pair = generate_key_pair("RS256", "pem")
    form = step_two(admin, "service")
    form["name"] = "Own Key ERP"
    form["auth_method"] = "jwt"
    form["key_source"] = "upload"
    form["public_key_file"] = webtest.Upload(
        "key.json", json.dumps(pair.public.jwk).encode(), "application/json"
    )
    form["run_as_user_id"] = user_id("alice")
    check_boxes(form, "scopes", ["invoice:read"])
    page = form.submit()

    application = saved(dbsession, "Own Key ERP")
    assert application.keys[0].thumbprint == pair.public.thumbprint
    assert page.html.find(id="private-key") is None


def test_a_web_application_is_created_with_its_authorization_screen(
    admin: webtest.TestApp, dbsession: Session
) -> None:
    form = step_two(admin, "web")
    form["name"] = "Lead Finder"
    form["description"] = "Finds leads."
    form["redirect_uris"] = (
        "https://leads.example.com/cb\nhttps://leads.example.com/cb2"
    )
    form["offline_access"] = True
    form["access_token_lifetime"] = "1800"
    form["display_name"] = "Lead Finder Pro"
    form["homepage_url"] = "https://leads.example.com/"
    form["privacy_policy_url"] = "https://leads.example.com/privacy"
    form["terms_url"] = "https://leads.example.com/terms"
    form["logo"] = webtest.Upload("logo.png", PNG, "image/png")
    check_boxes(form, "scopes", ["leads:read"])
    page = form.submit()

    application = saved(dbsession, "Lead Finder")
    assert application.client_type is ClientType.WEB
    assert application.redirect_uris == [
        "https://leads.example.com/cb",
        "https://leads.example.com/cb2",
    ]
    assert application.offline_access
    assert application.access_token_lifetime == 1800
    assert application.display_name == "Lead Finder Pro"
    assert application.terms_url == "https://leads.example.com/terms"
    assert application.logo is not None
    assert application.logo.content_type == "image/png"
    assert page.html.find(id="client-secret") is not None
    assert "/oauth/authorize" in page.html.find(class_="endpoints").get_text()
    assert "grant_type=authorization_code" in page.text
    link = page.html.find(id="authorize-link").get_text()
    assert f"client_id={application.client_id}" in link
    assert "code_challenge_method=S256" in link


def test_a_mobile_application_is_a_public_client_without_a_secret(
    admin: webtest.TestApp, dbsession: Session
) -> None:
    form = step_two(admin, "mobile")
    form["name"] = "Field App"
    form["redirect_uris"] = "com.example.field:/callback\nhttp://127.0.0.1:7000/cb"
    check_boxes(form, "scopes", ["contacts:read"])
    page = form.submit()

    application = saved(dbsession, "Field App")
    assert application.auth_method is AuthMethod.NONE
    assert page.html.find(id="client-secret") is None
    assert "PKCE" in page.text


@pytest.mark.parametrize(
    ("client_type", "field", "value", "message"),
    [
        ("service", "name", "", "name"),
        ("service", "run_as_user_id", "", "CRM user"),
        ("service", "scopes", None, "scope"),
        ("service", "access_token_lifetime", "ten", "Between"),
        ("service", "access_token_lifetime", "5", "Between"),
        ("web", "redirect_uris", "http://app.example.com/cb", "https"),
        ("web", "redirect_uris", "https://app.example.com/cb#frag", "fragment"),
        ("web", "redirect_uris", "", "Add the URL"),
        ("mobile", "redirect_uris", "http://app.example.com/cb", "loopback"),
        ("mobile", "redirect_uris", "com.example.app:/cb#frag", "fragment"),
        ("mobile", "redirect_uris", "http://127.0.0.1:8400/cb#frag", "fragment"),
        ("web", "redirect_uris", "http://127.0.0.1/cb", "https"),
        ("web", "redirect_uris", "http://localhost:8400/cb", "https"),
        ("web", "homepage_url", "javascript:alert(1)", "http"),
        ("web", "privacy_policy_url", "ftp://x.example.com", "http"),
        ("web", "terms_url", "not a link", "http"),
    ],
)
def test_each_bad_input_gets_a_message_next_to_its_field(
    admin: webtest.TestApp,
    dbsession: Session,
    user_id: Callable[[str], str],
    client_type: str,
    field: str,
    value: str | None,
    message: str,
) -> None:
    form = step_two(admin, client_type)
    form["name"] = "Almost"
    if client_type == "service":
        form["run_as_user_id"] = user_id("alice")
    else:
        form["redirect_uris"] = (
            "com.example.app:/cb"
            if client_type == "mobile"
            else ("https://app.example.com/cb")
        )
    check_boxes(form, "scopes", ["invoice:read"])
    if value is None:
        check_boxes(form, field, [])
    else:
        form[field] = value
    page = form.submit(status=400)

    assert message.lower() in field_error(page, field).lower()
    assert (
        dbsession.scalars(
            select(Application).where(Application.name == "Almost")
        ).first()
        is None
    )
    # What was typed is still there to correct.
    if field not in {"scopes", "run_as_user_id"}:
        assert page.forms["application-form"][field].value == (value or "")


def test_a_bad_public_key_is_reported_next_to_the_key_field(
    admin: webtest.TestApp, user_id: Callable[[str], str]
) -> None:
    form = step_two(admin, "service")
    form["name"] = "Bad Key"
    form["auth_method"] = "jwt"
    form["key_source"] = "upload"
    form["public_key"] = "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----"
    form["run_as_user_id"] = user_id("alice")
    check_boxes(form, "scopes", ["invoice:read"])
    page = form.submit(status=400)
    assert "private key" in field_error(page, "public_key")


def test_the_run_as_picker_lists_only_active_users(admin: webtest.TestApp) -> None:
    form = step_two(admin, "service")
    labels = [label for _, _, label in form.fields["run_as_user_id"][0].options]
    assert any("Alice" in (label or "") for label in labels)
    assert not any("Carol" in (label or "") for label in labels)


def test_scopes_are_offered_with_their_titles(admin: webtest.TestApp) -> None:
    page = admin.get(f"{ADMIN_URL}/new?client_type=web")
    assert "View your Invoice" in page.text or "invoice:read" in page.text
    box = page.html.find("input", {"name": "scopes", "value": "invoice:read"})
    assert box.find_parent("label").get_text(strip=True).startswith("View your")


def test_choosing_to_bring_a_key_without_giving_one_is_refused(
    admin: webtest.TestApp, dbsession: Session, user_id: Callable[[str], str]
) -> None:
    form = step_two(admin, "service")
    form["name"] = "No Key"
    form["auth_method"] = "jwt"
    form["key_source"] = "upload"
    form["run_as_user_id"] = user_id("alice")
    check_boxes(form, "scopes", ["invoice:read"])
    page = form.submit(status=400)
    assert "Paste the public key" in field_error(page, "public_key")
    assert (
        dbsession.scalars(
            select(Application).where(Application.name == "No Key")
        ).first()
        is None
    )


def test_step_one_without_a_choice_says_what_to_choose(admin: webtest.TestApp) -> None:
    page = admin.get(f"{ADMIN_URL}/new", {"client_type": ""}, status=400)
    assert "Choose the kind of application to add." in page.text
    assert "client-type-form" in page.forms
    admin.get(f"{ADMIN_URL}/new", {"client_type": "desktop"}, status=400)


def test_find_lists_the_matching_run_as_users_and_saves_nothing(
    admin: webtest.TestApp, dbsession: Session
) -> None:
    form = step_two(admin, "service")
    form["name"] = "Found ERP"
    check_boxes(form, "scopes", ["invoice:read"])
    form["run_as_search"] = "alice"
    page = form.submit("find_run_as")

    assert page.status_int == 200
    form = page.forms["application-form"]
    labels = [label for _, _, label in form.fields["run_as_user_id"][0].options]
    assert labels == ["Choose a user…", "Alice Martin (alice@crm.example.com)"]
    assert "1 user found." in page.text
    assert form["name"].value == "Found ERP"
    checked = [box._value for box in form.fields["scopes"] if box.checked]
    assert checked == ["invoice:read"]
    assert (
        dbsession.scalars(
            select(Application).where(Application.name == "Found ERP")
        ).first()
        is None
    )


def test_the_live_user_search_answers_active_users_as_json(
    admin: webtest.TestApp,
) -> None:
    answer = admin.get(f"{ADMIN_URL}/users", {"q": "bob"})
    assert answer.content_type == "application/json"
    assert [user["label"] for user in answer.json["users"]] == [
        "Bob Nguyen (bob@crm.example.com)"
    ]
    everyone = admin.get(f"{ADMIN_URL}/users").json["users"]
    assert "Carol" not in str(everyone)
    assert answer.headers["X-Frame-Options"] == "DENY"


def test_only_algorithms_the_configuration_allows_are_offered_for_a_key_pair(
    admin: webtest.TestApp, user_id: Callable[[str], str], dbsession: Session
) -> None:
    configuration = admin.get(ADMIN_URL).forms["configuration-form"]
    check_boxes(configuration, "jwt_algorithms", ["RS256", "ES256"])
    configuration.submit()

    form = step_two(admin, "service")
    offered = [value for value, _, _ in form.fields["key_algorithm"][0].options]
    assert offered == ["RS256", "ES256"]
    fields = dict(form.submit_fields())
    fields.update(
        name="EdDSA ERP",
        auth_method="jwt",
        key_algorithm="EdDSA",
        run_as_user_id=user_id("alice"),
        scopes="invoice:read",
    )
    page = admin.post(f"{ADMIN_URL}/new?client_type=service", fields, status=400)
    assert "One of RS256, ES256" in field_error(page, "key_algorithm")
    assert (
        dbsession.scalars(
            select(Application).where(Application.name == "EdDSA ERP")
        ).first()
        is None
    )


def test_the_logo_field_says_which_files_and_how_large(admin: webtest.TestApp) -> None:
    page = admin.get(f"{ADMIN_URL}/new?client_type=web")
    hint = page.html.find(id="logo-hint").get_text()
    assert "PNG, JPEG or SVG" in hint
    assert "256 KB" in hint


def test_the_credentials_page_explains_the_client_assertion_of_a_jwt_application(
    admin: webtest.TestApp, user_id: Callable[[str], str]
) -> None:
    form = step_two(admin, "service")
    form["name"] = "Assertion ERP"
    form["auth_method"] = "jwt"
    form["run_as_user_id"] = user_id("alice")
    check_boxes(form, "scopes", ["invoice:read"])
    page = form.submit()
    hint = page.html.find(id="assertion-hint").get_text(" ", strip=True)
    assert "https://crm.example.com/oauth/token" in hint
    assert "jti" in hint
    warning = page.html.find(attrs={"data-warn-unload": "yes"})
    assert "private key cannot be shown again" in warning["data-warning"]
