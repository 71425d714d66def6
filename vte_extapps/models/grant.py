"""A user's consent to an application: what Linked Applications lists."""

from __future__ import annotations

import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .application import Application
from .meta import TABLE_PREFIX, Base, utcnow


class Grant(Base):
    """The scopes a user let an application use on their behalf.

    One row per user and application; consenting again widens it. Revoking it
    ends every token issued under it.
    """

    __tablename__ = TABLE_PREFIX + "grant"
    __table_args__ = (UniqueConstraint("application_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey(Application.id, ondelete="CASCADE")
    )
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    scopes: Mapped[list[str]] = mapped_column(default=list)
    offline_access: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime.datetime] = mapped_column(
        default=utcnow, onupdate=utcnow
    )
    last_used_at: Mapped[datetime.datetime | None] = mapped_column()
    revoked_at: Mapped[datetime.datetime | None] = mapped_column()

    application: Mapped[Application] = relationship()

    def __repr__(self) -> str:
        return f"<Grant #{self.id} user {self.user_id} app #{self.application_id}>"
