"""Authorization codes, access tokens and refresh tokens, kept only as digests."""

from __future__ import annotations

import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .application import Application
from .grant import Grant
from .meta import TABLE_PREFIX, Base, Digest, utcnow


class AuthorizationCode(Base):
    """A one-time code from the authorize endpoint (RFC 6749 4.1.2)."""

    __tablename__ = TABLE_PREFIX + "authorization_code"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(Digest, unique=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey(Application.id, ondelete="CASCADE"), index=True
    )
    grant_id: Mapped[int | None] = mapped_column(
        ForeignKey(Grant.id, ondelete="CASCADE"), index=True
    )
    user_id: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(default=list)
    redirect_uri: Mapped[str] = mapped_column(String(2000))
    code_challenge: Mapped[str] = mapped_column(String(128))
    code_challenge_method: Mapped[str] = mapped_column(String(8))
    issued_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime.datetime] = mapped_column(index=True)
    #: When it was exchanged; a second exchange is an attack (RFC 6749 4.1.2).
    redeemed_at: Mapped[datetime.datetime | None] = mapped_column()

    def __repr__(self) -> str:
        return f"<AuthorizationCode #{self.id} app #{self.application_id}>"


class RefreshToken(Base):
    """A refresh token; each use retires it and issues its successor."""

    __tablename__ = TABLE_PREFIX + "refresh_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(Digest, unique=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey(Application.id, ondelete="CASCADE"), index=True
    )
    grant_id: Mapped[int | None] = mapped_column(
        ForeignKey(Grant.id, ondelete="CASCADE"), index=True
    )
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    scopes: Mapped[list[str]] = mapped_column(default=list)
    #: The code or refresh token this one descends from, for reuse detection.
    authorization_code_id: Mapped[int | None] = mapped_column(
        ForeignKey(AuthorizationCode.id, ondelete="SET NULL"), index=True
    )
    issued_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)
    #: The absolute end, fixed when the grant's first token was issued.
    expires_at: Mapped[datetime.datetime] = mapped_column(index=True)
    #: The idle end: each rotation moves it forward, never past ``expires_at``.
    idle_expires_at: Mapped[datetime.datetime] = mapped_column()
    rotated_at: Mapped[datetime.datetime | None] = mapped_column()
    revoked_at: Mapped[datetime.datetime | None] = mapped_column()
    last_used_at: Mapped[datetime.datetime | None] = mapped_column()

    def __repr__(self) -> str:
        return f"<RefreshToken #{self.id} app #{self.application_id}>"


class AccessToken(Base):
    """A bearer token for the host's REST API."""

    __tablename__ = TABLE_PREFIX + "access_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(Digest, unique=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey(Application.id, ondelete="CASCADE"), index=True
    )
    grant_id: Mapped[int | None] = mapped_column(
        ForeignKey(Grant.id, ondelete="CASCADE"), index=True
    )
    #: The user the token acts as; for a service account, its run-as user.
    user_id: Mapped[str | None] = mapped_column(String(64), index=True)
    scopes: Mapped[list[str]] = mapped_column(default=list)
    grant_type: Mapped[str] = mapped_column(String(32))
    refresh_token_id: Mapped[int | None] = mapped_column(
        ForeignKey(RefreshToken.id, ondelete="SET NULL"), index=True
    )
    authorization_code_id: Mapped[int | None] = mapped_column(
        ForeignKey(AuthorizationCode.id, ondelete="SET NULL"), index=True
    )
    issued_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime.datetime] = mapped_column(index=True)
    revoked_at: Mapped[datetime.datetime | None] = mapped_column()
    last_used_at: Mapped[datetime.datetime | None] = mapped_column()

    def __repr__(self) -> str:
        return f"<AccessToken #{self.id} app #{self.application_id}>"


class UsedAssertion(Base):
    """A client assertion's ``jti``, kept until it expires (RFC 7523 3, item 7).

    The unique constraint makes single use hold across every process.
    """

    __tablename__ = TABLE_PREFIX + "used_assertion"
    __table_args__ = (UniqueConstraint("application_id", "jti_digest"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey(Application.id, ondelete="CASCADE")
    )
    #: SHA-256 of the jti, so that any length fits the index.
    jti_digest: Mapped[str] = mapped_column(Digest)
    expires_at: Mapped[datetime.datetime] = mapped_column(index=True)

    def __repr__(self) -> str:
        return f"<UsedAssertion #{self.id} app #{self.application_id}>"
