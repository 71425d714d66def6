"""The general configuration form at the top of the admin page: read, check
and save the single ``ServerConfiguration`` row."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from pyramid.request import Request
from sqlalchemy import select

from .. import audit
from ..models import ServerConfiguration
from ..settings import MAX_AUTHORIZATION_CODE_LIFETIME, SUPPORTED_JWT_ALGORITHMS
from .applications import MAX_ACCESS_TOKEN_LIFETIME, MIN_ACCESS_TOKEN_LIFETIME
from .configuration import GeneralConfiguration, general_configuration

DAY = 24 * 3600
#: Refresh tokens live at least an hour and at most ten years.
MIN_REFRESH_TOKEN_LIFETIME = 3600
MAX_REFRESH_TOKEN_LIFETIME = 3650 * DAY
MIN_AUTHORIZATION_CODE_LIFETIME = 10

LIFETIME_FIELDS = (
    "access_token_lifetime",
    "refresh_token_idle_lifetime",
    "refresh_token_absolute_lifetime",
    "authorization_code_lifetime",
)


class InvalidConfiguration(ValueError):
    """The form has mistakes; ``errors`` maps each field to what is wrong."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{key}: {text}" for key, text in errors.items()))
        self.errors = errors


def current_values(request: Request) -> dict[str, object]:
    """The configuration in force, as the form shows it."""
    return dataclasses.asdict(general_configuration(request))


def parse_configuration(
    fields: Mapping[str, str], algorithms: Sequence[str]
) -> GeneralConfiguration:
    """Check what the operator sent; raises InvalidConfiguration."""
    errors: dict[str, str] = {}
    bounds = {
        "access_token_lifetime": (MIN_ACCESS_TOKEN_LIFETIME, MAX_ACCESS_TOKEN_LIFETIME),
        "refresh_token_idle_lifetime": (
            MIN_REFRESH_TOKEN_LIFETIME,
            MAX_REFRESH_TOKEN_LIFETIME,
        ),
        "refresh_token_absolute_lifetime": (
            MIN_REFRESH_TOKEN_LIFETIME,
            MAX_REFRESH_TOKEN_LIFETIME,
        ),
        "authorization_code_lifetime": (
            MIN_AUTHORIZATION_CODE_LIFETIME,
            MAX_AUTHORIZATION_CODE_LIFETIME,
        ),
    }
    lifetimes: dict[str, int] = {}
    for name, (low, high) in bounds.items():
        text = (fields.get(name) or "").strip()
        if not text.isdigit() or not low <= int(text) <= high:
            errors[name] = f"A whole number of seconds from {low} to {high}."
        else:
            lifetimes[name] = int(text)

    idle = lifetimes.get("refresh_token_idle_lifetime")
    absolute = lifetimes.get("refresh_token_absolute_lifetime")
    if idle is not None and absolute is not None and idle > absolute:
        idle_field = "refresh_token_idle_lifetime"
        errors[idle_field] = "The idle lifetime cannot be longer than the absolute one."

    chosen = tuple(name for name in SUPPORTED_JWT_ALGORITHMS if name in algorithms)
    unknown = set(algorithms) - set(SUPPORTED_JWT_ALGORITHMS)
    if unknown or not chosen:
        errors["jwt_algorithms"] = "Allow at least one of the listed algorithms."
    if errors:
        raise InvalidConfiguration(errors)
    return GeneralConfiguration(
        server_enabled=fields.get("server_enabled") == "on",
        jwt_algorithms=chosen,
        **lifetimes,
    )


def save_configuration(request: Request, config: GeneralConfiguration) -> None:
    """Write the single configuration row, creating it on first save."""
    db = request.extapps_db
    row = db.scalars(select(ServerConfiguration).order_by(ServerConfiguration.id))
    current = row.first()
    if current is None:
        current = ServerConfiguration()
        db.add(current)
    current.server_enabled = config.server_enabled
    for name in LIFETIME_FIELDS:
        setattr(current, name, getattr(config, name))
    current.jwt_algorithms = list(config.jwt_algorithms)
    current.updated_by = audit.actor_of(request)
    db.flush()
    # The request's cached copy is stale now.
    request._extapps_config = config
