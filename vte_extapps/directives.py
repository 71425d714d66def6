"""What a host tells the plugin: where its users live and which scopes it offers.

Both are Pyramid directives that go through ``config.action``, so two
conflicting registrations are reported at commit time and a host's own
configuration overrides what an included package registered.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, runtime_checkable

from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationError
from pyramid.interfaces import IRequest
from pyramid.registry import Registry

USER_DIRECTORY_KEY = "vte_extapps.user_directory"
SCOPES_KEY = "vte_extapps.scopes"


@dataclasses.dataclass(frozen=True, slots=True)
class DirectoryUser:
    """A host user as the plugin sees it."""

    id: str
    display_name: str
    email: str | None = None
    active: bool = True


@runtime_checkable
class UserDirectory(Protocol):
    """The host's answer to the plugin's questions about users."""

    def get_user(self, request: IRequest, user_id: str) -> DirectoryUser | None:
        """The user with this id, active or not; None if there is none."""

    def principals_for(self, request: IRequest, user_id: str) -> Sequence[str]:
        """The principals the host's ACLs know this user by."""

    def search(
        self, request: IRequest, text: str, limit: int = 20
    ) -> Sequence[DirectoryUser]:
        """Users whose name or login matches, for the run-as user picker."""


ContextMatcher = type | tuple[type, ...] | Callable[[Any], bool] | None


@dataclasses.dataclass(frozen=True, slots=True)
class Scope:
    """A scope the host offers, and what it allows a token to do."""

    name: str
    title: str
    permissions: frozenset[str]
    context: ContextMatcher = None

    def allows(self, context: Any, permission: str) -> bool:
        """Whether this scope lets a token use ``permission`` on ``context``."""
        if permission not in self.permissions:
            return False
        if self.context is None:
            return True
        if isinstance(self.context, type | tuple):
            return isinstance(context, self.context)
        return bool(self.context(context))


class ScopeCatalog:
    """The scopes declared by the host, in declaration order."""

    def __init__(self) -> None:
        self._scopes: dict[str, Scope] = {}

    def add(self, scope: Scope) -> None:
        self._scopes[scope.name] = scope

    def get(self, name: str) -> Scope | None:
        return self._scopes.get(name)

    def names(self) -> list[str]:
        return list(self._scopes)

    def __iter__(self) -> Any:
        return iter(self._scopes.values())

    def __contains__(self, name: object) -> bool:
        return name in self._scopes

    def describe(self, names: Iterable[str]) -> list[Scope]:
        """The known scopes among ``names``, in declaration order."""
        wanted = set(names)
        return [scope for scope in self._scopes.values() if scope.name in wanted]


# RFC 6749 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
_SCOPE_CHARS = frozenset(chr(c) for c in range(0x21, 0x7F)) - {'"', "\\"}


def set_user_directory(config: Configurator, directory: UserDirectory) -> None:
    """Tell the plugin how to find the host's users."""
    directory = config.maybe_dotted(directory)
    if not isinstance(directory, UserDirectory):
        raise ConfigurationError(
            "set_extapps_user_directory: expected an object with get_user, "
            f"principals_for and search, got {type(directory).__name__}"
        )

    def register() -> None:
        config.registry[USER_DIRECTORY_KEY] = directory

    config.action(USER_DIRECTORY_KEY, register)


def add_scope(
    config: Configurator,
    name: str,
    title: str,
    permissions: str | Iterable[str],
    context: ContextMatcher = None,
) -> None:
    """Offer a scope: ``permissions`` on ``context`` (a class, classes or test)."""
    if not name or not set(name) <= _SCOPE_CHARS:
        raise ConfigurationError(
            f"add_extapps_scope: {name!r} is not a valid scope name (RFC 6749 3.3)"
        )
    if not title.strip():
        raise ConfigurationError(f"add_extapps_scope: scope {name!r} needs a title")
    perms = frozenset([permissions] if isinstance(permissions, str) else permissions)
    scope = Scope(name=name, title=title.strip(), permissions=perms, context=context)

    def register() -> None:
        scope_catalog(config.registry).add(scope)

    config.action(("vte_extapps.scope", name), register)


def scope_catalog(registry: Registry) -> ScopeCatalog:
    catalog = registry.get(SCOPES_KEY)
    if catalog is None:
        catalog = registry[SCOPES_KEY] = ScopeCatalog()
    return catalog


def user_directory(registry: Registry) -> UserDirectory:
    try:
        return registry[USER_DIRECTORY_KEY]
    except KeyError:
        raise ConfigurationError(
            "vte_extapps needs the host's users: call "
            "config.set_extapps_user_directory(...)"
        ) from None


def includeme(config: Configurator) -> None:
    config.add_directive("set_extapps_user_directory", set_user_directory)
    config.add_directive("add_extapps_scope", add_scope)
