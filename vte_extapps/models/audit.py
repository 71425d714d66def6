"""The audit trail: who did what to which application, when and from where."""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .application import Application
from .meta import TABLE_PREFIX, Base, utcnow


class AuditEvent(Base):
    """One lifecycle step. ``details`` never holds a secret, code or token."""

    __tablename__ = TABLE_PREFIX + "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    occurred_at: Mapped[datetime.datetime] = mapped_column(default=utcnow, index=True)
    #: What happened, such as ``application.created`` or ``token.reuse_detected``.
    action: Mapped[str] = mapped_column(String(64))
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey(Application.id, ondelete="SET NULL"), index=True
    )
    #: Kept as text too, so the trail outlives a deleted application.
    client_id: Mapped[str | None] = mapped_column(String(64))
    #: The host user who acted, if a person did.
    actor_user_id: Mapped[str | None] = mapped_column(String(64))
    #: The user the step concerns, such as the one who consented.
    subject_user_id: Mapped[str | None] = mapped_column(String(64))
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)

    def __repr__(self) -> str:
        return f"<AuditEvent #{self.id} {self.action}>"
