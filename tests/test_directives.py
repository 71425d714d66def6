"""The host's directives: scopes and the user directory, with conflicts detected."""

from __future__ import annotations

from typing import Any

import pytest
from pyramid.config import Configurator
from pyramid.exceptions import ConfigurationConflictError, ConfigurationError

from vte_extapps.directives import Scope, scope_catalog, user_directory


class ThingA:
    pass


class ThingB:
    pass


def configurator() -> Configurator:
    config = Configurator(settings={})
    config.include("vte_extapps.directives")
    return config


def test_declared_scopes_keep_their_order_titles_and_permissions() -> None:
    config = configurator()
    config.add_extapps_scope("a:read", "Read A", permissions="view", context=ThingA)
    config.add_extapps_scope("b:write", "Write B", permissions=("edit", "delete"))
    config.commit()
    catalog = scope_catalog(config.registry)
    assert catalog.names() == ["a:read", "b:write"]
    a_read = catalog.get("a:read")
    assert isinstance(a_read, Scope)
    assert a_read.allows(ThingA(), "view")
    assert not a_read.allows(ThingB(), "view")
    assert not a_read.allows(ThingA(), "edit")
    assert catalog.get("b:write").allows(ThingB(), "delete")  # type: ignore[union-attr]


def test_a_scope_may_match_contexts_with_a_test() -> None:
    scope = Scope("x", "X", frozenset({"view"}), context=lambda ctx: ctx == "mine")
    assert scope.allows("mine", "view")
    assert not scope.allows("theirs", "view")


def test_declaring_a_scope_twice_is_a_conflict() -> None:
    config = configurator()
    config.add_extapps_scope("a:read", "Read A", permissions="view")
    config.add_extapps_scope("a:read", "Read all of A", permissions="view")
    with pytest.raises(ConfigurationConflictError):
        config.commit()


@pytest.mark.parametrize("name", ["", "has space", 'quo"te', "back\\slash"])
def test_scope_names_follow_rfc_6749(name: str) -> None:
    with pytest.raises(ConfigurationError, match="not a valid scope name"):
        configurator().add_extapps_scope(name, "Title", permissions="view")


def test_a_user_directory_must_answer_the_plugins_questions() -> None:
    with pytest.raises(ConfigurationError, match="get_user"):
        configurator().set_extapps_user_directory(object())


def test_a_missing_user_directory_is_named_when_needed() -> None:
    config = configurator()
    config.commit()
    with pytest.raises(ConfigurationError, match="set_extapps_user_directory"):
        user_directory(config.registry)


def test_the_hosts_own_directory_wins_over_an_included_one() -> None:
    class Directory:
        def __init__(self, name: str) -> None:
            self.name = name

        def get_user(self, request: Any, user_id: str) -> None:
            return None

        def principals_for(self, request: Any, user_id: str) -> list[str]:
            return []

        def search(self, request: Any, text: str, limit: int = 20) -> list[Any]:
            return []

    def included(config: Configurator) -> None:
        config.set_extapps_user_directory(Directory("package"))

    config = configurator()
    config.include(included)
    config.set_extapps_user_directory(Directory("host"))
    config.commit()
    assert user_directory(config.registry).name == "host"  # type: ignore[attr-defined]
