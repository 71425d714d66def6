"""The home page's Settings and Preferences lists, which packages can extend.

``config.add_crm_menu_link("settings", "External Applications", "route")``
adds a link; Settings shows to administrators, Preferences to everyone.
"""

from __future__ import annotations

import dataclasses
import enum

from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationError
from pyramid.interfaces import IRoutesMapper
from pyramid.registry import Registry
from pyramid.request import Request

MENU_KEY = "demo.menu"


class MenuArea(enum.StrEnum):
    SETTINGS = "settings"
    PREFERENCES = "preferences"


@dataclasses.dataclass(frozen=True, slots=True)
class MenuLink:
    title: str
    route_name: str


def add_menu_link(config: Configurator, area: str, title: str, route_name: str) -> None:
    """Show a link to ``route_name`` under Settings or Preferences."""
    try:
        menu_area = MenuArea(area)
    except ValueError:
        raise ConfigurationError(
            f"add_crm_menu_link: area must be settings or preferences, got {area!r}"
        ) from None
    link = MenuLink(title, route_name)

    def register() -> None:
        menu_links(config.registry, menu_area).append(link)

    config.action((MENU_KEY, menu_area, route_name), register)


def menu_links(registry: Registry, area: MenuArea) -> list[MenuLink]:
    menu: dict[MenuArea, list[MenuLink]] = registry.setdefault(MENU_KEY, {})
    return menu.setdefault(area, [])


def _registered_links(registry: Registry, area: MenuArea) -> list[MenuLink]:
    menu: dict[MenuArea, list[MenuLink]] = registry.get(MENU_KEY, {})
    return menu.get(area, [])


def links_for(request: Request, area: MenuArea) -> list[tuple[str, str]]:
    """Titles and paths of an area's links whose routes exist."""
    mapper = request.registry.getUtility(IRoutesMapper)
    return [
        (link.title, request.route_path(link.route_name))
        for link in _registered_links(request.registry, area)
        if mapper.get_route(link.route_name) is not None
    ]


def includeme(config: Configurator) -> None:
    config.add_directive("add_crm_menu_link", add_menu_link)
