"""The general configuration an operator edits at the top of the admin page."""

from __future__ import annotations

import datetime

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .meta import TABLE_PREFIX, Base, utcnow


class ServerConfiguration(Base):
    """A single row; absent until an operator first saves the form.

    Until then the values come from the ini file's ``vte_extapps.*`` settings.
    """

    __tablename__ = TABLE_PREFIX + "configuration"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    server_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    access_token_lifetime: Mapped[int] = mapped_column(Integer)
    refresh_token_idle_lifetime: Mapped[int] = mapped_column(Integer)
    refresh_token_absolute_lifetime: Mapped[int] = mapped_column(Integer)
    authorization_code_lifetime: Mapped[int] = mapped_column(Integer)
    jwt_algorithms: Mapped[list[str]] = mapped_column(default=list)
    updated_at: Mapped[datetime.datetime] = mapped_column(
        default=utcnow, onupdate=utcnow
    )
    updated_by: Mapped[str | None] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"<ServerConfiguration enabled={self.server_enabled}>"


class ClientAuthFailure(Base):
    """Failed client authentications per client id, for throttling (RFC 6819 4.3.5).

    Kept in the database so that every process counts the same failures.
    """

    __tablename__ = TABLE_PREFIX + "client_auth_failure"

    client_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    window_started_at: Mapped[datetime.datetime] = mapped_column()
    failures: Mapped[int] = mapped_column(Integer, default=0)

    def __repr__(self) -> str:
        return f"<ClientAuthFailure failures={self.failures}>"
