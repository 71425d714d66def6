"""Starting the demo: its settings, its database, and what it tells the plugin."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import webtest
from pyramid.exceptions import ConfigurationError
from pyramid.request import Request
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tests.helpers import login
from vte_extapps.demo import main, setup_database
from vte_extapps.demo.db import SESSION_FACTORY_KEY
from vte_extapps.demo.models import Account, Contact, Invoice, Lead, User
from vte_extapps.demo.modules import INVOICE, LEADS
from vte_extapps.demo.resources import (
    CREATE,
    DELETE,
    EDIT,
    VIEW,
    VIEW_PROFILE,
    InModule,
    ModuleContext,
    ProfileContext,
)
from vte_extapps.demo.settings import DemoSettings
from vte_extapps.demo.users import DemoUserDirectory
from vte_extapps.directives import UserDirectory, scope_catalog

SECRET = "s" * 32


def _counts(session: Session) -> list[int | None]:
    return [
        session.scalar(select(func.count()).select_from(model))
        for model in (User, Account, Contact, Lead, Invoice)
    ]


def test_setting_up_twice_changes_nothing(engine: Engine) -> None:
    with Session(engine) as session:
        before = _counts(session)
    setup_database(engine)
    with Session(engine) as session:
        assert _counts(session) == before
        assert before[0] == 4
        assert all(count and count >= 8 for count in before[1:])


def test_the_demo_starts_on_an_empty_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    app = main({}, **{"sqlalchemy.url": url, "demo.auto_setup": "true"})
    try:
        browser = webtest.TestApp(app)
        login(browser, "admin")
        assert "Invoices" in browser.get("/").text
    finally:
        app.registry[SESSION_FACTORY_KEY].kw["bind"].dispose()


def test_setup_on_a_connection_leaves_the_commit_to_the_caller(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'rolled-back.sqlite'}")
    try:
        with engine.connect() as connection:
            setup_database(connection)
            assert connection.scalar(select(func.count()).select_from(User)) == 4
            connection.rollback()
        with engine.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(User)) in (
                None,
                0,
            )
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({}, "sqlalchemy.url"),
        ({"sqlalchemy.url": "sqlite://", "demo.auto_setup": "maybe"}, "auto_setup"),
        (
            {"sqlalchemy.url": "sqlite://", "demo.session_secret": "short"},
            "session_secret",
        ),
        ({"sqlalchemy.url": "sqlite://", "demo.colour": "red"}, "demo.colour"),
    ],
)
def test_bad_settings_stop_the_start(settings: dict[str, Any], named: str) -> None:
    with pytest.raises(ConfigurationError, match=named):
        DemoSettings.from_settings(settings)


def test_a_missing_session_secret_is_generated() -> None:
    first = DemoSettings.from_settings({"sqlalchemy.url": "sqlite://"})
    second = DemoSettings.from_settings({"sqlalchemy.url": "sqlite://"})
    assert len(first.session_secret) >= 32
    assert first.session_secret != second.session_secret
    assert first.session_secret not in repr(first)


def test_the_directory_is_what_the_plugin_expects() -> None:
    assert isinstance(DemoUserDirectory(), UserDirectory)


def test_the_directory_finds_users_by_text_id(
    extapps_request: Request, user_ids: dict[str, int]
) -> None:
    directory = DemoUserDirectory()
    alice = directory.get_user(extapps_request, str(user_ids["alice"]))
    assert alice is not None
    assert (alice.id, alice.display_name, alice.active) == (
        str(user_ids["alice"]),
        "Alice Martin",
        True,
    )
    for unknown in ("", "abc", "-1", "99999999999999999999", "1.0", "\u0661"):
        assert directory.get_user(extapps_request, unknown) is None


def test_the_directory_gives_principals_to_active_users_only(
    extapps_request: Request, user_ids: dict[str, int]
) -> None:
    directory = DemoUserDirectory()
    admin_id, carol_id = user_ids["admin"], user_ids["carol"]
    assert directory.principals_for(extapps_request, str(admin_id)) == [
        f"user:{admin_id}",
        "role:admin",
    ]
    assert directory.principals_for(extapps_request, str(user_ids["bob"]))[1] == (
        "role:sales"
    )
    assert directory.principals_for(extapps_request, str(carol_id)) == []
    carol = directory.get_user(extapps_request, str(carol_id))
    assert carol is not None
    assert not carol.active


def test_the_directory_searches_active_users(extapps_request: Request) -> None:
    directory = DemoUserDirectory()
    names = [user.display_name for user in directory.search(extapps_request, "")]
    assert names == ["Administrator", "Alice Martin", "Bob Nguyen"]
    assert [u.display_name for u in directory.search(extapps_request, "NGUY")] == [
        "Bob Nguyen"
    ]
    assert directory.search(extapps_request, "carol") == []
    assert directory.search(extapps_request, "%") == []
    assert len(directory.search(extapps_request, "", limit=1)) == 1


def test_scopes_cover_each_module_and_the_profile(app: Any) -> None:
    catalog = scope_catalog(app.registry)
    assert catalog.names() == [
        "leads:read",
        "leads:write",
        "contacts:read",
        "contacts:write",
        "accounts:read",
        "accounts:write",
        "invoice:read",
        "invoice:write",
        "profile",
    ]
    invoices = ModuleContext(INVOICE)
    read = catalog.get("invoice:read")
    write = catalog.get("invoice:write")
    assert read is not None
    assert write is not None
    assert read.allows(invoices, VIEW)
    assert read.allows(invoices.record(1, 1), VIEW)
    assert not read.allows(invoices, CREATE)
    assert not read.allows(ModuleContext(LEADS), VIEW)
    for permission in (CREATE, EDIT, DELETE):
        assert write.allows(invoices.record(1, 1), permission)
    assert not write.allows(invoices, VIEW)
    profile = catalog.get("profile")
    assert profile is not None
    assert profile.allows(ProfileContext("1"), VIEW_PROFILE)
    assert not profile.allows(invoices, VIEW_PROFILE)


def test_module_matchers_match_by_name() -> None:
    assert InModule("Leads")(ModuleContext(LEADS))
    assert not InModule("Leads")(ModuleContext(INVOICE))
    assert not InModule("Leads")(object())
