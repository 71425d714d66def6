"""The operator command line: ``vte-extapps CONFIG_URI COMMAND ...``.

It loads the host application from its ini file, as ``pshell`` does, and runs
each command in a transaction on a request of that application, so the host's
users, scopes and database are the ones the web pages see. The work itself
is the service layer's; this package parses, calls and prints.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from urllib.parse import urlsplit

import plaster
from pyramid.exceptions import ConfigurationError
from pyramid.paster import bootstrap
from pyramid.request import Request
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from . import apps, database, tokens
from .common import Command, CommandError, err

PROGRAM = "vte-extapps"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROGRAM,
        description="Manage the CRM's External Applications from the shell.",
    )
    parser.add_argument(
        "--url",
        metavar="BASE",
        type=_base_url,
        help="the CRM's public URL, for the endpoint URLs shown (default: "
        "vte_extapps.issuer, else the ini file's server address)",
    )
    parser.add_argument(
        "config_uri",
        metavar="CONFIG_URI",
        help="the host's ini file, e.g. production.ini",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    database.add_parsers(commands)
    apps.add_parsers(commands)
    tokens.add_parsers(commands)
    return parser


def _base_url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise argparse.ArgumentTypeError(
            f"expected an http or https URL such as https://crm.example.com, "
            f"got {text!r}"
        )
    return text.rstrip("/")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (2 for a bad command line)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:
        # argparse has printed the usage or the help already.
        return stop.code if isinstance(stop.code, int) else 2

    try:
        _setup_logging(args.config_uri)
        base_url = args.url or _served_url(args.config_uri)
        blank = Request.blank("/", base_url=base_url) if base_url else None
        environment = bootstrap(args.config_uri, request=blank)
    except Exception as error:  # noqa: BLE001 - the host may raise anything
        err(f"{PROGRAM}: error: cannot load {args.config_uri}: {_reason(error)}")
        return 1

    with environment:
        request = environment["request"]
        try:
            return _run(Command(request, args))
        finally:
            _close_database(request)


def _run(command: Command) -> int:
    try:
        return int(command.args.run(command))
    except CommandError as error:
        err(f"{PROGRAM}: error: {error}")
        return error.status
    except ConfigurationError as error:
        err(f"{PROGRAM}: error: {error}")
        return 1
    except SQLAlchemyError as error:
        # The driver's own message, without the statement and its values.
        reason = _reason(getattr(error, "orig", None) or error)
        err(
            f"{PROGRAM}: error: the database refused: {reason} (is it reachable, "
            f"and has `{PROGRAM} {command.args.config_uri} migrate` been run?)"
        )
        return 1


def _close_database(request: Request) -> None:
    # The process ends soon after: give back the connections this run opened.
    # Only a session the command used, which the request reified on first use.
    session = vars(request).get("extapps_db")
    if session is None:
        return
    session.close()
    bind = session.get_bind()
    if isinstance(bind, Engine):
        bind.dispose()


def _served_url(config_uri: str) -> str | None:
    """Where the ini file's own server listens, e.g. http://127.0.0.1:6543.

    Without an issuer setting, the endpoints shown are then the ones a client
    of that server reaches, rather than http://localhost.
    """
    loader = plaster.get_loader(config_uri, protocols=["wsgi"])
    if "server:main" not in loader.get_sections():
        return None
    server = loader.get_settings("server:main")
    listen = str(server.get("listen", "")).split()
    if listen:
        address = listen[0]
    elif server.get("port"):
        address = f"{server.get('host', '127.0.0.1')}:{server['port']}"
    else:
        return None
    host, _, port = address.rpartition(":")
    if not host or host in {"0.0.0.0", "*", "[::]"}:  # noqa: S104 - a name, not a bind
        host = "localhost"
    return f"http://{host}:{port}" if port.isdigit() else None


def _setup_logging(config_uri: str) -> None:
    # Only as the ini file says: by default the command line prints, it
    # does not log. Audit lines never carry a secret either way.
    loader = plaster.get_loader(config_uri, protocols=["wsgi"])
    if "loggers" in loader.get_sections():
        loader.setup_logging()


def _reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__
