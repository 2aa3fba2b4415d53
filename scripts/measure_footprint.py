"""What an always-on machine needs for Parley: `.venv/bin/python scripts/measure_footprint.py`.

Disk: the transcript benchmark's class messages (`parley bench ingest`'s generator: 4-40 words
each, 30 students, plenary and delegation threads) stored by the same path Parley uses into a fresh
SQLite file, which is then checkpointed and measured: bytes per stored message.

Memory:
Starts the real bot (every extension, the real content, a migrated SQLite file) connected offline
to the test harness's fake Discord with one class server of 30 students, lets it idle, and prints
the bot process's resident memory (VmRSS, VmHWM from /proc, so Linux only) beside the same-run
baseline of a Python that has only imported Parley's libraries. Then one message is recorded, which
starts the SQLite writer process, and its resident memory is printed too. Run it with the test
environment's python: it needs tests/harness.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def status(pid: str = "self") -> dict[str, int]:
    """VmRSS and VmHWM in MiB."""
    fields: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) // 1024
    return fields


def _children() -> list[str]:
    me = str(os.getpid())
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if stat.read_text().rsplit(")", 1)[1].split()[1] == me:
                found.append(stat.parent.name)
        except OSError:
            continue
    return found


def _cmdline(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def baseline() -> dict[str, int]:
    code = (
        "import discord, sqlalchemy, aiosqlite, alembic, rapidfuzz, pydantic_settings, yaml\n"
        "from pathlib import Path\n"
        "print(Path('/proc/self/status').read_text())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    fields = {}
    for line in out.stdout.splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) // 1024
    return fields


async def disk(messages: int = 20_000) -> tuple[int, int]:
    """(bytes of an empty migrated database, bytes per stored message)."""
    from bot.bench.ingest import World
    from bot.db import bench_storage

    async with bench_storage.scratch_database() as database:
        path = Path(database.engine.url.database or "")

        async def size() -> int:
            async with database.engine.begin() as conn:
                await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            return await asyncio.to_thread(os.path.getsize, path)

        empty = await size()
        world = World(sessions=1, students=30)
        await world.create_sessions(database)
        records = world.records(world.messages(messages))
        await bench_storage.plain_executemany(database, bench_storage.plain_rows(database, records))
        return empty, (await size() - empty) // messages


async def main() -> None:
    from bot.cli.parley import freeze_startup_heap
    from bot.client import ParleyBot
    from bot.db.engine import Database
    from bot.db.migrate import upgrade
    from bot.settings import Settings
    from tests.harness import WireHarness, classroom

    with tempfile.TemporaryDirectory(prefix="parley-memory-") as tmp:
        database = Database(f"sqlite+aiosqlite:///{Path(tmp) / 'parley.sqlite3'}")
        await upgrade(database.engine)
        settings = Settings(_env_file=None, data_dir=Path(tmp), discord_token=None)  # type: ignore[call-arg]
        bot = ParleyBot(settings, database, sync_on_start=False)
        h = WireHarness(bot)
        world = classroom(h, students=30)
        async with h:
            freeze_startup_heap()
            await asyncio.sleep(10)
            idle = status()
            await h.slash(world.facilitator, "session create", options={"scenario": "hanoi-2019"})
            await h.send_message(world.plenary, world.students[0], "Shall we start with Yongbyon?")
            await bot.transcripts.flush()
            await h.settle()
            children = [c for c in _children() if "sqlite_writer_process" in _cmdline(c)]
            writer_status = status(children[0]) if children else {}
            after = status()
        await database.dispose()
    base = baseline()
    empty, per_message = await disk()
    print(f"empty database: {empty // 1024} KiB; each stored message: {per_message} bytes")
    print(f"baseline (Python + Parley's libraries imported): RSS {base['VmRSS']} MiB")
    print(f"Parley idle, 1 server, 30 students: RSS {idle['VmRSS']} MiB (peak {idle['VmHWM']} MiB)")
    print(f"after a session and a message: RSS {after['VmRSS']} MiB (peak {after['VmHWM']} MiB)")
    if writer_status:
        print(f"SQLite writer process: RSS {writer_status['VmRSS']} MiB")
    else:
        print("SQLite writer process: not found")


if __name__ == "__main__":
    asyncio.run(main())
