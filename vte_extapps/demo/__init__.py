"""A small CRM: the demo of External Applications, and the host its tests run against.

``pserve development.ini`` serves it on SQLite with nothing else to set up:
users admin, alice and bob (each password is the user name), four modules of
records assigned to them, a login form, and the REST web services at
``/restapi/v1/vtews/<method>``.
"""

from __future__ import annotations

from typing import Any

from pyramid.config import Configurator
from pyramid.router import Router

from .db import engine_of
from .resources import Root
from .seed import setup_database
from .settings import SETTINGS_KEY, DemoSettings
from .users import DemoUserDirectory

__all__ = ["main", "setup_database"]


def main(global_config: dict[str, Any], **settings: Any) -> Router:
    """The CRM as a WSGI application (the ``main`` paste app factory)."""
    demo_settings = DemoSettings.from_settings(settings)
    settings.setdefault("tm.manager_hook", "pyramid_tm.explicit_manager")
    # pyramid_tm would otherwise look up the signed-in user before any view
    # runs, where a database failure escapes the error pages and the web
    # services' error format; the views look the user up themselves.
    settings.setdefault("tm.annotate_user", "false")

    with Configurator(settings=settings, root_factory=Root) as config:
        config.registry[SETTINGS_KEY] = demo_settings

        # Templates, and one transaction per request.
        config.include("pyramid_jinja2")
        config.include("pyramid_tm")

        # The database, set up on start when asked to.
        config.include(".db")
        if demo_settings.auto_setup:
            setup_database(engine_of(config))

        # Sessions, CSRF protection and who may do what.
        config.include(".security")

        # The Settings and Preferences menus other packages add links to.
        config.include(".menu")

        # The pages, and the REST web services.
        config.include(".views")
        config.include(".api")

        # External Applications: its user directory and its scopes.
        config.include("vte_extapps")
        config.set_extapps_user_directory(DemoUserDirectory())
        config.include(".scopes")
        config.add_crm_menu_link(
            "settings", "External Applications", "vte_extapps.admin"
        )
        config.add_crm_menu_link(
            "preferences", "Linked Applications", "vte_extapps.linked"
        )

    return config.make_wsgi_app()
