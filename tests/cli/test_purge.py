"""`parley purge --guild | --session | --older-than`, as a subprocess on a real SQLite file."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.db.engine import Database
from bot.db.migrate import upgrade
from bot.db.models import ClassSession, Participant
from tests.cli.test_main import run_parley

NOW = datetime.now(UTC)


async def three_sessions(path: Path) -> str:
    url = f"sqlite+aiosqlite:///{path}"
    database = Database(url)
    try:
        await upgrade(database.engine)
        async with database.transaction() as tx:
            for guild, ended in ((1, NOW - timedelta(days=400)), (1, None), (2, NOW)):
                row = ClassSession(
                    guild_id=guild,
                    channel_id=10 + guild,
                    scenario_id="hanoi-2019",
                    status="ended" if ended else "open",
                    ended_at=ended,
                    created_by=7,
                )
                tx.session.add(row)
                await tx.session.flush()
                tx.session.add(Participant(session_id=row.id, user_id=99, display_name="Ana"))
    finally:
        await database.dispose()
    return url


async def left(url: str) -> list[int]:
    database = Database(url)
    try:
        async with database.transaction() as tx:
            return list(await tx.session.scalars(select(ClassSession.id).order_by(ClassSession.id)))
    finally:
        await database.dispose()


def test_purge_counts_asks_and_deletes(tmp_path: Path) -> None:
    url = asyncio.run(three_sessions(tmp_path / "parley.sqlite3"))
    env = {"DATABASE_URL": url}

    dry = run_parley("purge", "--older-than", "365d", "--dry-run", cwd=tmp_path, env=env)
    assert dry.returncode == 0, dry.stderr
    assert "1 session" in dry.stdout
    assert asyncio.run(left(url)) == [1, 2, 3]

    no_terminal = run_parley("purge", "--older-than", "365d", cwd=tmp_path, env=env)
    assert no_terminal.returncode == 1 and "--yes" in no_terminal.stderr
    assert asyncio.run(left(url)) == [1, 2, 3]

    old = run_parley("purge", "--older-than", "1y", "--yes", cwd=tmp_path, env=env)
    assert old.returncode == 0 and "Deleted 1 session" in old.stdout
    assert asyncio.run(left(url)) == [2, 3]

    one = run_parley("purge", "--session", "3", "--yes", cwd=tmp_path, env=env)
    assert one.returncode == 0 and "Deleted 1 session" in one.stdout
    guild = run_parley("purge", "--guild", "1", "--yes", cwd=tmp_path, env=env)
    assert guild.returncode == 0 and "Deleted 1 session" in guild.stdout
    assert asyncio.run(left(url)) == []

    missing = run_parley("purge", "--session", "42", "--yes", cwd=tmp_path, env=env)
    assert missing.returncode == 1 and "no session #42" in missing.stderr
    bad = run_parley("purge", "--older-than", "soon", cwd=tmp_path, env=env)
    assert bad.returncode == 2 and "not an age" in bad.stderr


def test_bench_privacy_prints_its_figures_with_a_baseline(tmp_path: Path) -> None:
    result = run_parley(
        "bench", "privacy", "--sessions", "2", "--messages", "60", cwd=tmp_path, env={}
    )
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["messages"] == 120
    assert figures["erased_messages"] > 0 and figures["rewritten_rows"] > 0
    assert {"overview_ms", "export_ms", "erase_ms"} <= set(figures)
