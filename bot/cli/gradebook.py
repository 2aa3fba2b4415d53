"""``parley gradebook SESSION -o FILE.csv``: the gradebook without Discord.

The same CSV as `/session gradebook` (see `bot.domain.gradebook`), read straight from the
database the bot uses (``DATABASE_URL`` or the default SQLite file). Floor seconds come from the
speaking turns the rounds engine stored (a turn still running counts up to now).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.cli.failures import CommandFailed, check_output_path, output_file
from bot.errors import UserFacingError
from bot.settings import load_settings

__all__ = ["register", "write_gradebook"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "gradebook",
        help="write a session's gradebook (one row per student) as CSV",
        description="Write a session's gradebook as CSV: the same file as /session gradebook, "
        "one row per student, read from Parley's database (DATABASE_URL or the SQLite file in "
        "DATA_DIR). Floor seconds come from the rounds the session played.",
    )
    p.add_argument("session", type=int, help="the session number (as in /session status)")
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help="the CSV file to write, e.g. grades.csv (- for standard output)",
    )
    p.set_defaults(func=cmd_gradebook)


async def write_gradebook(database_url: str, session_id: int, output: str | Path) -> int:
    """Write the gradebook of ``session_id`` (``-``: standard output); returns the student rows.

    Reads only a database that is set up (an empty one is never created), and names a session
    that is not in it, before anything is written."""
    from bot.clock import SystemClock
    from bot.content.loader import load_scenarios
    from bot.db.diagnose import check_ready, require_existing_file
    from bot.db.engine import Database
    from bot.services.debrief import DebriefService
    from bot.services.negotiation import NegotiationService
    from bot.services.rounds import RoundService
    from bot.services.timers import TimerService
    from bot.services.transcripts import TranscriptService

    if str(output) != "-":
        check_output_path(Path(output))
    require_existing_file(database_url)
    database = Database(database_url)
    try:
        await check_ready(database.engine, database_url)
        scenarios = load_scenarios()
        transcripts = TranscriptService(database, scenarios=scenarios)
        if await transcripts.session(session_id) is None:
            raise CommandFailed(
                f"There is no session {session_id} in this database "
                "(`parley transcript sessions` lists them)."
            )
        negotiation = NegotiationService(database, scenarios)
        clock = SystemClock()
        # Only read here: the timer service is never started, so nothing fires.
        rounds = RoundService(
            database, scenarios, clock=clock, timers=TimerService(database, clock)
        )
        debrief = DebriefService(
            database,
            scenarios,
            transcripts=transcripts,
            negotiation=negotiation,
            floor_seconds=rounds.floor_seconds,
        )
        with output_file(output) as out:
            return await debrief.write_gradebook(session_id, out)
    finally:
        await database.dispose()


def cmd_gradebook(args: argparse.Namespace) -> int:
    settings = load_settings()
    try:
        rows = asyncio.run(
            write_gradebook(settings.resolved_database_url, args.session, args.output)
        )
    except UserFacingError as error:
        print(f"Session {args.session}: {error}", file=sys.stderr)
        return 1
    if args.output != "-":
        print(f"Wrote {rows} {'student' if rows == 1 else 'students'} to {args.output}.")
    return 0
