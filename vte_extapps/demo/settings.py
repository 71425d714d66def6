"""The demo's own settings, under ``demo.``, parsed once at start-up."""

from __future__ import annotations

import dataclasses
import logging
import secrets
from collections.abc import Mapping
from typing import Any

from pyramid.exceptions import ConfigurationError
from pyramid.registry import Registry

SETTINGS_KEY = "demo.settings"

AUTO_SETUP = "demo.auto_setup"
SESSION_SECRET = "demo.session_secret"  # noqa: S105 - a setting name, not a secret
KNOWN_SETTINGS = (AUTO_SETUP, SESSION_SECRET)

_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})
# A signing secret shorter than this is too easy to guess.
MIN_SECRET_LENGTH = 32

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True, slots=True)
class DemoSettings:
    #: Create, migrate and seed the database when the application starts.
    auto_setup: bool = False
    #: Signs the session cookie; generated at start-up when not configured.
    session_secret: str = dataclasses.field(default="", repr=False)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> DemoSettings:
        unknown = sorted(
            key
            for key in settings
            if key.startswith("demo.") and key not in KNOWN_SETTINGS
        )
        if unknown:
            raise ConfigurationError(
                f"{unknown[0]}: unknown setting; known settings are "
                f"{', '.join(KNOWN_SETTINGS)}"
            )
        if not settings.get("sqlalchemy.url"):
            raise ConfigurationError(
                "sqlalchemy.url: required, for example sqlite:///crm.sqlite"
            )
        return cls(
            auto_setup=_boolean(AUTO_SETUP, settings.get(AUTO_SETUP, False)),
            session_secret=_secret(SESSION_SECRET, settings.get(SESSION_SECRET)),
        )


def get_demo_settings(registry: Registry) -> DemoSettings:
    settings: DemoSettings = registry[SETTINGS_KEY]
    return settings


def _boolean(key: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text not in _TRUE | _FALSE:
        raise ConfigurationError(f"{key}: expected true or false, got {value!r}")
    return text in _TRUE


def _secret(key: str, value: object) -> str:
    secret = "" if value is None else str(value).strip()
    if not secret:
        log.warning(
            "session secret generated: set %s to keep sessions across restarts", key
        )
        return secrets.token_urlsafe(MIN_SECRET_LENGTH)
    if len(secret) < MIN_SECRET_LENGTH:
        raise ConfigurationError(
            f"{key}: expected at least {MIN_SECRET_LENGTH} characters"
        )
    return secret
