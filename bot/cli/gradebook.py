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

from bot.errors import UserFacingError
from bot.settings import load_settings

__all__ = ["register", "write_gradebook"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "gradebook",
        help="write a session's gradebook (one row per student) as CSV",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("session", type=int, help="the session number (as in /session status)")
    p.add_argument(
        "-o", "--output", required=True, type=Path, help="the CSV file to write, e.g. grades.csv"
    )
    p.set_defaults(func=cmd_gradebook)


async def write_gradebook(database_url: str, session_id: int, output: Path) -> int:
    """Write the gradebook of ``session_id``; returns the number of student rows."""
    from bot.clock import SystemClock
    from bot.content.loader import load_scenarios
    from bot.db.engine import Database
    from bot.services.debrief import DebriefService
    from bot.services.negotiation import NegotiationService
    from bot.services.rounds import RoundService
    from bot.services.timers import TimerService
    from bot.services.transcripts import TranscriptService

    database = Database(database_url)
    try:
        scenarios = load_scenarios()
        transcripts = TranscriptService(database, scenarios=scenarios)
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
        temporary = output.with_name(output.name + ".part")
        try:
            with temporary.open("wb") as out:
                rows = await debrief.write_gradebook(session_id, out)
            temporary.replace(output)
        finally:
            temporary.unlink(missing_ok=True)
        return rows
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
    print(f"Wrote {rows} {'student' if rows == 1 else 'students'} to {args.output}.")
    return 0
