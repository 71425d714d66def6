"""The CRM's users, as the login form and the External Applications plugin see them."""

from __future__ import annotations

from collections.abc import Sequence

from pyramid.interfaces import IRequest
from sqlalchemy import or_, select
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


def find_user(dbsession: Session, user_id: str) -> User | None:
    """The user whose id is the text ``user_id``; None for any other text."""
    if not user_id.isascii() or not user_id.isdecimal() or len(user_id) > 9:
        return None
    return dbsession.get(User, int(user_id))


class DemoUserDirectory:
    """The CRM's answers to the plugin's questions about users."""

    def get_user(self, request: IRequest, user_id: str) -> DirectoryUser | None:
        user = find_user(request.dbsession, user_id)
        return None if user is None else _directory_user(user)

    def principals_for(self, request: IRequest, user_id: str) -> Sequence[str]:
        """``user:<id>`` and ``role:<role>``; none for deactivated users.

        ``Everyone`` and ``Authenticated`` are the security policy's to add.
        """
        user = find_user(request.dbsession, user_id)
        if user is None or not user.active:
            return []
        return [user_principal(user.id), f"role:{user.role}"]

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
