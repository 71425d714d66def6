"""``apps create``: register an application and hand out its credentials once."""

from __future__ import annotations

import argparse
import os
from typing import Any

from ..models import AuthMethod, ClientType
from ..services.applications import (
    GENERATED_KEY_ALGORITHMS,
    ApplicationForm,
    InvalidApplication,
    IssuedCredentials,
    create_application,
)
from ..services.endpoints import ENDPOINT_ROUTES
from .common import (
    AUTH_TITLES,
    ENDPOINT_NAMES,
    SHOWN_ONCE,
    TYPE_TITLES,
    Command,
    CommandError,
    endpoint_urls,
    err,
    find_user,
    invalid_form,
    out,
    out_fields,
    out_json,
    summary,
    usage_error,
    user_title,
)


def add_parser(actions: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    create = actions.add_parser(
        "create", help="register an application and show its credentials once"
    )
    create.add_argument("--name", required=True)
    create.add_argument(
        "--type", required=True, choices=[kind.value for kind in ClientType]
    )
    create.add_argument(
        "--auth",
        choices=[AuthMethod.SECRET.value, AuthMethod.JWT.value],
        help="how a service or web application authenticates (default: secret)",
    )
    create.add_argument(
        "--key-format", choices=["pem", "jwk"], help="JWT only (default: pem)"
    )
    create.add_argument(
        "--alg", choices=GENERATED_KEY_ALGORITHMS, help="JWT only (default: RS256)"
    )
    create.add_argument(
        "--private-key-file",
        metavar="PATH",
        help="JWT only: write the private key to this new file instead of printing it",
    )
    create.add_argument(
        "--run-as", metavar="USER", help="the CRM user a service account acts as"
    )
    create.add_argument(
        "--scope", action="append", default=[], help="a scope to allow; repeatable"
    )
    create.add_argument(
        "--redirect-uri",
        action="append",
        default=[],
        metavar="URI",
        help="where the application receives its codes; repeatable",
    )
    create.add_argument(
        "--offline-access", action="store_true", help="issue refresh tokens"
    )
    create.add_argument("--json", action="store_true", help="print JSON")
    create.set_defaults(run=create_command)


def _form(args: argparse.Namespace) -> ApplicationForm:
    client_type = ClientType(args.type)
    if client_type is ClientType.MOBILE:
        if args.auth is not None:
            raise usage_error(
                "--auth: a mobile application is a public client without credentials"
            )
        auth_method = AuthMethod.NONE
    else:
        auth_method = AuthMethod(args.auth or AuthMethod.SECRET.value)
    if auth_method is not AuthMethod.JWT and (
        args.key_format or args.alg or args.private_key_file
    ):
        raise usage_error("--key-format, --alg and --private-key-file need --auth jwt")
    if args.run_as is not None and client_type is not ClientType.SERVICE:
        raise usage_error("--run-as: only a service account acts as a run-as user")
    return ApplicationForm(
        name=args.name,
        client_type=client_type,
        auth_method=auth_method,
        # "--scope a --scope b" and "--scope 'a b'" both work.
        scopes=[
            scope for value in args.scope for scope in value.replace(",", " ").split()
        ],
        redirect_uris=list(args.redirect_uri),
        offline_access=args.offline_access,
        key_format=args.key_format or "pem",
        key_algorithm=args.alg or "RS256",
    )


def _write_private_key(path: str, text: str) -> None:
    """Write the key to a new file only its owner can read."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as error:
        raise CommandError(
            f"--private-key-file: cannot create {path}: {error.strerror}; "
            "the application was not created"
        ) from None
    with os.fdopen(descriptor, "w", encoding="utf-8") as key_file:
        key_file.write(text.rstrip("\n") + "\n")


def create_command(command: Command) -> int:
    args = command.args
    request = command.request
    form = _form(args)
    try:
        with command.transaction():
            if args.run_as is not None:
                form.run_as_user_id = find_user(request, args.run_as).id
            issued = create_application(request, form)
            created = summary(issued.application)
            run_as = form.run_as_user_id
            run_as_title = user_title(request, run_as) if run_as else None
            # Written before the commit: if the file cannot be, nothing is saved.
            if issued.key_pair is not None and args.private_key_file:
                _write_private_key(args.private_key_file, issued.key_pair.private_key)
    except InvalidApplication as invalid:
        raise invalid_form(invalid, "the application was not created") from None

    credentials = _credentials(issued, args.private_key_file)
    urls = endpoint_urls(request, args.url)
    if args.json:
        out_json({**created, **credentials, **urls})
        if "client_secret" in credentials or "private_key" in credentials:
            err(f"note: the {_credential_name(credentials)} is {SHOWN_ONCE}.")
    else:
        _print_created(created, run_as_title, credentials, urls)
    return 0


def _credentials(issued: IssuedCredentials, key_file: str | None) -> dict[str, Any]:
    """What the application authenticates with, as it is shown this once."""
    credentials: dict[str, Any] = {}
    if issued.client_secret is not None:
        credentials["client_secret"] = issued.client_secret
    if issued.key_pair is not None:
        credentials["key_id"] = issued.key_pair.public.kid
        credentials["key_algorithm"] = issued.key_pair.public.algorithm
        credentials["key_format"] = issued.key_pair.key_format
        if key_file:
            credentials["private_key_file"] = key_file
        else:
            credentials["private_key"] = issued.key_pair.private_key
    return credentials


def _print_created(
    created: dict[str, Any],
    run_as_title: str | None,
    credentials: dict[str, Any],
    urls: dict[str, str],
) -> None:
    client_type = ClientType(created["client_type"])
    auth_method = AuthMethod(created["auth_method"])
    out(
        f"Created {created['name']!r}, a {TYPE_TITLES[client_type]} "
        f"({AUTH_TITLES[auth_method]})."
    )
    fields = [("Client id", created["client_id"])]
    if run_as_title is not None:
        fields.append(("Run-as user", run_as_title))
    fields.append(("Scopes", " ".join(created["scopes"])))
    if created["redirect_uris"]:
        fields.append(("Redirect URLs", " ".join(created["redirect_uris"])))
        fields.append(("Offline access", "yes" if created["offline_access"] else "no"))
    for title, route_name, _path in ENDPOINT_ROUTES:
        # A service account never sends anyone to the authorization endpoint.
        if route_name == "vte_extapps.authorize" and client_type is ClientType.SERVICE:
            continue
        fields.append((f"{title} endpoint", urls[ENDPOINT_NAMES[route_name]]))
    fields.append(("REST API", urls["api_base"]))
    if "key_id" in credentials:
        key = f"{credentials['key_id']} ({credentials['key_algorithm']})"
        fields.append(("Key id", key))
    out_fields(fields)

    if "private_key_file" in credentials:
        out()
        out(f"The private key is in {credentials['private_key_file']} (mode 0600).")
        out("The CRM keeps only the public key: guard that file.")
    elif "client_secret" in credentials or "private_key" in credentials:
        out()
        out(f"WARNING: the {_credential_name(credentials)} is {SHOWN_ONCE}.")
        out()
        out(credentials.get("client_secret") or credentials["private_key"])


def _credential_name(credentials: dict[str, Any]) -> str:
    if "client_secret" in credentials:
        return "client secret"
    return f"private key ({credentials['key_format'].upper()})"
