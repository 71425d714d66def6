"""The pages share one layout, which a host replaces with config.override_asset."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from pyramid import testing
from pyramid.config import Configurator
from pyramid.renderers import render

from vte_extapps.settings import ExtAppsSettings
from vte_extapps.views.pages import page


@pytest.fixture
def config() -> Iterator[Configurator]:
    config = testing.setUp(settings={})
    config.registry["vte_extapps.settings"] = ExtAppsSettings()
    config.include("pyramid_jinja2")
    config.add_jinja2_search_path("vte_extapps:templates", name=".jinja2")
    config.include("vte_extapps.views.admin")
    yield config
    testing.tearDown()


def test_a_host_replaces_the_layout_of_every_page(config: Configurator) -> None:
    config.override_asset(
        "vte_extapps:templates/base.jinja2", "tests.ui:host_layout.jinja2"
    )
    config.commit()
    application = SimpleNamespace(name="Invoice <Sync>", client_id="vte_x")
    html = render(
        "vte_extapps:templates/admin/delete.jinja2",
        page(application=application),
        request=testing.DummyRequest(),
    )
    assert '<body class="host-layout">' in html
    assert "Delete Invoice &lt;Sync&gt;?" in html
