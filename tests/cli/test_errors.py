"""Mistakes on the command line: one clear line on stderr and an exit status."""

from __future__ import annotations

from pathlib import Path

import pytest

from vte_extapps.cli import main

from .conftest import Run, unique


def test_unknown_client_id_is_reported_with_status_1(run: Run) -> None:
    for command in (
        ("apps", "show", "vte_nosuchclient"),
        ("apps", "deactivate", "vte_nosuchclient"),
        ("apps", "rotate-secret", "vte_nosuchclient"),
        ("tokens", "revoke", "--client", "vte_nosuchclient"),
    ):
        failed = run(*command)

        assert failed.status == 1, command
        assert failed.out == ""
        assert "no application has the client id 'vte_nosuchclient'" in failed.err
        assert "Traceback" not in failed.err


def test_unknown_scope_is_named_with_its_option(run: Run) -> None:
    name = unique("Bad scope")

    failed = run(
        "apps", "create", "--name", name, "--type", "service", "--run-as", "alice",
        "--scope", "invoice:read", "--scope", "nope:all",
    )  # fmt: skip

    assert failed.status == 1
    assert "the application was not created" in failed.err
    assert "--scope: Unknown scope: nope:all." in failed.err
    assert name not in run("apps", "list").out


def test_service_account_without_run_as_user_is_refused(run: Run) -> None:
    failed = run(
        "apps", "create", "--name", unique("Nobody"), "--type", "service",
        "--scope", "profile",
    )  # fmt: skip

    assert failed.status == 1
    assert "--run-as: A service account acts as a CRM user" in failed.err


def test_every_mistake_in_the_form_is_listed(run: Run) -> None:
    failed = run(
        "apps", "create", "--name", " ", "--type", "web", "--scope", "nope",
    )  # fmt: skip

    assert failed.status == 1
    assert "--name:" in failed.err
    assert "--redirect-uri:" in failed.err
    assert "--scope:" in failed.err


def test_unknown_user_is_reported(run: Run) -> None:
    created = run(
        "apps", "create", "--name", unique("Ghost"), "--type", "service",
        "--run-as", "no-such-user-anywhere", "--scope", "profile",
    )  # fmt: skip
    revoked = run("tokens", "revoke", "--user", "no-such-user-anywhere")

    for failed in (created, revoked):
        assert failed.status == 1
        assert "no CRM user matches 'no-such-user-anywhere'" in failed.err


def test_a_name_matching_several_users_is_refused(run: Run) -> None:
    # The demo's users all have an "e" in their name or email.
    failed = run("tokens", "revoke", "--user", "e")

    assert failed.status == 1
    assert "matches several CRM users" in failed.err
    assert "give the user's id" in failed.err


def test_options_that_do_not_fit_the_type_are_usage_errors(run: Run) -> None:
    mobile_with_auth = run(
        "apps", "create", "--name", "x", "--type", "mobile", "--auth", "secret",
        "--scope", "profile", "--redirect-uri", "com.example.app:/cb",
    )  # fmt: skip
    key_without_jwt = run(
        "apps", "create", "--name", "x", "--type", "service", "--run-as", "alice",
        "--scope", "profile", "--key-format", "jwk",
    )  # fmt: skip
    web_with_run_as = run(
        "apps", "create", "--name", "x", "--type", "web", "--run-as", "alice",
        "--scope", "profile", "--redirect-uri", "https://app.example.com/cb",
    )  # fmt: skip

    assert mobile_with_auth.status == 2
    assert "--auth" in mobile_with_auth.err
    assert key_without_jwt.status == 2
    assert "need --auth jwt" in key_without_jwt.err
    assert web_with_run_as.status == 2
    assert "--run-as" in web_with_run_as.err


def test_a_malformed_command_line_exits_with_status_2(
    config_uri: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([config_uri, "apps", "create", "--name", "x"]) == 2
    assert "--type" in capsys.readouterr().err
    assert main([config_uri, "tokens", "revoke"]) == 2
    assert "--client" in capsys.readouterr().err
    assert main([config_uri, "tokens", "cleanup", "--batch-size", "0"]) == 2
    assert "must be at least 1" in capsys.readouterr().err
    assert main(["--url", "ftp://crm", config_uri, "apps", "list"]) == 2
    assert "expected an http or https URL" in capsys.readouterr().err


def test_help_exits_with_status_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    assert "migrate" in capsys.readouterr().out


def test_a_config_file_that_cannot_be_loaded_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.ini"
    broken = tmp_path / "broken.ini"
    broken.write_text("[app:main]\nuse = egg:vte_extapps\nvte_extapps.realm = \n")

    for path in (missing, broken):
        status = main([str(path), "apps", "list"])
        captured = capsys.readouterr()

        assert status == 1
        assert f"cannot load {path}" in captured.err
        assert "Traceback" not in captured.err
