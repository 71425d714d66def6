"""The plugin's settings: parsed once at include time, frozen, kept in the registry.

Every setting lives under the ``vte_extapps.`` prefix of the host's ini file.
A bad value stops the application from starting with a ``ConfigurationError``
that names the key and what it expects, so a typo never surfaces as a 500.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlsplit

from pyramid.exceptions import ConfigurationError
from pyramid.path import AssetResolver

PREFIX = "vte_extapps."

#: Signing algorithms a client assertion may use (RFC 7523; no HMAC, no none).
#: ES384 and ES512 are there for keys on the P-384 and P-521 curves.
SUPPORTED_JWT_ALGORITHMS = ("RS256", "PS256", "ES256", "ES384", "ES512", "EdDSA")

# RFC 9700 4.2 and C4 of our security bar: codes live one minute by default,
# ten at most.
MAX_AUTHORIZATION_CODE_LIFETIME = 600

#: The page shell the plugin's pages are drawn in, unless the host names its own.
DEFAULT_LAYOUT = "vte_extapps:templates/layout.jinja2"

T = TypeVar("T")


@dataclasses.dataclass(frozen=True, slots=True)
class ExtAppsSettings:
    """What the host configured, typed and validated."""

    #: The authorization server's issuer URL; None derives it per request.
    issuer: str | None = None
    #: The principal the host grants to administrators.
    admin_principal: str = "role:admin"
    #: Prefix under which the plugin's pages and endpoints are mounted.
    route_prefix: str = ""
    #: The host's login route name; anonymous users are sent there.
    login_route: str = "login"
    #: Realm named in ``WWW-Authenticate`` challenges (RFC 6750 3).
    realm: str = "CRM"
    #: Default lifetimes, in seconds; the admin page can change them later.
    access_token_lifetime: int = 3600
    refresh_token_idle_lifetime: int = 14 * 24 * 3600
    refresh_token_absolute_lifetime: int = 90 * 24 * 3600
    authorization_code_lifetime: int = 60
    #: How long a rotated client secret keeps working.
    secret_rotation_overlap: int = 24 * 3600
    #: Longest lifetime (exp - iat) a client assertion may ask for.
    client_assertion_max_lifetime: int = 300
    #: Algorithms a client assertion may be signed with.
    jwt_algorithms: tuple[str, ...] = SUPPORTED_JWT_ALGORITHMS
    #: Failed client authentications allowed per window before a 429.
    auth_failure_limit: int = 10
    auth_failure_window: int = 300
    #: Largest application logo accepted, in bytes.
    logo_max_bytes: int = 256 * 1024
    #: The plugin's own database, for hosts without ``request.dbsession``.
    sqlalchemy_url: str | None = None
    #: Apply the plugin's migrations when the application starts.
    auto_migrate: bool = False
    #: The Jinja2 layout the pages extend: the host's own, to fit its menus.
    layout: str = DEFAULT_LAYOUT

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> ExtAppsSettings:
        """Read every ``vte_extapps.*`` key, refusing unknown and bad ones."""
        known = {field.name for field in dataclasses.fields(cls)}
        ours = {
            key[len(PREFIX) :].replace(".", "_"): value
            for key, value in settings.items()
            if key.startswith(PREFIX)
        }
        unknown = sorted(set(ours) - known)
        if unknown:
            raise ConfigurationError(
                f"{PREFIX}{unknown[0]}: unknown setting; "
                f"known settings are {', '.join(sorted(known))}"
            )

        def read(name: str, parse: Callable[[str, Any], T], default: T) -> T:
            if name not in ours:
                return default
            return parse(PREFIX + name, ours[name])

        defaults = cls()
        code_lifetime = read(
            "authorization_code_lifetime",
            _seconds,
            defaults.authorization_code_lifetime,
        )
        if code_lifetime > MAX_AUTHORIZATION_CODE_LIFETIME:
            raise ConfigurationError(
                f"{PREFIX}authorization_code_lifetime: expected at most "
                f"{MAX_AUTHORIZATION_CODE_LIFETIME} seconds, got {code_lifetime}"
            )
        idle = read(
            "refresh_token_idle_lifetime",
            _seconds,
            defaults.refresh_token_idle_lifetime,
        )
        absolute = read(
            "refresh_token_absolute_lifetime",
            _seconds,
            defaults.refresh_token_absolute_lifetime,
        )
        if idle > absolute:
            raise ConfigurationError(
                f"{PREFIX}refresh_token_idle_lifetime: expected no more than "
                f"{PREFIX}refresh_token_absolute_lifetime ({absolute}), got {idle}"
            )
        return cls(
            issuer=read("issuer", _issuer, defaults.issuer),
            admin_principal=read("admin_principal", _word, defaults.admin_principal),
            route_prefix=read("route_prefix", _route_prefix, defaults.route_prefix),
            login_route=read("login_route", _word, defaults.login_route),
            realm=read("realm", _realm, defaults.realm),
            access_token_lifetime=read(
                "access_token_lifetime", _seconds, defaults.access_token_lifetime
            ),
            refresh_token_idle_lifetime=idle,
            refresh_token_absolute_lifetime=absolute,
            authorization_code_lifetime=code_lifetime,
            secret_rotation_overlap=read(
                "secret_rotation_overlap",
                _seconds_or_zero,
                defaults.secret_rotation_overlap,
            ),
            client_assertion_max_lifetime=read(
                "client_assertion_max_lifetime",
                _seconds,
                defaults.client_assertion_max_lifetime,
            ),
            jwt_algorithms=read("jwt_algorithms", _algorithms, defaults.jwt_algorithms),
            auth_failure_limit=read(
                "auth_failure_limit", _positive_int, defaults.auth_failure_limit
            ),
            auth_failure_window=read(
                "auth_failure_window", _seconds, defaults.auth_failure_window
            ),
            logo_max_bytes=read(
                "logo_max_bytes", _positive_int, defaults.logo_max_bytes
            ),
            sqlalchemy_url=read("sqlalchemy_url", _word, defaults.sqlalchemy_url),
            auto_migrate=read("auto_migrate", _boolean, defaults.auto_migrate),
            layout=read("layout", _template, defaults.layout),
        )


def _text(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigurationError(f"{key}: expected text, got {type(value).__name__}")
    return value.strip()


def _word(key: str, value: Any) -> str:
    text = _text(key, value)
    if not text:
        raise ConfigurationError(f"{key}: expected a value, got an empty one")
    return text


def _positive_int(key: str, value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ConfigurationError(
            f"{key}: expected a whole number, got {value!r}"
        ) from None
    if number <= 0:
        raise ConfigurationError(f"{key}: expected a number above 0, got {number}")
    return number


def _seconds(key: str, value: Any) -> int:
    try:
        return _positive_int(key, value)
    except ConfigurationError:
        raise ConfigurationError(
            f"{key}: expected a number of seconds above 0, got {value!r}"
        ) from None


def _seconds_or_zero(key: str, value: Any) -> int:
    if str(value).strip() == "0":
        return 0
    return _seconds(key, value)


def _boolean(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(key, value).lower()
    if text in {"true", "yes", "on", "1"}:
        return True
    if text in {"false", "no", "off", "0"}:
        return False
    raise ConfigurationError(f"{key}: expected true or false, got {value!r}")


def _issuer(key: str, value: Any) -> str | None:
    text = _text(key, value)
    if not text:
        return None
    # RFC 8414 2: an https URL with no query or fragment. Plain http is
    # tolerated for loopback so that a local demo can name itself.
    parts = urlsplit(text)
    loopback = parts.hostname in {"localhost", "127.0.0.1", "::1"}
    if (
        parts.scheme not in {"https", "http"}
        or (parts.scheme == "http" and not loopback)
        or not parts.hostname
        or parts.query
        or parts.fragment
    ):
        raise ConfigurationError(
            f"{key}: expected an https URL with no query or fragment "
            f"(http only for localhost), got {text!r}"
        )
    return text.rstrip("/")


def _route_prefix(key: str, value: Any) -> str:
    text = _text(key, value).strip("/")
    if any(char in text for char in "?#{} "):
        raise ConfigurationError(
            f"{key}: expected a URL path such as 'oauth', got {text!r}"
        )
    return text


def _realm(key: str, value: Any) -> str:
    text = _word(key, value)
    if '"' in text or "\\" in text:
        raise ConfigurationError(f"{key}: expected text without quotes, got {text!r}")
    return text


def _template(key: str, value: Any) -> str:
    text = _word(key, value)
    package, _, path = text.partition(":")
    found = False
    if package and path:
        try:
            found = AssetResolver().resolve(text).exists()
        except (ImportError, ValueError):
            found = False
    if not found:
        raise ConfigurationError(
            f"{key}: expected the asset spec of a Jinja2 template, such as "
            f"'mycrm:templates/layout.jinja2', got {text!r}"
        )
    return text


def _algorithms(key: str, value: Any) -> tuple[str, ...]:
    names = tuple(_text(key, value).replace(",", " ").split())
    wrong = [name for name in names if name not in SUPPORTED_JWT_ALGORITHMS]
    if not names or wrong:
        raise ConfigurationError(
            f"{key}: expected some of {' '.join(SUPPORTED_JWT_ALGORITHMS)}, "
            f"got {' '.join(wrong) or 'nothing'}"
        )
    return names
