"""External Applications for a Pyramid CRM: an OAuth 2 provider for its REST API.

A host adds ``config.include("vte_extapps")``, tells the plugin where its users
live and which scopes it offers, and gets the authorization server, bearer
authentication on its views, and the pages to manage both.
"""

from __future__ import annotations

from pyramid.config import Configurator
from pyramid.registry import Registry

from .settings import ExtAppsSettings

SETTINGS_KEY = "vte_extapps.settings"


def get_settings(registry: Registry) -> ExtAppsSettings:
    """The plugin's parsed settings."""
    return registry[SETTINGS_KEY]


def includeme(config: Configurator) -> None:
    # Settings are read once, here; a bad value stops the start-up.
    config.registry[SETTINGS_KEY] = ExtAppsSettings.from_settings(config.get_settings())

    # The directives a host calls: its user directory and its scopes.
    config.include(".directives")

    # The database session, the host's or the plugin's own.
    config.include(".db")

    # A database failure on the plugin's routes: 503 and Retry-After when it
    # may pass, never a stack trace, and the request's writes rolled back.
    config.include(".faults")

    # Templates and static files, shipped with the package and overridable
    # by the host with config.override_asset().
    config.include("pyramid_jinja2")
    config.add_jinja2_search_path("vte_extapps:templates", name=".jinja2")
    config.add_static_view(
        "vte_extapps_static", "vte_extapps:static", cache_max_age=3600
    )

    # Bearer tokens on the host's views, around the host's own policy.
    config.include(".security")

    # Forms of the plugin's pages are refused when posted from another site.
    config.include(".origin")

    # The OAuth endpoints and the pages.
    config.include(".views")
