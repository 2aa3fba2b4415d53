"""``parley transcript export`` and ``parley transcript sessions``: transcripts from the terminal.

Reads the database named by ``DATABASE_URL`` (or ``--database``), so a teacher or an admin can
export a whole session of any size to a file, without Discord's upload limit.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path
from typing import Any

from bot.cli.failures import check_output_path, output_file
from bot.domain.transcript_formats import FORMATS
from bot.errors import UserFacingError

__all__ = ["register"]

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    transcript = subparsers.add_parser(
        "transcript",
        help="export session transcripts",
        description="List the sessions in Parley's database and export a session's whole "
        "transcript to a file, of any size (Discord's upload limit does not apply here).",
    )
    sub = transcript.add_subparsers(dest="transcript_command", required=True, metavar="ACTION")

    export = sub.add_parser(
        "export",
        help="write a session's transcript to a file",
        description="Write a session's transcript (every message, edit and deletion) to a "
        "file. md and html are for reading, csv for spreadsheets, json (one array of message "
        "objects) for programs. Streamed: any size works.",
    )
    export.add_argument(
        "session", type=int, help="the session id (see `parley transcript sessions`)"
    )
    export.add_argument(
        "--format", "-f", choices=FORMATS, default="html", help="the file's format (default: html)"
    )
    export.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="where to write (default: transcript-session-N.FORMAT here; - for stdout)",
    )
    export.add_argument(
        "--phase", help="only this phase (its title as in the transcript, any case)"
    )
    export.add_argument("--database", metavar="URL", help="default: DATABASE_URL from settings")
    export.set_defaults(func=cmd_export)

    sessions = sub.add_parser("sessions", help="list sessions and how many messages each has")
    sessions.add_argument("--guild", type=int, help="only this server (its id)")
    sessions.add_argument("--database", metavar="URL", help="default: DATABASE_URL from settings")
    sessions.set_defaults(func=cmd_sessions)


def _database_url(args: argparse.Namespace) -> str:
    if args.database:
        return str(args.database)
    from bot.settings import load_settings

    return load_settings().resolved_database_url


def _service(url: str) -> Any:
    from bot.content.loader import load_scenarios
    from bot.db.engine import Database
    from bot.services.transcripts import TranscriptService

    try:
        scenarios = load_scenarios()
    except Exception as exc:  # titles and actor names are a nicety; the transcript is not
        log.warning(
            "Scenario content did not load (%s); using ids in the export", type(exc).__name__
        )
        log.debug("Scenario content did not load", exc_info=True)
        scenarios = {}
    database = Database(url)
    return database, TranscriptService(database, scenarios=scenarios)


async def _ready(database: Any, url: str) -> None:
    """Only read a database that is there and set up: never leave an empty one behind."""
    from bot.db.diagnose import check_ready

    await check_ready(database.engine, url)


async def _export(args: argparse.Namespace) -> int:
    if args.output not in (None, "-"):
        check_output_path(Path(args.output))
    url = _database_url(args)
    from bot.db.diagnose import require_existing_file

    require_existing_file(url)
    database, service = _service(url)
    try:
        await _ready(database, url)
        session = await service.session(args.session)
        if session is None:
            print(
                f"There is no session {args.session} in this database "
                "(`parley transcript sessions` lists them).",
                file=sys.stderr,
            )
            return 1
        plan = await service.plan_export(session, phase=args.phase, facilitator=True)
        output = args.output or plan.filename(args.format)
        with output_file(output) as out:
            result = await service.export_plan(plan, args.format, out)
        if output != "-":
            print(f"Wrote {result.messages} messages of session {session.id} to {output}")
        return 0
    except UserFacingError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        await database.dispose()


def cmd_export(args: argparse.Namespace) -> int:
    return asyncio.run(_export(args))


async def _sessions(args: argparse.Namespace) -> int:
    url = _database_url(args)
    from bot.db.diagnose import require_existing_file

    require_existing_file(url)
    database, service = _service(url)
    try:
        await _ready(database, url)
        found = await service.sessions(args.guild, limit=1000)
    finally:
        await database.dispose()
    if not found:
        print("No sessions yet.")
        return 0
    print(f"{'id':>5}  {'scenario':<20} {'status':<8} {'created (UTC)':<16} {'messages':>8}")
    for s in found:
        title = service.scenario_names(s.scenario_id)[0]
        print(
            f"{s.id:>5}  {title[:20]:<20} {s.status[:8]:<8} "
            f"{s.created_at:%Y-%m-%d %H:%M} {s.messages:>8}"
        )
    return 0


def cmd_sessions(args: argparse.Namespace) -> int:
    return asyncio.run(_sessions(args))
