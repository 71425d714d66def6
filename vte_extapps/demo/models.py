"""The demo CRM's own tables, apart from the plugin's: users and four modules.

Every table is prefixed ``demo_`` and lives in the demo's own metadata, so the
plugin's migrations never see it and ``create_all`` never touches the plugin.
"""

from __future__ import annotations

import datetime
import enum

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> datetime.datetime:
    """Now, in UTC, to the second, naive: the CRM stores times without zone."""
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None, microsecond=0)


class DemoBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # Any text on MySQL and MariaDB too, whatever the server's default.
    __table_args__ = {"mysql_charset": "utf8mb4"}


class Role(enum.StrEnum):
    ADMIN = "admin"
    SALES = "sales"


class User(DemoBase):
    """A CRM user. Users are deactivated, never deleted."""

    __tablename__ = "demo_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(
        Enum(
            Role,
            name="role",
            native_enum=False,
            create_constraint=True,
            length=16,
            values_callable=lambda roles: [role.value for role in roles],
        )
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def __repr__(self) -> str:
        return f"<User #{self.id} {self.username}>"


class Record(DemoBase):
    """What every module's records share: an owner and two timestamps."""

    __abstract__ = True

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assigned_user_id: Mapped[int] = mapped_column(ForeignKey(User.id), index=True)
    createdtime: Mapped[datetime.datetime] = mapped_column(DateTime, default=utc_now)
    modifiedtime: Mapped[datetime.datetime] = mapped_column(
        DateTime, default=utc_now, onupdate=utc_now
    )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} #{self.id}>"


def _money() -> Numeric[float]:
    # Exact in the database; a float in Python is exact enough for a demo and
    # avoids SQLite's warning about decimals it cannot store natively.
    return Numeric(14, 2, asdecimal=False)


class Account(Record):
    __tablename__ = "demo_account"

    accountname: Mapped[str] = mapped_column(String(100))
    industry: Mapped[str | None] = mapped_column(String(40))
    website: Mapped[str | None] = mapped_column(String(200))
    employees: Mapped[int | None] = mapped_column(Integer)


class Contact(Record):
    __tablename__ = "demo_contact"

    firstname: Mapped[str | None] = mapped_column(String(40))
    lastname: Mapped[str] = mapped_column(String(80))
    email: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(30))
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey(Account.id, ondelete="SET NULL"), index=True
    )


class Lead(Record):
    __tablename__ = "demo_lead"

    firstname: Mapped[str | None] = mapped_column(String(40))
    lastname: Mapped[str] = mapped_column(String(80))
    company: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(100))
    leadstatus: Mapped[str | None] = mapped_column(String(40))
    annualrevenue: Mapped[float | None] = mapped_column(_money())


class Invoice(Record):
    __tablename__ = "demo_invoice"

    subject: Mapped[str] = mapped_column(String(100))
    invoice_no: Mapped[str | None] = mapped_column(String(30))
    invoicestatus: Mapped[str | None] = mapped_column(String(40))
    invoicedate: Mapped[datetime.date | None] = mapped_column(Date)
    total: Mapped[float | None] = mapped_column(_money())
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey(Account.id, ondelete="SET NULL"), index=True
    )
