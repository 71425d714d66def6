"""Applications, and the credentials they authenticate with."""

from __future__ import annotations

import dataclasses
import datetime
import enum
from typing import Any

from sqlalchemy import (
    Boolean,
    Enum,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .meta import TABLE_PREFIX, Base, Digest, utcnow


class ClientType(enum.StrEnum):
    """What kind of application this is, chosen once in the add wizard."""

    SERVICE = "service"  # a server acting as its run-as user (client credentials)
    WEB = "web"  # a confidential web app acting for its users
    MOBILE = "mobile"  # a public, native app acting for its users


class AuthMethod(enum.StrEnum):
    """How an application proves who it is at the token endpoint."""

    SECRET = "secret"  # client_secret_basic or client_secret_post
    JWT = "jwt"  # private_key_jwt (RFC 7523)
    NONE = "none"  # public clients, bound by PKCE instead


class ApplicationStatus(enum.StrEnum):
    ACTIVE = "active"
    DEACTIVATED = "deactivated"


def _enum(kind: type[enum.StrEnum], name: str) -> Enum:
    # Stored as short strings with a named CHECK, so adding a value later is a
    # simple migration on every database.
    return Enum(
        kind,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda members: [member.value for member in members],
    )


class Application(Base):
    """An external application registered by an operator."""

    __tablename__ = TABLE_PREFIX + "application"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    client_type: Mapped[ClientType] = mapped_column(_enum(ClientType, "client_type"))
    auth_method: Mapped[AuthMethod] = mapped_column(_enum(AuthMethod, "auth_method"))
    status: Mapped[ApplicationStatus] = mapped_column(
        _enum(ApplicationStatus, "status"), default=ApplicationStatus.ACTIVE
    )
    #: The host user a service account acts as.
    run_as_user_id: Mapped[str | None] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(default=list)
    redirect_uris: Mapped[list[str]] = mapped_column(default=list)
    offline_access: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Algorithms this application's assertions may use; None means the default.
    jwt_algorithms: Mapped[list[str] | None] = mapped_column(default=None)

    # What the consent screen shows.
    display_name: Mapped[str] = mapped_column(String(200), default="")
    homepage_url: Mapped[str] = mapped_column(String(2000), default="")
    privacy_policy_url: Mapped[str] = mapped_column(String(2000), default="")
    terms_url: Mapped[str] = mapped_column(String(2000), default="")

    # Lifetimes in seconds; None falls back to the general configuration.
    access_token_lifetime: Mapped[int | None] = mapped_column(Integer)
    refresh_token_idle_lifetime: Mapped[int | None] = mapped_column(Integer)
    refresh_token_absolute_lifetime: Mapped[int | None] = mapped_column(Integer)

    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime.datetime] = mapped_column(
        default=utcnow, onupdate=utcnow
    )
    updated_by: Mapped[str | None] = mapped_column(String(64))
    last_used_at: Mapped[datetime.datetime | None] = mapped_column()

    secrets: Mapped[list[ClientSecret]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ClientSecret.id",
    )
    keys: Mapped[list[ClientKey]] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ClientKey.id",
    )
    logo: Mapped[ApplicationLogo | None] = relationship(
        back_populates="application",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="select",
    )

    @property
    def is_active(self) -> bool:
        return self.status is ApplicationStatus.ACTIVE

    @property
    def is_public(self) -> bool:
        return self.auth_method is AuthMethod.NONE

    @property
    def title(self) -> str:
        """The name users see: the consent screen's, else the registered one."""
        return self.display_name or self.name

    def __repr__(self) -> str:
        return f"<Application {self.client_id} {self.name!r} {self.status.value}>"


@dataclasses.dataclass(frozen=True, slots=True)
class ApplicationRecord:
    """An application as the token endpoints read it: its columns, nothing more.

    A plain row, neither tracked by the session nor able to load related
    rows: authenticating a client needs a few values, not an entity. The
    admin pages, the consent screen and the services work on ``Application``.
    """

    id: int
    client_id: str
    name: str
    client_type: ClientType
    auth_method: AuthMethod
    status: ApplicationStatus
    run_as_user_id: str | None
    scopes: list[str]
    redirect_uris: list[str]
    offline_access: bool
    jwt_algorithms: list[str] | None
    access_token_lifetime: int | None
    refresh_token_idle_lifetime: int | None
    refresh_token_absolute_lifetime: int | None
    last_used_at: datetime.datetime | None

    @property
    def is_active(self) -> bool:
        return self.status is ApplicationStatus.ACTIVE

    @property
    def is_public(self) -> bool:
        return self.auth_method is AuthMethod.NONE


#: The columns an ``ApplicationRecord`` is built from, in its fields' order.
APPLICATION_RECORD_COLUMNS = tuple(
    Application.__table__.c[field.name]
    for field in dataclasses.fields(ApplicationRecord)
)

#: An application as either side holds it: the entity or the plain record.
AnyApplication = Application | ApplicationRecord


class ClientSecret(Base):
    """A client secret, kept only as its digest.

    Rotation adds a new row and gives the old one an ``expires_at``, so both
    work during the overlap.
    """

    __tablename__ = TABLE_PREFIX + "client_secret"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey(Application.id, ondelete="CASCADE"), index=True
    )
    digest: Mapped[str] = mapped_column(Digest)
    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime.datetime | None] = mapped_column()

    application: Mapped[Application] = relationship(back_populates="secrets")

    def __repr__(self) -> str:
        return f"<ClientSecret #{self.id} of application #{self.application_id}>"


class ClientKey(Base):
    """A public key a JWT-signed application signs its assertions with."""

    __tablename__ = TABLE_PREFIX + "client_key"
    __table_args__ = (
        UniqueConstraint("application_id", "kid"),
        UniqueConstraint("application_id", "thumbprint"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey(Application.id, ondelete="CASCADE")
    )
    kid: Mapped[str] = mapped_column(String(128))
    algorithm: Mapped[str] = mapped_column(String(16))
    #: The public JWK (RFC 7517), never a private part.
    public_jwk: Mapped[dict[str, Any]] = mapped_column()
    #: RFC 7638 thumbprint, in base64url.
    thumbprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)

    application: Mapped[Application] = relationship(back_populates="keys")

    def __repr__(self) -> str:
        return f"<ClientKey {self.kid} {self.algorithm} of #{self.application_id}>"


class ApplicationLogo(Base):
    """The logo shown on the consent screen, served by the plugin."""

    __tablename__ = TABLE_PREFIX + "application_logo"

    application_id: Mapped[int] = mapped_column(
        ForeignKey(Application.id, ondelete="CASCADE"), primary_key=True
    )
    content_type: Mapped[str] = mapped_column(String(32))
    data: Mapped[bytes] = mapped_column(
        LargeBinary().with_variant(mysql.MEDIUMBLOB(), "mysql", "mariadb")
    )
    #: Hex SHA-256 of ``data``: the ETag, and part of the logo's URL.
    digest: Mapped[str] = mapped_column(Digest)

    application: Mapped[Application] = relationship(back_populates="logo")

    def __repr__(self) -> str:
        return f"<ApplicationLogo {self.content_type} of #{self.application_id}>"
