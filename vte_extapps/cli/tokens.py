"""``tokens``: revoke an application's or a user's tokens, and clear out dead ones."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from .. import audit
from ..services import cleanup
from ..services.applications import revoke_all_tokens
from ..services.tokens import revoke_user_tokens
from .common import Command, application_of, describe_user, find_user, out

CLEANED_TITLES = {
    "access_tokens": "access tokens",
    "refresh_tokens": "refresh tokens",
    "authorization_codes": "authorization codes",
    "used_assertions": "used assertion ids",
}


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    tokens = commands.add_parser("tokens", help="revoke and clean up tokens")
    actions = tokens.add_subparsers(dest="action", required=True, metavar="ACTION")

    revoke = actions.add_parser(
        "revoke", help="revoke every live token of an application or of a user"
    )
    whose = revoke.add_mutually_exclusive_group(required=True)
    whose.add_argument("--client", metavar="CLIENT_ID", help="an application's tokens")
    whose.add_argument(
        "--user", metavar="USER", help="the tokens acting as a CRM user (id or name)"
    )
    revoke.set_defaults(run=revoke_tokens)

    clean = actions.add_parser(
        "cleanup",
        help="delete expired and revoked tokens, codes and used assertion ids",
    )
    clean.add_argument(
        "--batch-size",
        type=_at_least(1),
        default=cleanup.DEFAULT_BATCH_SIZE,
        metavar="N",
        help=f"rows per transaction (default: {cleanup.DEFAULT_BATCH_SIZE})",
    )
    clean.add_argument(
        "--older-than",
        type=_at_least(0),
        default=0,
        metavar="SECONDS",
        help="keep rows that expired or were revoked less than this long ago",
    )
    clean.set_defaults(run=clean_up)


def _at_least(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if number < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}")
        return number

    return parse


def revoke_tokens(command: Command) -> int:
    request = command.request
    args = command.args
    with command.transaction() as db:
        if args.client is not None:
            application = application_of(request, args.client)
            count = revoke_all_tokens(request, application)
            whose = f"of {application.client_id} ({application.name})"
        else:
            user = find_user(request, args.user)
            count = revoke_user_tokens(db, user.id)
            audit.record(
                request,
                audit.TokenRevoked,
                subject_user_id=user.id,
                revoked_count=count,
            )
            whose = f"acting as {describe_user(user)}"
    noun = "access token" if count == 1 else "access tokens"
    out(f"Revoked every live token {whose}: {count} {noun}, with their refresh tokens.")
    return 0


class ProgressCounter:
    """A count of removed rows, rewritten in place, one line per kind."""

    def __init__(self) -> None:
        self.kind: str | None = None

    def __call__(self, kind: str, removed: int) -> None:
        if self.kind not in {None, kind}:
            sys.stdout.write("\n")
        self.kind = kind
        sys.stdout.write(f"\r{CLEANED_TITLES[kind]}: {removed} removed")
        sys.stdout.flush()

    def finish(self) -> None:
        if self.kind is not None:
            sys.stdout.write("\n")


def clean_up(command: Command) -> int:
    # A counter only for a person watching; logs and pipes get the summary.
    counter = ProgressCounter() if sys.stdout.isatty() else None
    removed = cleanup.remove_dead_rows(
        command.transaction,
        batch_size=command.args.batch_size,
        older_than=command.args.older_than,
        progress=counter,
    )
    if counter is not None:
        counter.finish()
    total = sum(removed.values())
    details = ", ".join(
        f"{count} {CLEANED_TITLES[kind]}" for kind, count in removed.items()
    )
    out(f"Removed {total} dead rows: {details}.")
    return 0
