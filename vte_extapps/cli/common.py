"""What every command shares: its request and transaction, users, output."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime
import json
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import transaction
from pyramid.request import Request
from sqlalchemy.orm import Session

from .. import get_settings
from ..directives import DirectoryUser, user_directory
from ..models import Application, AuthMethod, ClientType
from ..oauth import discovery
from ..services.applications import InvalidApplication, find_application
from ..services.endpoints import ENDPOINT_ROUTES, REST_API_PATH

#: The name RFC 8414 gives each endpoint the plugin routes, as JSON keys.
ENDPOINT_NAMES = {
    "vte_extapps.authorize": "authorization_endpoint",
    "vte_extapps.token": "token_endpoint",
    "vte_extapps.revoke": "revocation_endpoint",
    "vte_extapps.introspect": "introspection_endpoint",
    "vte_extapps.metadata": "metadata_endpoint",
}

TYPE_TITLES = {
    ClientType.SERVICE: "service account",
    ClientType.WEB: "web application",
    ClientType.MOBILE: "mobile / native application",
}
AUTH_TITLES = {
    AuthMethod.SECRET: "secret key",
    AuthMethod.JWT: "JWT signed",
    AuthMethod.NONE: "public client, PKCE",
}
SHOWN_ONCE = "shown only this once: store it now, it cannot be shown again"

#: The command line option behind each field of the application form.
FORM_OPTIONS = {
    "name": "--name",
    "client_type": "--type",
    "auth_method": "--auth",
    "run_as_user_id": "--run-as",
    "scopes": "--scope",
    "redirect_uris": "--redirect-uri",
    "offline_access": "--offline-access",
    "key_algorithm": "--alg",
    "public_key": "--alg",
}


class CommandError(Exception):
    """A failure to report in one line or a few, with the exit status."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def usage_error(message: str) -> CommandError:
    """A command line that cannot be carried out as written."""
    return CommandError(message, status=2)


def invalid_form(invalid: InvalidApplication, what: str) -> CommandError:
    """The form's per-field mistakes, named by their options."""
    lines = [f"{what}:"]
    for field, text in invalid.errors.items():
        lines.append(f"  {FORM_OPTIONS.get(field, field)}: {text}")
    return CommandError("\n".join(lines))


@dataclasses.dataclass(frozen=True)
class Command:
    """One run of a command: the parsed line and the host's request."""

    request: Request
    args: argparse.Namespace

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A transaction that commits on success and rolls back on any error."""
        # pyramid_tm's manager when the host has it, else the thread's own.
        manager = getattr(self.request, "tm", None)
        with manager if manager is not None else transaction.manager:
            yield self.request.extapps_db


def find_user(request: Request, text: str) -> DirectoryUser:
    """The one CRM user ``text`` names; a CommandError if none or several do."""
    text = text.strip()
    if not text:
        raise usage_error("name a CRM user by id or name")
    directory = user_directory(request.registry)
    user = directory.get_user(request, text)
    if user is not None:
        return user
    found = list(directory.search(request, text))
    wanted = text.casefold()
    exact = [
        candidate
        for candidate in found
        if wanted
        in {candidate.display_name.casefold(), (candidate.email or "").casefold()}
    ]
    matches = exact or found
    if not matches:
        raise CommandError(f"no CRM user matches {text!r}")
    if len(matches) > 1:
        names = ", ".join(describe_user(candidate) for candidate in matches[:5])
        raise CommandError(
            f"{text!r} matches several CRM users ({names}); give the user's id"
        )
    return matches[0]


def application_of(request: Request, client_id: str) -> Application:
    application = find_application(request, client_id)
    if application is None:
        raise CommandError(f"no application has the client id {client_id!r}")
    return application


def summary(application: Application) -> dict[str, Any]:
    """What anyone may see of an application: nothing secret."""
    return {
        "client_id": application.client_id,
        "name": application.name,
        "client_type": application.client_type.value,
        "auth_method": application.auth_method.value,
        "status": application.status.value,
        "run_as_user_id": application.run_as_user_id,
        "scopes": list(application.scopes),
        "redirect_uris": list(application.redirect_uris),
        "offline_access": application.offline_access,
        "created_at": timestamp(application.created_at),
        "last_used_at": timestamp(application.last_used_at),
    }


def user_title(request: Request, user_id: str) -> str:
    user = user_directory(request.registry).get_user(request, user_id)
    if user is None:
        return f"unknown user (id {user_id})"
    return describe_user(user) + ("" if user.active else ", deactivated")


def describe_user(user: DirectoryUser) -> str:
    return f"{user.display_name} (id {user.id})"


def endpoint_urls(request: Request, public_url: str | None = None) -> dict[str, str]:
    """The URLs an application's developers need.

    They are under ``public_url`` when the operator names it, else under the
    configured issuer, else under the request's own URL.
    """
    settings = get_settings(request.registry)
    base = public_url or settings.issuer or request.application_url.rstrip("/")
    urls = {"issuer": discovery.issuer(request)}
    for _title, route_name, path in ENDPOINT_ROUTES:
        try:
            url = str(request.route_url(route_name, _app_url=base))
        except KeyError:
            # RFC 8414 3: metadata is at the root whatever the plugin's prefix.
            prefix = settings.route_prefix
            if prefix and not path.startswith("/.well-known/"):
                path = f"/{prefix}{path}"
            url = base + path
        urls[ENDPOINT_NAMES[route_name]] = url
    urls["api_base"] = base + REST_API_PATH
    return urls


def timestamp(moment: datetime.datetime | None) -> str | None:
    """An instant as ISO 8601 text in UTC, for JSON."""
    if moment is None:
        return None
    return moment.astimezone(datetime.UTC).isoformat()


def readable_time(moment: str | None, never: str = "never") -> str:
    """An ISO 8601 instant, as ``timestamp`` gives it, for people."""
    if moment is None:
        return never
    parsed = datetime.datetime.fromisoformat(moment).astimezone(datetime.UTC)
    return parsed.strftime("%Y-%m-%d %H:%M:%S UTC")


def out(text: str = "") -> None:
    """Write a line to standard output."""
    sys.stdout.write(text + "\n")


def err(text: str) -> None:
    """Write a line to standard error."""
    sys.stderr.write(text + "\n")


def out_json(data: Any) -> None:
    out(json.dumps(data, indent=2))


def out_fields(fields: Sequence[tuple[str, str]]) -> None:
    """Labelled lines with the values lined up."""
    width = max((len(label) for label, _ in fields), default=0)
    for label, value in fields:
        out(f"  {label + ':':<{width + 1}} {value}")
