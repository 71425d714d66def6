"""The general configuration in force: the admin page's, else the ini file's."""

from __future__ import annotations

import dataclasses

from pyramid.request import Request
from sqlalchemy import select

from ..models import ServerConfiguration
from ..settings import ExtAppsSettings


@dataclasses.dataclass(frozen=True, slots=True)
class GeneralConfiguration:
    server_enabled: bool
    access_token_lifetime: int
    refresh_token_idle_lifetime: int
    refresh_token_absolute_lifetime: int
    authorization_code_lifetime: int
    jwt_algorithms: tuple[str, ...]


def from_settings(settings: ExtAppsSettings) -> GeneralConfiguration:
    return GeneralConfiguration(
        server_enabled=True,
        access_token_lifetime=settings.access_token_lifetime,
        refresh_token_idle_lifetime=settings.refresh_token_idle_lifetime,
        refresh_token_absolute_lifetime=settings.refresh_token_absolute_lifetime,
        authorization_code_lifetime=settings.authorization_code_lifetime,
        jwt_algorithms=settings.jwt_algorithms,
    )


_configuration = ServerConfiguration.__table__.c

# The columns the answer needs, as a plain row; built once.
_CONFIGURATION_ROW = select(
    _configuration.server_enabled,
    _configuration.access_token_lifetime,
    _configuration.refresh_token_idle_lifetime,
    _configuration.refresh_token_absolute_lifetime,
    _configuration.authorization_code_lifetime,
    _configuration.jwt_algorithms,
).limit(1)


def general_configuration(request: Request) -> GeneralConfiguration:
    """What applies to this request; read at most once per request."""
    cached: GeneralConfiguration | None = getattr(request, "_extapps_config", None)
    if cached is not None:
        return cached
    row = request.extapps_db.execute(_CONFIGURATION_ROW).first()
    if row is None:
        config = from_settings(request.registry["vte_extapps.settings"])
    else:
        config = GeneralConfiguration(
            server_enabled=row.server_enabled,
            access_token_lifetime=row.access_token_lifetime,
            refresh_token_idle_lifetime=row.refresh_token_idle_lifetime,
            refresh_token_absolute_lifetime=row.refresh_token_absolute_lifetime,
            authorization_code_lifetime=row.authorization_code_lifetime,
            jwt_algorithms=tuple(row.jwt_algorithms),
        )
    request._extapps_config = config
    return config
