"""``apps``: list, inspect, switch off and on, and re-key applications."""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any

from pyramid.request import Request

from ..models import Application, AuthMethod, ClientType
from ..services import listing
from ..services.applications import InvalidApplication, rotate_secret, set_active
from . import create
from .common import (
    AUTH_TITLES,
    SHOWN_ONCE,
    TYPE_TITLES,
    Command,
    CommandError,
    application_of,
    err,
    out,
    out_fields,
    out_json,
    readable_time,
    summary,
    timestamp,
    user_title,
)


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    apps = commands.add_parser("apps", help="register and manage applications")
    actions = apps.add_subparsers(dest="action", required=True, metavar="ACTION")

    listed = actions.add_parser("list", help="list every application")
    listed.add_argument("--json", action="store_true", help="print JSON")
    listed.set_defaults(run=list_applications)

    create.add_parser(actions)

    show = actions.add_parser("show", help="show one application")
    show.add_argument("client_id", metavar="CLIENT_ID")
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(run=show_application)

    for name, active in (("deactivate", False), ("activate", True)):
        switch = actions.add_parser(
            name, help=f"{name} an application; its tokens follow at once"
        )
        switch.add_argument("client_id", metavar="CLIENT_ID")
        switch.set_defaults(run=activate if active else deactivate)

    rotate = actions.add_parser(
        "rotate-secret",
        help="issue a new client secret; the current one works for a while longer",
    )
    rotate.add_argument("client_id", metavar="CLIENT_ID")
    rotate.add_argument("--json", action="store_true", help="print JSON")
    rotate.set_defaults(run=rotate_secret_command)


def list_applications(command: Command) -> int:
    with command.transaction():
        rows = [
            {**summary(row.application), "active_tokens": row.active_tokens}
            for row in listing.list_applications(command.request)
        ]
    if command.args.json:
        out_json(rows)
        return 0
    if not rows:
        out("No applications are registered.")
        return 0
    columns = ("client_id", "status", "client_type", "auth_method", "name")
    headings = ("CLIENT ID", "STATUS", "TYPE", "AUTH", "NAME")
    widths = [
        max(len(heading), *(len(str(row[key])) for row in rows))
        for key, heading in zip(columns, headings, strict=True)
    ]
    lines = [headings, *[tuple(str(row[key]) for key in columns) for row in rows]]
    for line in lines:
        out(
            "  ".join(
                cell.ljust(width) for cell, width in zip(line, widths, strict=True)
            ).rstrip()
        )
    return 0


def show_application(command: Command) -> int:
    with command.transaction():
        application = application_of(command.request, command.args.client_id)
        details = _details(command.request, application)
    if command.args.json:
        out_json(details)
    else:
        _print_details(details)
    return 0


def _details(request: Request, application: Application) -> dict[str, Any]:
    """Everything about the application but its secrets, ready for JSON."""
    counts = listing.live_counts(request, application)
    run_as = application.run_as_user_id
    return {
        **summary(application),
        "run_as_user": user_title(request, run_as) if run_as else None,
        "description": application.description,
        "display_name": application.display_name,
        "access_token_lifetime": application.access_token_lifetime,
        "created_by": application.created_by,
        "updated_at": timestamp(application.updated_at),
        "secrets": [
            {
                "created_at": timestamp(secret.created_at),
                "expires_at": timestamp(secret.expires_at),
            }
            for secret in application.secrets
        ],
        "keys": [
            {
                "kid": key.kid,
                "algorithm": key.algorithm,
                "thumbprint": key.thumbprint,
                "created_at": timestamp(key.created_at),
            }
            for key in application.keys
        ],
        "live": dataclasses.asdict(counts),
    }


def _print_details(details: dict[str, Any]) -> None:
    client_type = ClientType(details["client_type"])
    out(details["name"])
    fields = [
        ("Client id", details["client_id"]),
        ("Type", TYPE_TITLES[client_type]),
        ("Authentication", AUTH_TITLES[AuthMethod(details["auth_method"])]),
        ("Status", details["status"]),
    ]
    if details["run_as_user"] is not None:
        fields.append(("Run-as user", details["run_as_user"]))
    fields.append(("Scopes", " ".join(details["scopes"]) or "none"))
    if client_type is not ClientType.SERVICE:
        fields.append(("Redirect URLs", " ".join(details["redirect_uris"]) or "none"))
        fields.append(("Offline access", "yes" if details["offline_access"] else "no"))
    for secret in details["secrets"]:
        issued = f"issued {readable_time(secret['created_at'])}"
        if secret["expires_at"] is not None:
            issued += f", works until {readable_time(secret['expires_at'])}"
        fields.append(("Secret", issued))
    for key in details["keys"]:
        fields.append(("Key", f"{key['kid']} ({key['algorithm']})"))
    fields.append(("Created", readable_time(details["created_at"])))
    fields.append(("Last used", readable_time(details["last_used_at"])))
    live = details["live"]
    fields.append(
        (
            "In use",
            f"{live['access_tokens']} access tokens, "
            f"{live['refresh_tokens']} refresh tokens, {live['grants']} consents",
        )
    )
    out_fields(fields)


def _switch(command: Command, active: bool) -> int:
    client_id = command.args.client_id
    with command.transaction():
        application = application_of(command.request, client_id)
        already = application.is_active is active
        revoked = set_active(command.request, application, active)
        name = application.name
    state = "active" if active else "deactivated"
    if already:
        out(f"{client_id} ({name}) was already {state}.")
    elif active:
        out(f"{client_id} ({name}) is now {state}.")
    else:
        out(f"{client_id} ({name}) is now {state}; {revoked} access tokens revoked.")
    return 0


def deactivate(command: Command) -> int:
    return _switch(command, active=False)


def activate(command: Command) -> int:
    return _switch(command, active=True)


def rotate_secret_command(command: Command) -> int:
    client_id = command.args.client_id
    try:
        with command.transaction():
            application = application_of(command.request, client_id)
            secret = rotate_secret(command.request, application)
            previous_end = max(
                (s.expires_at for s in application.secrets if s.expires_at is not None),
                default=None,
            )
    except InvalidApplication as invalid:
        reasons = " ".join(invalid.errors.values())
        raise CommandError(f"{client_id}: {reasons}") from None

    if command.args.json:
        out_json(
            {
                "client_id": client_id,
                "client_secret": secret,
                "previous_secrets_expire_at": timestamp(previous_end),
            }
        )
        err(f"note: the client secret is {SHOWN_ONCE}.")
        return 0
    out(f"Issued a new client secret for {client_id}.")
    if previous_end is not None:
        until = readable_time(timestamp(previous_end))
        out(f"The previous secrets keep working until {until}.")
    out()
    out(f"WARNING: the client secret is {SHOWN_ONCE}.")
    out()
    out(secret)
    return 0
