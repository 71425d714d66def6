"""What the CRM's permissions are checked against: modules, records, profiles.

The access control lists say it all: administrators may do anything; every
signed-in user may view a module and create in it; a record may be viewed,
edited and deleted by the user it is assigned to. Scopes that External
Applications grant match these same contexts (see ``InModule``).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from pyramid.authorization import (
    ALL_PERMISSIONS,
    DENY_ALL,
    Allow,
    Authenticated,
)
from pyramid.httpexceptions import HTTPNotFound
from pyramid.interfaces import IRequest

from .fields import InvalidValue, parse_wire_id
from .modules import Module, module_named
from .users import ADMIN_PRINCIPAL, user_principal

#: Viewing a module or a record: listing, querying, retrieving, describing.
VIEW = "view"
#: Adding a record to a module.
CREATE = "create"
#: Changing and deleting a record.
EDIT = "edit"
DELETE = "delete"
#: Reading one's own profile.
VIEW_PROFILE = "view_profile"
#: The CRM's settings pages.
ADMIN = "admin"

Acl = list[tuple[str, str, Any]]


class Root:
    """The top of every lineage: administrators may do anything below it."""

    __name__ = ""
    __parent__ = None
    __acl__: Acl = [
        (Allow, ADMIN_PRINCIPAL, ALL_PERMISSIONS),
        (Allow, Authenticated, VIEW),
    ]

    def __init__(self, request: IRequest | None = None) -> None:
        pass


class ModuleContext:
    """A module as a whole: whoever may view it sees some of its records."""

    def __init__(self, module: Module, parent: Root | None = None) -> None:
        self.module = module
        self.__name__ = module.name
        self.__parent__ = parent or Root()

    @property
    def __acl__(self) -> Acl:
        return [(Allow, Authenticated, (VIEW, CREATE))]

    def record(
        self, record_id: int | None, assigned_user_id: int | None
    ) -> RecordContext:
        return RecordContext(self, record_id, assigned_user_id)

    def unassigned_record(self) -> RecordContext:
        """A record assigned to no one: whoever may view it may view them all."""
        return RecordContext(self, None, None)

    def __repr__(self) -> str:
        return f"<ModuleContext {self.module.name}>"


class RecordContext:
    """One record: its owner's, and the administrators'."""

    def __init__(
        self,
        parent: ModuleContext,
        record_id: int | None,
        assigned_user_id: int | None,
    ) -> None:
        self.module = parent.module
        self.record_id = record_id
        self.assigned_user_id = assigned_user_id
        self.__name__ = "" if record_id is None else self.module.wire_id(record_id)
        self.__parent__ = parent

    @property
    def __acl__(self) -> Acl:
        acl: Acl = [(Allow, ADMIN_PRINCIPAL, ALL_PERMISSIONS)]
        if self.assigned_user_id is not None:
            owner = user_principal(self.assigned_user_id)
            acl.append((Allow, owner, (VIEW, EDIT, DELETE)))
        # What the module allows everyone signed in stops here.
        acl.append(DENY_ALL)
        return acl

    def __repr__(self) -> str:
        return f"<RecordContext {self.module.name} {self.__name__ or '(none)'}>"


class ProfileContext:
    """A user's own profile."""

    def __init__(self, user_id: str, parent: Root | None = None) -> None:
        self.user_id = user_id
        self.__name__ = user_id
        self.__parent__ = parent or Root()

    @property
    def __acl__(self) -> Acl:
        return [(Allow, user_principal(self.user_id), VIEW_PROFILE)]


@dataclasses.dataclass(frozen=True, slots=True)
class InModule:
    """Matches a module's context and its records' contexts, for scopes."""

    name: str

    def __call__(self, context: object) -> bool:
        return (
            isinstance(context, ModuleContext | RecordContext)
            and context.module.name == self.name
        )


def module_factory(request: IRequest) -> ModuleContext:
    """The context of ``/records/{module}``."""
    module = module_named(request.matchdict["module"])
    if module is None:
        raise HTTPNotFound()
    return ModuleContext(module)


def record_factory(request: IRequest) -> RecordContext:
    """The context of ``/records/{module}/{id}``: the record's, if it exists."""
    context = module_factory(request)
    try:
        prefix, number = parse_wire_id(request.matchdict["id"])
    except InvalidValue:
        raise HTTPNotFound() from None
    record = request.dbsession.get(context.module.model, number)
    if prefix != context.module.prefix or record is None:
        raise HTTPNotFound()
    return context.record(record.id, record.assigned_user_id)
