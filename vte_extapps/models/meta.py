"""The declarative base shared by the plugin's tables, and their common types."""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, MetaData, String
from sqlalchemy.dialects import mysql
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

TABLE_PREFIX = "vte_extapps_"

# Named constraints, so migrations can address them on every database. Names
# stay under the 63 characters that PostgreSQL and MySQL allow.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime.datetime:
    """The current time, in UTC, to the microsecond."""
    return datetime.datetime.now(datetime.UTC)


class UTCDateTime(TypeDecorator[datetime.datetime]):
    """A UTC instant, stored naive on every database, returned aware.

    MySQL's DATETIME keeps no fraction unless asked to, so it gets six digits.
    """

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name in {"mysql", "mariadb"}:
            return dialect.type_descriptor(mysql.DATETIME(fsp=6))
        return dialect.type_descriptor(DateTime())

    def process_bind_param(
        self, value: datetime.datetime | None, dialect: Dialect
    ) -> datetime.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware UTC one")
        return value.astimezone(datetime.UTC).replace(tzinfo=None)

    def process_result_value(
        self, value: datetime.datetime | None, dialect: Dialect
    ) -> datetime.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=datetime.UTC)


#: A SHA-256 digest, in hex: how codes, tokens and secrets are kept.
Digest = String(64)


class Base(DeclarativeBase):
    metadata = metadata
    type_annotation_map = {
        datetime.datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[str]: JSON,
    }
