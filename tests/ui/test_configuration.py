"""The general configuration at the top of the admin page."""

from __future__ import annotations

import pytest
import webtest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.ui.helpers import ADMIN_URL, check_boxes, field_error
from vte_extapps.models import ServerConfiguration


def configuration_form(admin: webtest.TestApp) -> webtest.forms.Form:
    return admin.get(ADMIN_URL).forms["configuration-form"]


def test_the_form_starts_from_the_ini_file_settings(admin: webtest.TestApp) -> None:
    form = configuration_form(admin)
    assert form["access_token_lifetime"].value == "3600"
    assert form["authorization_code_lifetime"].value == "60"
    assert form["server_enabled"].checked


def test_the_general_configuration_is_saved(
    admin: webtest.TestApp, dbsession: Session
) -> None:
    form = configuration_form(admin)
    form["server_enabled"] = False
    form["access_token_lifetime"] = "1800"
    form["refresh_token_idle_lifetime"] = "86400"
    form["refresh_token_absolute_lifetime"] = "604800"
    form["authorization_code_lifetime"] = "120"
    check_boxes(form, "jwt_algorithms", ["RS256", "EdDSA"])
    page = form.submit().follow()

    assert "The general configuration was saved." in page.text
    row = dbsession.scalars(select(ServerConfiguration)).one()
    assert not row.server_enabled
    assert row.access_token_lifetime == 1800
    assert row.refresh_token_idle_lifetime == 86400
    assert row.refresh_token_absolute_lifetime == 604800
    assert row.authorization_code_lifetime == 120
    assert row.jwt_algorithms == ["RS256", "EdDSA"]
    form = configuration_form(admin)
    assert not form["server_enabled"].checked
    assert form["access_token_lifetime"].value == "1800"
    assert "Server off" in page.text

    # Saving again changes the same row.
    form["server_enabled"] = True
    form.submit()
    assert dbsession.scalars(select(ServerConfiguration)).one().server_enabled


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("access_token_lifetime", "", "whole number"),
        ("access_token_lifetime", "59", "from 60"),
        ("access_token_lifetime", "1e3", "whole number"),
        ("authorization_code_lifetime", "601", "to 600"),
        ("authorization_code_lifetime", "-5", "whole number"),
        ("refresh_token_idle_lifetime", "abc", "whole number"),
        ("refresh_token_idle_lifetime", "99999999", "longer than the absolute"),
        ("refresh_token_absolute_lifetime", "10", "from 3600"),
        ("jwt_algorithms", None, "at least one"),
    ],
)
def test_each_bad_configuration_value_is_reported_next_to_its_field(
    admin: webtest.TestApp,
    dbsession: Session,
    field: str,
    value: str | None,
    message: str,
) -> None:
    form = configuration_form(admin)
    if value is None:
        check_boxes(form, field, [])
    else:
        form[field] = value
    page = form.submit(status=400)

    assert message in field_error(page, field)
    assert "The configuration was not saved." in page.text
    assert dbsession.scalars(select(ServerConfiguration)).first() is None
    # The general configuration opens to show the mistake.
    assert page.html.find("details", class_="config").has_attr("open")


def test_an_unknown_algorithm_is_refused(admin: webtest.TestApp) -> None:
    form = configuration_form(admin)
    fields = dict(form.submit_fields())
    fields["jwt_algorithms"] = "HS256"
    page = admin.post(f"{ADMIN_URL}/configuration", fields, status=400)
    assert "at least one" in field_error(page, "jwt_algorithms")
