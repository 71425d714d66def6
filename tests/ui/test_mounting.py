"""The pages follow the plugin's route prefix, links included."""

from __future__ import annotations

from typing import Any

import transaction
import webtest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tests.helpers import login
from vte_extapps.demo import main


def test_the_pages_move_under_the_route_prefix(
    engine: Engine,
    app_settings: dict[str, Any],
    tm: transaction.TransactionManager,
    dbsession: Session,
) -> None:
    app = main({}, **app_settings, **{"vte_extapps.route_prefix": "crm"})
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

    page = browser.get("/crm/settings/external-applications")
    assert page.forms["configuration-form"].action == (
        "https://crm.example.com/crm/settings/external-applications/configuration"
    )
    assert page.html.find("a", string="Add application")["href"].endswith(
        "/crm/settings/external-applications/new"
    )
    browser.get("/crm/preferences/linked-applications")
    browser.get("/settings/external-applications", status=404)
