"""Signing in and out of the demo CRM, and what its pages send."""

from __future__ import annotations

from typing import Any

import pytest
import webtest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.helpers import csrf_token_of, login
from vte_extapps.demo.models import Invoice, User
from vte_extapps.demo.views.login import safe_next


def _submit(
    testapp: webtest.TestApp,
    username: str,
    password: str,
    *,
    next_path: str | None = None,
    status: int = 303,
) -> webtest.TestResponse:
    form = {"username": username, "password": password}
    form["csrf_token"] = csrf_token_of(testapp.get("/login"))
    if next_path is not None:
        form["next"] = next_path
    return testapp.post("/login", form, status=status)


def test_anonymous_visitors_are_sent_to_sign_in(testapp: webtest.TestApp) -> None:
    response = testapp.get("/records/Invoice", status=303)
    assert response.location == (
        "https://crm.example.com/login?next=%2Frecords%2FInvoice"
    )


def test_right_credentials_sign_in_and_go_home(testapp: webtest.TestApp) -> None:
    response = _submit(testapp, "alice", "alice")
    assert response.location == "https://crm.example.com/"
    home = testapp.get("/")
    assert "Alice Martin" in home.text
    assert "Sign out" in home.text


def test_user_names_are_not_case_sensitive(testapp: webtest.TestApp) -> None:
    _submit(testapp, " Alice ", "alice")
    assert "Alice Martin" in testapp.get("/").text


def test_a_wrong_password_shows_the_form_again(testapp: webtest.TestApp) -> None:
    response = _submit(testapp, "alice", "bob", status=400)
    assert "The user name or the password is wrong." in response.text
    assert 'value="alice"' in response.text
    testapp.get("/", status=303)


def test_an_unknown_user_gets_the_same_answer(testapp: webtest.TestApp) -> None:
    response = _submit(testapp, "mallory", "mallory", status=400)
    assert "The user name or the password is wrong." in response.text


def test_an_empty_or_huge_password_is_refused(testapp: webtest.TestApp) -> None:
    _submit(testapp, "alice", "", status=400)
    _submit(testapp, "alice", "a" * 5000, status=400)


def test_a_deactivated_user_cannot_sign_in(testapp: webtest.TestApp) -> None:
    _submit(testapp, "carol", "carol", status=400)


def test_deactivating_a_user_ends_their_session(
    testapp: webtest.TestApp, dbsession: Session
) -> None:
    login(testapp, "bob")
    testapp.get("/", status=200)
    dbsession.execute(update(User).where(User.username == "bob").values(active=False))
    testapp.get("/", status=303)


def test_signing_in_without_the_csrf_token_is_refused(
    testapp: webtest.TestApp,
) -> None:
    testapp.get("/login")
    form = {"username": "alice", "password": "alice"}
    testapp.post("/login", form, status=400)
    testapp.post("/login", {**form, "csrf_token": "forged"}, status=400)
    testapp.get("/", status=303)


def test_signing_in_starts_a_new_session_with_a_new_csrf_token(
    testapp: webtest.TestApp,
) -> None:
    before = csrf_token_of(testapp.get("/login"))
    login(testapp, "alice")
    assert csrf_token_of(testapp.get("/")) != before


def test_signing_out_ends_the_session(testapp: webtest.TestApp) -> None:
    login(testapp, "alice")
    token = csrf_token_of(testapp.get("/"))
    response = testapp.post("/logout", {"csrf_token": token}, status=303)
    assert response.location == "https://crm.example.com/login"
    testapp.get("/", status=303)


def test_signing_out_without_the_csrf_token_is_refused(
    testapp: webtest.TestApp,
) -> None:
    login(testapp, "alice")
    testapp.post("/logout", status=400)
    testapp.get("/", status=200)


@pytest.mark.parametrize("path", ["/login", "/logout"])
@pytest.mark.parametrize(
    "content_type", ["multipart/form-data", "multipart/form-data; boundary=zz"]
)
def test_a_form_that_cannot_be_read_is_refused_not_failed(
    testapp: webtest.TestApp, path: str, content_type: str
) -> None:
    testapp.post(
        path,
        b"username=alice&password=alice",
        headers={"Content-Type": content_type},
        status=400,
    )


