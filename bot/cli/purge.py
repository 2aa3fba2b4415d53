"""``parley purge --guild ID | --session ID | --older-than 365d``: delete records for good.

For the operator (whoever runs Parley), without Discord. It first counts what would go and
asks for ``yes``; ``--yes`` skips the question (for scripts), ``--dry-run`` only counts.
``--older-than`` deletes sessions that ended longer ago than that (and quiz history that old),
as the daily retention sweep does with ``RETENTION_DAYS``; ``--guild`` deletes everything about
one server; ``--session`` one session, live or not.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from datetime import timedelta

from bot.domain.privacy import PurgeReport, parse_age
from bot.errors import UserFacingError
from bot.settings import load_settings

__all__ = ["purge", "register"]


def _age(text: str) -> timedelta:
    try:
        return parse_age(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "purge",
        help="delete a server's, a session's or old records for good",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--guild", type=int, metavar="ID", help="a server id: everything about it")
    which.add_argument("--session", type=int, metavar="ID", help="one session, with its record")
    which.add_argument(
        "--older-than",
        type=_age,
        metavar="AGE",
        help="sessions ended longer ago than AGE (365d, 52w, 1y, 48h), and quiz history that old",
    )
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.add_argument("--dry-run", action="store_true", help="only count what would be deleted")
    p.set_defaults(func=cmd_purge)


async def purge(
    database_url: str,
    *,
    guild_id: int | None = None,
    session_id: int | None = None,
    older_than: timedelta | None = None,
    dry_run: bool = False,
) -> PurgeReport:
    """Run one purge (or count it) against the database at ``database_url``."""
    from bot.clock import SystemClock
    from bot.db.engine import Database
    from bot.services.privacy import PrivacyService

    database = Database(database_url)
    try:
        privacy = PrivacyService(database, SystemClock())
        if guild_id is not None:
            return await privacy.purge_guild(guild_id, dry_run=dry_run)
        if session_id is not None:
            return await privacy.purge_session(session_id, allow_live=True, dry_run=dry_run)
        assert older_than is not None
        return await privacy.purge_older_than(older_than, dry_run=dry_run)
    finally:
        await database.dispose()


def _target(args: argparse.Namespace) -> str:
    if args.guild is not None:
        return f"everything about server {args.guild}"
    if args.session is not None:
        return f"session {args.session}"
    return f"sessions ended more than {args.older_than.days} days ago, and quiz history that old"


def cmd_purge(args: argparse.Namespace, ask: Callable[[str], str] = input) -> int:
    settings = load_settings()
    kwargs = {"guild_id": args.guild, "session_id": args.session, "older_than": args.older_than}
    url = settings.resolved_database_url
    try:
        counted = asyncio.run(purge(url, dry_run=True, **kwargs))
    except UserFacingError as error:
        print(str(error).replace("`/session end`", "/session end"), file=sys.stderr)
        return 1
    print(f"Purge {_target(args)}: {counted.summary()}.")
    if args.dry_run or counted.empty:
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            print("Not deleting: add --yes to confirm without a terminal.", file=sys.stderr)
            return 1
        if ask("Delete this for good? Type yes: ").strip().lower() != "yes":
            print("Nothing deleted.")
            return 1
    done = asyncio.run(purge(url, **kwargs))
    print(f"Deleted {done.summary()}.")
    return 0
