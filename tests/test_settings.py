"""The vte_extapps.* settings: parsed once, typed, and refused when wrong."""

from __future__ import annotations

import pytest
from pyramid.exceptions import ConfigurationError

from vte_extapps.settings import SUPPORTED_JWT_ALGORITHMS, ExtAppsSettings


def test_defaults_hold_when_nothing_is_configured() -> None:
    settings = ExtAppsSettings.from_settings({"unrelated.key": "x"})
    assert settings.access_token_lifetime == 3600
    assert settings.authorization_code_lifetime == 60
    assert settings.admin_principal == "role:admin"
    assert settings.issuer is None
    assert settings.jwt_algorithms == SUPPORTED_JWT_ALGORITHMS
    assert "HS256" not in settings.jwt_algorithms


def test_values_are_read_and_typed() -> None:
    settings = ExtAppsSettings.from_settings(
        {
            "vte_extapps.issuer": "https://crm.example.com/",
            "vte_extapps.access_token_lifetime": "600",
            "vte_extapps.jwt_algorithms": "RS256, ES256",
            "vte_extapps.auto_migrate": "yes",
            "vte_extapps.route_prefix": "/oauth/",
        }
    )
    assert settings.issuer == "https://crm.example.com"
    assert settings.access_token_lifetime == 600
    assert settings.jwt_algorithms == ("RS256", "ES256")
    assert settings.auto_migrate is True
    assert settings.route_prefix == "oauth"


def test_settings_cannot_be_changed_after_parsing() -> None:
    settings = ExtAppsSettings.from_settings({})
    with pytest.raises(AttributeError):
        settings.access_token_lifetime = 5  # type: ignore[misc]


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("access_token_lifetime", "an hour", "expected a number of seconds"),
        ("access_token_lifetime", "-5", "expected a number of seconds"),
        ("authorization_code_lifetime", "3600", "at most 600 seconds"),
        ("issuer", "http://crm.example.com", "expected an https URL"),
        ("issuer", "https://crm.example.com/?x=1", "no query or fragment"),
        ("jwt_algorithms", "HS256", "expected some of RS256"),
        ("jwt_algorithms", "none", "expected some of RS256"),
        ("auto_migrate", "maybe", "expected true or false"),
        ("realm", 'a"b', "without quotes"),
        ("refresh_token_idle_lifetime", "999999999", "expected no more than"),
        ("acces_token_lifetime", "60", "unknown setting"),
    ],
)
def test_a_bad_value_names_the_key_and_what_is_expected(
    key: str, value: str, expected: str
) -> None:
    with pytest.raises(ConfigurationError) as raised:
        ExtAppsSettings.from_settings({f"vte_extapps.{key}": value})
    assert f"vte_extapps.{key}" in str(raised.value)
    assert expected in str(raised.value)


def test_plain_http_issuer_is_allowed_on_loopback_only() -> None:
    settings = ExtAppsSettings.from_settings(
        {"vte_extapps.issuer": "http://127.0.0.1:6543"}
    )
    assert settings.issuer == "http://127.0.0.1:6543"
