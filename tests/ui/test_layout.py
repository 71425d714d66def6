"""The pages are drawn in one layout: the plugin's own, or the host's, named
by a setting or put in place with config.override_asset."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import transaction
import webtest
from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationError
from sqlalchemy.orm import Session

from tests.helpers import login
from tests.ui.helpers import ADMIN_URL, LINKED_URL
from vte_extapps.demo import main
from vte_extapps.settings import DEFAULT_LAYOUT

HOST_LAYOUT = "tests.ui:host_layout.jinja2"
#: What development.ini names: the demo CRM's own layout.
DEMO_LAYOUT = "vte_extapps.demo:templates/layout.jinja2"


@pytest.fixture
def browser_for(
    app_settings: dict[str, Any], tm: transaction.TransactionManager, dbsession: Session
) -> Callable[..., webtest.TestApp]:
    """The demo built with extra settings, in a browser signed in as admin."""

    def build(**settings: str) -> webtest.TestApp:
        app = main({}, **app_settings, **settings)
        browser = webtest.TestApp(
            app,
            extra_environ={
                "HTTP_HOST": "crm.example.com",
                "wsgi.url_scheme": "https",
                "tm.active": True,
                "tm.manager": tm,
                "app.dbsession": dbsession,
            },
        )
        login(browser, "admin")
        return browser

    return build


def test_the_demo_draws_the_pages_in_the_crms_own_layout(
    browser_for: Callable[..., webtest.TestApp],
) -> None:
    browser = browser_for(**{"vte_extapps.layout": DEMO_LAYOUT})
    for url in (ADMIN_URL, LINKED_URL, f"{ADMIN_URL}/new"):
        page = browser.get(url)
        assert "Demo CRM" in page.html.title.get_text()
        assert page.html.find("button", string="Sign out") is not None
        assert page.html.find(class_="extapps") is not None
        stylesheets = [link["href"] for link in page.html.find_all("link")]
        assert any(href.endswith("/extapps.css") for href in stylesheets)


def test_a_host_names_its_layout_in_a_setting(
    browser_for: Callable[..., webtest.TestApp],
) -> None:
    browser = browser_for(**{"vte_extapps.layout": HOST_LAYOUT})
    page = browser.get(ADMIN_URL)
    assert page.html.body["class"] == ["host-layout"]
    assert page.html.title.get_text() == "External Applications · Host CRM"
    assert page.html.find("nav", attrs={"aria-label": "Host menu"}) is not None
    assert page.html.find("h1", string="External Applications") is not None
    assert page.html.find("script", src=lambda src: src.endswith("/extapps.js"))


def test_without_a_host_layout_the_pages_have_their_own_menu(
    browser_for: Callable[..., webtest.TestApp],
) -> None:
    browser = browser_for(**{"vte_extapps.layout": DEFAULT_LAYOUT})
    page = browser.get(LINKED_URL)
    assert page.html.body["class"] == ["extapps-layout"]
    menu = page.html.find("nav", attrs={"aria-label": "Main"})
    assert menu.find("a", attrs={"aria-current": "page"}).get_text() == (
        "Preferences · Linked Applications"
    )
    assert page.html.find("a", string="Skip to content")["href"] == "#main"


def override_layout(config: Configurator) -> None:
    """What a host's own includeme would do to restyle every page."""
    config.override_asset(DEFAULT_LAYOUT, HOST_LAYOUT)


def test_a_host_can_also_override_the_layout_asset(
    browser_for: Callable[..., webtest.TestApp],
) -> None:
    browser = browser_for(
        **{
            "vte_extapps.layout": DEFAULT_LAYOUT,
            "pyramid.includes": f"{__name__}.override_layout",
        }
    )
    page = browser.get(ADMIN_URL)
    assert page.html.body["class"] == ["host-layout"]
    assert page.html.find("h1", string="External Applications") is not None


def test_a_layout_that_does_not_exist_stops_the_start(
    app_settings: dict[str, Any],
) -> None:
    with pytest.raises(ConfigurationError, match=r"vte_extapps\.layout"):
        main({}, **app_settings, **{"vte_extapps.layout": "tests.ui:missing.jinja2"})
