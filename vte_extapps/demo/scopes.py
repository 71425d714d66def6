"""The scopes External Applications may ask for: each module read or write, and profile.

A scope allows permissions on the contexts it matches; the user's own ACLs
still apply on top, so a scope never lets a token do what its user cannot.
"""

from __future__ import annotations

from pyramid.config import Configurator

from .modules import MODULES
from .resources import (
    CREATE,
    DELETE,
    EDIT,
    VIEW,
    VIEW_PROFILE,
    InModule,
    ProfileContext,
)


def includeme(config: Configurator) -> None:
    for module in MODULES:
        matcher = InModule(module.name)
        config.add_extapps_scope(
            f"{module.scope_prefix}:read",
            f"View your {module.label}",
            permissions=VIEW,
            context=matcher,
        )
        config.add_extapps_scope(
            f"{module.scope_prefix}:write",
            f"Create, change and delete your {module.label}",
            permissions=(CREATE, EDIT, DELETE),
            context=matcher,
        )
    config.add_extapps_scope(
        "profile",
        "See your name and email address",
        permissions=VIEW_PROFILE,
        context=ProfileContext,
    )
