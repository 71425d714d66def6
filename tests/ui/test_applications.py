"""The application list and its row tools: edit, deactivate, revoke, tokens,
audit log, delete and search."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import webtest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tests.ui.helpers import ADMIN_URL, check_boxes, field_error
from vte_extapps.models import (
    AccessToken,
    Application,
    ApplicationStatus,
    AuditEvent,
    ClientType,
)


def row_of(page: webtest.TestResponse, client_id: str) -> Any:
    """The list's table row of one application."""
    cell = page.html.find(string=client_id)
    assert cell is not None, f"{client_id} is not listed"
    return cell.find_parent("tr")


def test_the_empty_list_explains_what_external_applications_are(
    admin: webtest.TestApp, dbsession: Session
) -> None:
    # Other suites commit applications; within this test's transaction there
    # are none.
    dbsession.execute(delete(Application))
    page = admin.get(ADMIN_URL)
    assert "No external applications yet" in page.text
    assert "never a user's password" in page.text


def test_the_list_shows_type_status_and_counts_of_active_and_expired_tokens(
    admin: webtest.TestApp,
    make_application: Callable[..., Any],
    make_token: Callable[..., Any],
) -> None:
    application = make_application("Invoice Sync").application
    for _ in range(3):
        make_token(application)
    make_token(application, expired=True)
    make_token(application, revoked=True)

    row = row_of(admin.get(ADMIN_URL), application.client_id)
    cells = {td.get("data-label"): td.get_text(" ", strip=True) for td in row("td")}
    assert cells["Active tokens"] == "3"
    assert cells["Expired tokens"] == "1"
    assert cells["Type"] == "Service Account Secret key"
    assert cells["Status"] == "Active"
    assert cells["Last used"] == "never"


def test_application_names_are_escaped_everywhere(
    admin: webtest.TestApp, make_application: Callable[..., Any]
) -> None:
    application = make_application("<script>alert(1)</script>").application
    for path in ("", "/{cid}/edit", "/{cid}/tokens", "/{cid}/audit", "/{cid}/delete"):
        page = admin.get(ADMIN_URL + path.format(cid=application.client_id))
        assert "<script>alert(1)</script>" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_search_finds_applications_by_name_or_client_id(
    admin: webtest.TestApp, make_application: Callable[..., Any]
) -> None:
    first = make_application("Invoice Sync").application
    second = make_application("Lead Export").application

    page = admin.get(ADMIN_URL, {"q": "invoice"})
    assert first.client_id in page.text
    assert second.client_id not in page.text
    page = admin.get(ADMIN_URL, {"q": second.client_id})
    assert second.client_id in page.text
    assert first.client_id not in page.text
    page = admin.get(ADMIN_URL, {"q": "nothing like it"})
    assert "No application matches" in page.text


def test_an_application_is_edited_but_keeps_its_type_and_id(
    admin: webtest.TestApp, make_application: Callable[..., Any], dbsession: Session
) -> None:
    application = make_application(
        "Lead Finder", ClientType.WEB, scopes=["leads:read"]
    ).application
    form = admin.get(f"{ADMIN_URL}/{application.client_id}/edit").forms[
        "application-form"
    ]
    assert form["name"].value == "Lead Finder"
    form["name"] = "Lead Finder 2"
    form["redirect_uris"] = "https://new.example.com/cb"
    check_boxes(form, "scopes", ["leads:read", "leads:write"])
    form["offline_access"] = True
    page = form.submit().follow()

    assert "Lead Finder 2 was saved." in page.text
    dbsession.refresh(application)
    assert application.name == "Lead Finder 2"
    assert application.redirect_uris == ["https://new.example.com/cb"]
    assert application.scopes == ["leads:read", "leads:write"]
    assert application.offline_access
    assert application.client_type is ClientType.WEB


def test_an_edit_with_a_bad_value_is_refused_next_to_its_field(
    admin: webtest.TestApp, make_application: Callable[..., Any], dbsession: Session
) -> None:
    application = make_application("Lead Finder", ClientType.WEB).application
    form = admin.get(f"{ADMIN_URL}/{application.client_id}/edit").forms[
        "application-form"
    ]
    form["name"] = "Renamed"
    form["redirect_uris"] = "http://insecure.example.com/cb"
    page = form.submit(status=400)
    assert "https" in field_error(page, "redirect_uris")
    dbsession.refresh(application)
    assert application.name == "Lead Finder"


