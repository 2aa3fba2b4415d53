"""``parley bench privacy``: how long an erasure and an export take in a big server.

Builds a temporary database (SQLite by default, or ``--database-url``) holding SESSIONS ended
sessions of 30 students with MESSAGES messages each (every message mentions a random
classmate), then times, in the same run: the ``/privacy`` overview of one student (the baseline:
a plain read), the JSON export of another, and that student's erasure (their messages, and
every mention of them in others' messages, rewritten). Prints a short report, then the JSON
result as the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

__all__ = ["build_parser", "run"]

GUILD = 811_111_111_111_111_111
STUDENT = 412_345_678_901_234_567
CLASSMATES = [500_000_000_000_000_000 + i for i in range(29)]
T0 = datetime(2026, 1, 5, tzinfo=UTC)


def build_parser(p: argparse.ArgumentParser) -> None:
    p.add_argument("--sessions", type=int, default=50, help="ended sessions (default 50)")
    p.add_argument("--messages", type=int, default=2000, help="messages per session (2000)")
    p.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    p.add_argument("--seed", type=int, default=1)


async def _fill(database: Any, sessions: int, per_session: int, seed: int) -> int:
    from sqlalchemy import insert

    from bot.db.models import ClassSession, Participant, TranscriptMessage

    rng = random.Random(seed)
    people = [STUDENT, *CLASSMATES]
    message_id = 10**17
    for s in range(sessions):
        async with database.transaction() as tx:
            row = ClassSession(
                guild_id=GUILD,
                channel_id=1000 + s,
                scenario_id="hanoi-2019",
                status="ended",
                created_by=7,
                ended_at=T0,
            )
            tx.session.add(row)
            await tx.session.flush()
            tx.session.add_all(
                Participant(session_id=row.id, user_id=u, display_name=f"student {i}")
                for i, u in enumerate(people)
            )
            rows = []
            for i in range(per_session):
                message_id += 1
                rows.append(
                    {
                        "message_id": message_id,
                        "session_id": row.id,
                        "phase": "Plenary",
                        "channel_id": 1000 + s,
                        "channel_kind": "plenary",
                        "author_id": rng.choice(people),
                        "author_name": "student",
                        "created_at": T0 + timedelta(seconds=i),
                        "content": f"point {i}: I agree with <@{rng.choice(people)}> on this",
                        "attachments": [],
                        "is_facilitator": False,
                        "is_bot": False,
                    }
                )
            await tx.session.execute(insert(TranscriptMessage), rows)
    return sessions * per_session


async def _bench(url: str, sessions: int, per_session: int, seed: int) -> dict[str, Any]:
    from bot.clock import SystemClock
    from bot.db.engine import Database
    from bot.db.migrate import upgrade
    from bot.services.privacy import PrivacyService

    database = Database(url)
    try:
        await upgrade(database.engine)
        total = await _fill(database, sessions, per_session, seed)
        privacy = PrivacyService(database, SystemClock())
        started = time.perf_counter()
        await privacy.overview(GUILD, CLASSMATES[0])
        overview = time.perf_counter() - started
        started = time.perf_counter()
        exported = await privacy.export(GUILD, STUDENT)
        export = time.perf_counter() - started
        started = time.perf_counter()
        report = await privacy.erase(GUILD, STUDENT)
        erase = time.perf_counter() - started
        return {
            "backend": database.backend,
            "messages": total,
            "sessions": sessions,
            "overview_ms": round(overview * 1000, 1),
            "export_ms": round(export * 1000, 1),
            "export_bytes": len(json.dumps(exported)),
            "erase_ms": round(erase * 1000, 1),
            "erased_messages": report.messages,
            "rewritten_rows": report.references,
        }
    finally:
        await database.dispose()


def run(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}"
        result = asyncio.run(_bench(url, args.sessions, args.messages, args.seed))
    print(
        f"{result['backend']}: {result['messages']:,} messages in {result['sessions']} sessions\n"
        f"  overview of one student (baseline): {result['overview_ms']} ms\n"
        f"  export of another (JSON, {result['export_bytes']:,} bytes): {result['export_ms']} ms\n"
        f"  erasure: {result['erase_ms']} ms ({result['erased_messages']} messages erased, "
        f"{result['rewritten_rows']} other rows rewritten)"
    )
    print(json.dumps(result))
    return 0
