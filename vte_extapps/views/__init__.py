"""The plugin's pages and endpoints, each module with its own routes."""

from __future__ import annotations

from pyramid.config import Configurator

from ..settings import ExtAppsSettings


def includeme(config: Configurator) -> None:
    settings: ExtAppsSettings = config.registry["vte_extapps.settings"]

    # What the pages share: the layout they are drawn in.
    config.include(".pages")

    # RFC 8414 3: metadata lives under /.well-known at the root, whatever
    # prefix the rest of the plugin is mounted at.
    config.include(".metadata")

    with config.route_prefix_context(settings.route_prefix):
        # The OAuth endpoints: authorize (with consent), token, revoke, introspect.
        config.include(".oauth")

        # Settings > External Applications, for administrators.
        config.include(".admin")

        # Preferences > Linked Applications, for every user.
        config.include(".linked")