def test_an_application_is_deactivated_then_activated(
    admin: webtest.TestApp,
    make_application: Callable[..., Any],
    make_token: Callable[..., Any],
    user_id: Callable[[str], str],
    dbsession: Session,
) -> None:
    application = make_application().application
    token = make_token(application, user_id("alice"))
    page = admin.get(ADMIN_URL)
    form = _status_form(page, application.client_id)
    page = form.submit().follow()
    assert (
        f"{application.name} was deactivated; 1 active token was revoked." in page.text
    )
    dbsession.refresh(token)
    assert token.revoked_at is not None
    dbsession.refresh(application)
    assert application.status is ApplicationStatus.DEACTIVATED
    assert "Deactivated" in row_of(page, application.client_id).get_text()

    page = _status_form(page, application.client_id).submit().follow()
    assert f"{application.name} was activated." in page.text
    dbsession.refresh(application)
    assert application.status is ApplicationStatus.ACTIVE


def _status_form(page: webtest.TestResponse, client_id: str) -> webtest.forms.Form:
    action = f"{ADMIN_URL}/{client_id}/status"
    for form in page.forms.values():
        if form.action.endswith(action):
            return form
    raise AssertionError("no status form")


def test_revoking_all_tokens_asks_first_then_says_how_many(
    admin: webtest.TestApp,
    make_application: Callable[..., Any],
    make_token: Callable[..., Any],
    dbsession: Session,
) -> None:
    application = make_application().application
    tokens = [make_token(application) for _ in range(2)]
    make_token(application, expired=True)

    confirm = admin.get(f"{ADMIN_URL}/{application.client_id}/revoke-tokens")
    assert "Revoke all tokens of" in confirm.text
    assert all(token.revoked_at is None for token in tokens)
    page = confirm.forms[0].submit().follow()

    assert f"2 active tokens were revoked for {application.name}." in page.text
    for token in tokens:
        dbsession.refresh(token)
        assert token.revoked_at is not None


def test_the_tokens_view_filters_active_expired_and_revoked_without_showing_a_token(
    admin: webtest.TestApp,
    make_application: Callable[..., Any],
    make_token: Callable[..., Any],
    user_id: Callable[[str], str],
) -> None:
    application = make_application().application
    make_token(application, user_id("alice"), scopes=["invoice:read"])
    make_token(application, user_id("bob"), scopes=["invoice:write"], expired=True)
    make_token(application, user_id("alice"), scopes=["profile"], revoked=True)
    url = f"{ADMIN_URL}/{application.client_id}/tokens"

    active = admin.get(url)
    assert "Alice Martin" in active.text
    assert "invoice:read" in active.text
    assert "invoice:write" not in active.text
    expired = admin.get(url, {"status": "expired"})
    assert "Bob Nguyen" in expired.text
    assert "invoice:write" in expired.text
    assert "invoice:read" not in expired.text
    revoked = admin.get(url, {"status": "revoked"})
    assert "profile" in revoked.text
    assert "invoice:write" not in revoked.text
    admin.get(url, {"status": "whatever"}, status=404)
    for page in (active, expired, revoked):
        assert "vtea_" not in page.text


def test_the_audit_log_shows_what_happened_to_the_application(
    admin: webtest.TestApp, make_application: Callable[..., Any]
) -> None:
    application = make_application().application
    page = admin.get(ADMIN_URL)
    _status_form(page, application.client_id).submit()

    log = admin.get(f"{ADMIN_URL}/{application.client_id}/audit")
    assert "application.created" in log.text
    assert "application.deactivated" in log.text
    assert "Administrator" in log.text


def test_an_application_is_deleted_after_a_confirmation(
    admin: webtest.TestApp, make_application: Callable[..., Any], dbsession: Session
) -> None:
    application = make_application("Old Sync").application
    client_id = application.client_id
    confirm = admin.get(f"{ADMIN_URL}/{client_id}/delete")
    assert "Delete Old Sync?" in confirm.text
    page = confirm.forms[0].submit().follow()

    assert "Old Sync was deleted." in page.text
    assert client_id not in page.text
    assert (
        dbsession.scalars(
            select(Application).where(Application.client_id == client_id)
        ).first()
        is None
    )
    assert dbsession.scalars(
        select(AuditEvent).where(
            AuditEvent.client_id == client_id,
            AuditEvent.action == "application.deleted",
        )
    ).first()


def test_an_unknown_application_is_not_found(admin: webtest.TestApp) -> None:
    for path in ("edit", "tokens", "credentials", "audit", "delete", "revoke-tokens"):
        admin.get(f"{ADMIN_URL}/vte_missing/{path}", status=404)


def test_tokens_of_one_application_do_not_count_for_another(
    admin: webtest.TestApp,
    make_application: Callable[..., Any],
    make_token: Callable[..., Any],
    dbsession: Session,
) -> None:
    busy = make_application("Busy").application
    quiet = make_application("Quiet").application
    make_token(busy)
    page = admin.get(ADMIN_URL)
    assert (
        row_of(page, quiet.client_id)
        .find(attrs={"data-label": "Active tokens"})
        .get_text(strip=True)
        == "0"
    )
    assert dbsession.scalars(select(AccessToken)).all()
