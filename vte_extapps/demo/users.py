"""The CRM's users, as the login form and the External Applications plugin see them."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from pyramid.interfaces import IRequest
from pyramid.request import RequestLocalCache
from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from vte_extapps.directives import DirectoryUser

from .fields import InvalidValue, check_text
from .models import Role, User
from .passwords import UNUSABLE_HASH, verify_password

#: The principal of the CRM's administrators, who may do anything.
ADMIN_PRINCIPAL = f"role:{Role.ADMIN}"


def user_principal(user_id: str | int) -> str:
    return f"user:{user_id}"


def authenticate(dbsession: Session, username: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    try:
        check_text(username)
        check_text(password)
    except InvalidValue:
        return None
    user = dbsession.scalars(select(User).where(User.username == username)).first()
    if user is None:
        verify_password(password, UNUSABLE_HASH)
        return None
    if not verify_password(password, user.password_hash) or not user.active:
        return None
    return user


@dataclasses.dataclass(frozen=True, slots=True)
class _Account:
    """What one read of a user's row tells both of the directory's answers."""

    user: DirectoryUser
    role: Role


# Only the columns the answers need, as plain rows: no password hash, no ORM
# object to build. Built once; each call only binds the id.
_ACCOUNT_BY_ID = select(
    *(
        User.__table__.c[name]
        for name in ("id", "display_name", "email", "role", "active")
    )
).where(User.__table__.c.id == bindparam("user_id"))

#: Accounts already read in this request, by the text id asked for. The
#: security policy, the plugin's token check and the views all ask about the
#: same user; one read answers them all, and the next request reads again.
_accounts_read: RequestLocalCache = RequestLocalCache(lambda request: {})


def _account(request: IRequest, user_id: str) -> _Account | None:
    """The user whose id is the text ``user_id``; None for any other text."""
    if not user_id.isascii() or not user_id.isdecimal() or len(user_id) > 9:
        return None
    accounts: dict[str, _Account | None] = _accounts_read.get_or_create(request)
    if user_id in accounts:
        return accounts[user_id]
    row = request.dbsession.execute(_ACCOUNT_BY_ID, {"user_id": int(user_id)}).first()
    account = None
    if row is not None:
        user = DirectoryUser(
            id=str(row.id),
            display_name=row.display_name,
            email=row.email,
            active=row.active,
        )
        account = _Account(user, row.role)
    accounts[user_id] = account
    return account


class DemoUserDirectory:
    """The CRM's answers to the plugin's questions about users."""

    def get_user(self, request: IRequest, user_id: str) -> DirectoryUser | None:
        account = _account(request, user_id)
        return None if account is None else account.user

    def principals_for(self, request: IRequest, user_id: str) -> Sequence[str]:
        """``user:<id>`` and ``role:<role>``; none for deactivated users.

        ``Everyone`` and ``Authenticated`` are the security policy's to add.
        """
        account = _account(request, user_id)
        if account is None or not account.user.active:
            return []
        return [user_principal(account.user.id), f"role:{account.role}"]

    def search(
        self, request: IRequest, text: str, limit: int = 20
    ) -> Sequence[DirectoryUser]:
        """Active users whose login, name or email contains ``text``."""
        try:
            wanted = check_text(text).strip().lower()
        except InvalidValue:
            return []
        statement = select(User).where(User.active.is_(True))
        if wanted:
            statement = statement.where(
                or_(
                    *(
                        column.icontains(wanted, autoescape=True)
                        for column in (User.username, User.display_name, User.email)
                    )
                )
            )
        users = request.dbsession.scalars(
            statement.order_by(User.display_name, User.id).limit(max(limit, 0))
        )
        return [_directory_user(user) for user in users]


def _directory_user(user: User) -> DirectoryUser:
    return DirectoryUser(
        id=str(user.id),
        display_name=user.display_name,
        email=user.email,
        active=user.active,
    )
