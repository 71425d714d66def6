"""Preferences > Linked Applications: each user sees and ends their own grants."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import webtest
from sqlalchemy.orm import Session

from tests.helpers import login
from tests.ui.helpers import LINKED_URL, PNG
from vte_extapps.models import AuditEvent, ClientType
from vte_extapps.services.logos import set_logo


def test_a_user_without_grants_sees_what_the_page_is_for(
    testapp: webtest.TestApp,
) -> None:
    login(testapp, "alice")
    page = testapp.get(LINKED_URL)
    assert "No linked applications" in page.text
    assert "revoke" in page.text


def test_a_user_sees_each_application_they_authorised_in_plain_words(
    testapp: webtest.TestApp,
    make_application: Callable[..., Any],
    make_grant: Callable[..., Any],
    user_id: Callable[[str], str],
    extapps_request: Any,
) -> None:
    application = make_application(
        "lead-finder", ClientType.WEB, display_name="Lead Finder <Pro>"
    ).application
    set_logo(extapps_request, application, PNG)
    make_grant(
        application, user_id("alice"), ["leads:read", "profile"], offline_access=True
    )
    other = make_application("Other", ClientType.WEB).application
    make_grant(other, user_id("bob"))
    login(testapp, "alice")

    page = testapp.get(LINKED_URL)
    assert "Lead Finder &lt;Pro&gt;" in page.text
    assert "View your Leads" in page.text
    assert "See your name and email address" in page.text
    assert "leads:read" not in page.text
    assert "Yes — it can act while you are away" in page.text
    assert "First authorised" in page.text
    assert page.html.find("img", class_="app-logo") is not None
    assert "Other" not in page.html.find(class_="linked-list").get_text()


def test_revoking_asks_first_then_ends_the_grant_and_its_tokens(
    testapp: webtest.TestApp,
    make_application: Callable[..., Any],
    make_grant: Callable[..., Any],
    make_token: Callable[..., Any],
    user_id: Callable[[str], str],
    dbsession: Session,
) -> None:
    application = make_application("Lead Finder", ClientType.WEB).application
    grant = make_grant(application, user_id("alice"))
    token = make_token(application, user_id("alice"), grant_id=grant.id)
    login(testapp, "alice")

    confirm = testapp.get(LINKED_URL).click("Revoke access")
    assert "Revoke access of Lead Finder?" in confirm.text
    assert grant.revoked_at is None
    page = confirm.forms[0].submit().follow()

    assert "Lead Finder can no longer use your account" in page.text
    assert "No linked applications" in page.text
    dbsession.refresh(grant)
    dbsession.refresh(token)
    assert grant.revoked_at is not None
    assert token.revoked_at is not None
    event = dbsession.query(AuditEvent).filter_by(action="consent.revoked").one()
    assert event.subject_user_id == user_id("alice")


def test_a_revoked_grant_cannot_be_revoked_again(
    testapp: webtest.TestApp,
    make_application: Callable[..., Any],
    make_grant: Callable[..., Any],
    user_id: Callable[[str], str],
) -> None:
    grant = make_grant(
        make_application("Lead Finder", ClientType.WEB).application, user_id("alice")
    )
    login(testapp, "alice")
    confirm = testapp.get(f"{LINKED_URL}/{grant.id}/revoke")
    confirm.forms[0].submit()
    testapp.get(f"{LINKED_URL}/{grant.id}/revoke", status=404)
    testapp.get(f"{LINKED_URL}/not-a-number/revoke", status=404)