def test_signing_out_takes_a_post(testapp: webtest.TestApp) -> None:
    login(testapp, "alice")
    testapp.get("/logout", status=404)
    testapp.get("/", status=200)


def test_next_brings_the_user_back_where_they_were(
    testapp: webtest.TestApp,
) -> None:
    form = testapp.get("/login?next=/records/Invoice")
    assert 'value="/records/Invoice"' in form.text
    response = _submit(testapp, "alice", "alice", next_path="/records/Invoice?x=1")
    assert response.location == "https://crm.example.com/records/Invoice?x=1"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example.net/",
        "//evil.example.net/",
        "/\\evil.example.net/",
        "\\\\evil.example.net",
        "/\t/evil.example.net",
        "/ /evil.example.net",
        "javascript:alert(1)",
        "evil.example.net",
        "records/Invoice",
        "",
    ],
)
def test_next_never_leads_to_another_site(
    testapp: webtest.TestApp, target: str
) -> None:
    response = _submit(testapp, "alice", "alice", next_path=target)
    assert response.location == "https://crm.example.com/"


def test_safe_next_accepts_only_local_paths() -> None:
    assert safe_next("/records/Leads?a=b#c") == "/records/Leads?a=b#c"
    assert safe_next("/") == "/"
    assert safe_next(None) is None
    assert safe_next("/\x7f/evil.example.net") is None


def test_pages_refuse_referrers_and_frames(testapp: webtest.TestApp) -> None:
    for response in (testapp.get("/login"), testapp.get("/", status=303)):
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Frame-Options"] == "DENY"


def test_the_stylesheet_is_served_locally(testapp: webtest.TestApp) -> None:
    page = testapp.get("/login")
    assert 'href="/static/crm.css"' in page.text
    assert "--accent" in testapp.get("/static/crm.css").text


def test_administrators_see_settings_and_everyone_preferences(
    testapp: webtest.TestApp, app: Any
) -> None:
    login(testapp, "admin")
    home = testapp.get("/")
    assert 'id="settings"' in home.text
    assert 'id="preferences"' in home.text

    assert 'href="/settings/external-applications"' in home.text

    other = webtest.TestApp(app, extra_environ=testapp.extra_environ)
    login(other, "alice")
    home = other.get("/")
    assert 'id="settings"' not in home.text
    assert "External Applications" not in home.text
    assert 'href="/preferences/linked-applications"' in home.text


def test_module_pages_list_only_the_users_records(
    testapp: webtest.TestApp, dbsession: Session
) -> None:
    login(testapp, "bob")
    bob = dbsession.scalars(select(User).where(User.username == "bob")).one()
    owned = dbsession.scalars(
        select(Invoice.id).where(Invoice.assigned_user_id == bob.id)
    ).all()
    listing = testapp.get("/records/Invoice")
    shown = {code.text for code in listing.html.select("table.list code")}
    assert shown == {f"16x{number}" for number in owned}


def test_a_record_page_shows_to_its_owner_only(testapp: webtest.TestApp) -> None:
    login(testapp, "alice")
    listing = testapp.get("/records/Invoice")
    link = listing.html.select_one("table.list a")
    assert link is not None
    testapp.get(str(link["href"]), status=200)

    login(testapp, "bob")
    testapp.get(str(link["href"]), status=403)


def test_unknown_modules_and_records_are_not_found(testapp: webtest.TestApp) -> None:
    login(testapp, "admin")
    testapp.get("/records/Nothing", status=404)
    testapp.get("/records/Invoice/16x999999", status=404)
    testapp.get("/records/Invoice/12x1", status=404)
    testapp.get("/records/Invoice/banana", status=404)


@pytest.mark.parametrize(
    "body",
    [
        "username=a%00b&password=x",
        "username=alice&password=a%00b",
        "username=%ED%A0%80&password=x",
        "username=alice&password=%ED%A0%80",
        "username=%FF&password=%FE",
        "username=alice&username=bob&password=alice",
    ],
)
def test_odd_login_forms_are_refused_without_failing(
    testapp: webtest.TestApp, body: str
) -> None:
    token = csrf_token_of(testapp.get("/login"))
    response = testapp.post(
        "/login",
        f"{body}&csrf_token={token}",
        content_type="application/x-www-form-urlencoded",
        status="*",
    )
    assert response.status_int == 400
