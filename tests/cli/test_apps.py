"""``vte-extapps CONFIG apps ...``: registering and managing applications."""

from __future__ import annotations

import json
import logging
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from sqlalchemy.engine import URL, Engine

from vte_extapps.cli import main

from .conftest import Run, unique, user_id_of, write_config

CreateService = Callable[..., dict[str, Any]]


def test_service_account_shows_its_secret_once_with_a_warning(
    run: Run, engine: Engine
) -> None:
    name = unique("Invoice sync")
    created = run(
        "apps", "create", "--name", name, "--type", "service",
        "--run-as", "alice", "--scope", "invoice:read", "--scope", "profile",
    )  # fmt: skip

    assert created.status == 0, created.err
    assert "shown only this once" in created.out
    secret = created.out.strip().splitlines()[-1]
    assert secret.startswith("vtes_")
    assert "Run-as user" in created.out
    assert f"(id {user_id_of(engine, 'alice')})" in created.out

    client_id = created.out.split("Client id:")[1].split()[0]
    shown = run("apps", "show", client_id)
    assert shown.status == 0
    assert name in shown.out
    assert secret not in shown.out


def test_secrets_and_keys_never_reach_the_log(
    run: Run, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    with_secret = run(
        "apps", "create", "--name", unique("Logged"), "--type", "service",
        "--run-as", "alice", "--scope", "profile", "--json",
    ).json()  # fmt: skip
    rotated = run("apps", "rotate-secret", with_secret["client_id"], "--json").json()
    with_key = run(
        "apps", "create", "--name", unique("Logged"), "--type", "service",
        "--run-as", "alice", "--scope", "profile", "--auth", "jwt", "--json",
    ).json()  # fmt: skip

    assert with_secret["client_id"] in caplog.text
    assert with_secret["client_secret"] not in caplog.text
    assert rotated["client_secret"] not in caplog.text
    assert with_key["private_key"].splitlines()[1] not in caplog.text
    assert "vtes_" not in caplog.text


def test_create_json_holds_the_credentials_and_every_endpoint(
    create_service: CreateService,
) -> None:
    created = create_service()

    assert created["client_id"].startswith("vte_")
    assert created["client_secret"].startswith("vtes_")
    assert "private_key" not in created
    assert created["client_type"] == "service"
    assert created["auth_method"] == "secret"
    assert created["scopes"] == ["invoice:read"]
    assert created["token_endpoint"] == "http://localhost/oauth/token"
    assert created["authorization_endpoint"] == "http://localhost/oauth/authorize"
    assert created["revocation_endpoint"] == "http://localhost/oauth/revoke"
    assert created["introspection_endpoint"] == "http://localhost/oauth/introspect"
    assert created["metadata_endpoint"] == (
        "http://localhost/.well-known/oauth-authorization-server"
    )
    assert created["api_base"] == "http://localhost/restapi/v1/vtews/"


def test_without_an_issuer_the_endpoints_are_where_the_ini_file_serves(
    cli_database: URL, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    served = write_config(
        tmp_path / "served.ini",
        cli_database,
        "[server:main]",
        "use = egg:waitress#main",
        "listen = 127.0.0.1:6543",
    )
    status = main(
        [
            str(served), "apps", "create", "--name", unique("Warehouse"),
            "--type", "service", "--run-as", "alice", "--scope", "profile", "--json",
        ]
    )  # fmt: skip
    created = json.loads(capsys.readouterr().out)

    assert status == 0
    assert created["token_endpoint"] == "http://127.0.0.1:6543/oauth/token"
    assert created["api_base"] == "http://127.0.0.1:6543/restapi/v1/vtews/"


def test_url_option_names_the_crm_in_the_endpoints(
    config_uri: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        [
            "--url", "https://crm.example.com/", config_uri, "apps", "create",
            "--name", unique("Warehouse"), "--type", "web", "--scope", "profile",
            "--redirect-uri", "https://warehouse.example.com/callback", "--json",
        ]
    )  # fmt: skip
    created = json.loads(capsys.readouterr().out)

    assert status == 0
    assert created["token_endpoint"] == "https://crm.example.com/oauth/token"
    assert (
        created["authorization_endpoint"] == "https://crm.example.com/oauth/authorize"
    )
    assert created["api_base"] == "https://crm.example.com/restapi/v1/vtews/"


def test_configured_issuer_names_the_crm_in_the_endpoints(
    cli_database: URL,
    engine: Engine,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = write_config(
        tmp_path / "crm.ini",
        cli_database,
        "vte_extapps.issuer = https://crm.example.com",
    )

    status = main(
        [
            str(config), "apps", "create", "--name", unique("Ledger"),
            "--type", "service", "--run-as", "bob", "--scope", "invoice:read", "--json",
        ]
    )  # fmt: skip
    created = json.loads(capsys.readouterr().out)

    assert status == 0
    assert created["issuer"] == "https://crm.example.com"
    assert created["token_endpoint"] == "https://crm.example.com/oauth/token"
    assert created["metadata_endpoint"] == (
        "https://crm.example.com/.well-known/oauth-authorization-server"
    )


def test_url_option_wins_over_the_configured_issuer_for_endpoints(
    cli_database: URL,
    engine: Engine,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = write_config(
        tmp_path / "crm.ini",
        cli_database,
        "vte_extapps.issuer = https://crm.example.com",
    )

    status = main(
        [
            "--url", "https://crm.internal.example", str(config), "apps", "create",
            "--name", unique("Ledger"), "--type", "service", "--run-as", "bob",
            "--scope", "invoice:read", "--json",
        ]
    )  # fmt: skip
    created = json.loads(capsys.readouterr().out)

    assert status == 0
    assert created["issuer"] == "https://crm.example.com"
    assert created["token_endpoint"] == "https://crm.internal.example/oauth/token"


def test_jwt_service_account_gets_a_pem_private_key_matching_its_public_key(
    run: Run, create_service: CreateService
) -> None:
    created = create_service("--auth", "jwt", "--key-format", "pem")

    assert "client_secret" not in created
    assert created["key_format"] == "pem"
    key = serialization.load_pem_private_key(
        created["private_key"].encode(), password=None
    )
    assert isinstance(key, rsa.RSAPrivateKey)
    shown = run("apps", "show", created["client_id"], "--json").json()
    assert [k["kid"] for k in shown["keys"]] == [created["key_id"]]
    assert shown["auth_method"] == "jwt"


def test_jwt_service_account_gets_a_jwk_private_key_in_the_chosen_algorithm(
    create_service: CreateService,
) -> None:
    created = create_service("--auth", "jwt", "--key-format", "jwk", "--alg", "ES256")

    private = json.loads(created["private_key"])
    assert private["kty"] == "EC"
    assert private["alg"] == "ES256"
    assert private["kid"] == created["key_id"]
    assert "d" in private
    key = jwt.PyJWK(private).key
    assert isinstance(key, ec.EllipticCurvePrivateKey)


def test_private_key_file_is_written_for_its_owner_only_and_not_printed(
    create_service: CreateService, tmp_path: Path
) -> None:
    path = tmp_path / "client.pem"

    created = create_service("--auth", "jwt", "--private-key-file", str(path))

    assert "private_key" not in created
    assert created["private_key_file"] == str(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert path.read_text().startswith("-----BEGIN PRIVATE KEY-----")


def test_existing_private_key_file_is_left_alone_and_nothing_is_created(
    run: Run, tmp_path: Path
) -> None:
    path = tmp_path / "client.pem"
    path.write_text("keep me\n")
    name = unique("Overwriter")

    failed = run(
        "apps", "create", "--name", name, "--type", "service", "--run-as", "alice",
        "--scope", "profile", "--auth", "jwt", "--private-key-file", str(path),
    )  # fmt: skip

    assert failed.status == 1
    assert "--private-key-file" in failed.err
    assert path.read_text() == "keep me\n"
    assert name not in run("apps", "list").out


def test_web_application_gets_a_secret_and_keeps_its_redirect_urls(
    run: Run,
) -> None:
    created = run(
        "apps", "create", "--name", unique("Portal"), "--type", "web",
        "--scope", "contacts:read", "--redirect-uri", "https://portal.example.com/cb",
        "--offline-access", "--json",
    ).json()  # fmt: skip

    assert created["client_secret"].startswith("vtes_")
    assert created["redirect_uris"] == ["https://portal.example.com/cb"]
    assert created["offline_access"] is True
    assert created["run_as_user_id"] is None


def test_mobile_application_is_a_public_client_without_credentials(
    run: Run,
) -> None:
    created = run(
        "apps", "create", "--name", unique("Field app"), "--type", "mobile",
        "--scope", "leads:read", "--redirect-uri", "com.example.field:/callback",
        "--json",
    ).json()  # fmt: skip

    assert created["auth_method"] == "none"
    assert "client_secret" not in created
    assert "private_key" not in created
    assert created["token_endpoint"].endswith("/oauth/token")


def test_list_shows_every_application_in_text_and_json(
    run: Run, create_service: CreateService
) -> None:
    created = create_service()

    text = run("apps", "list")
    listed = run("apps", "list", "--json").json()

    assert text.status == 0
    assert text.out.startswith("CLIENT ID")
    assert created["client_id"] in text.out
    row = next(row for row in listed if row["client_id"] == created["client_id"])
    assert row["name"] == created["name"]
    assert row["status"] == "active"
    assert "client_secret" not in row


def test_show_json_tells_the_state_without_any_secret(
    run: Run, create_service: CreateService
) -> None:
    created = create_service()

    shown = run("apps", "show", created["client_id"], "--json").json()

    assert shown["client_id"] == created["client_id"]
    assert shown["run_as_user_id"] == created["run_as_user_id"]
    assert len(shown["secrets"]) == 1
    assert shown["secrets"][0]["expires_at"] is None
    assert shown["live"] == {"access_tokens": 0, "refresh_tokens": 0, "grants": 0}
    assert created["client_secret"] not in json.dumps(shown)


def test_deactivating_and_activating_switch_the_status(
    run: Run, create_service: CreateService
) -> None:
    client_id = create_service()["client_id"]

    deactivated = run("apps", "deactivate", client_id)
    status_after_deactivation = run("apps", "show", client_id, "--json").json()
    again = run("apps", "deactivate", client_id)
    activated = run("apps", "activate", client_id)

    assert deactivated.status == 0
    assert "now deactivated" in deactivated.out
    assert status_after_deactivation["status"] == "deactivated"
    assert "already deactivated" in again.out
    assert "now active" in activated.out
    assert run("apps", "show", client_id, "--json").json()["status"] == "active"


def test_rotating_the_secret_issues_a_new_one_and_keeps_the_old_for_a_while(
    run: Run, create_service: CreateService
) -> None:
    created = create_service()

    rotated = run("apps", "rotate-secret", created["client_id"], "--json").json()
    shown = run("apps", "show", created["client_id"], "--json").json()

    assert rotated["client_secret"].startswith("vtes_")
    assert rotated["client_secret"] != created["client_secret"]
    assert rotated["previous_secrets_expire_at"] is not None
    assert sorted(s["expires_at"] is None for s in shown["secrets"]) == [False, True]


def test_rotating_the_secret_of_a_jwt_application_fails(
    run: Run, create_service: CreateService
) -> None:
    client_id = create_service("--auth", "jwt")["client_id"]

    failed = run("apps", "rotate-secret", client_id)

    assert failed.status == 1
    assert "secret key" in failed.err
    assert failed.out == ""
