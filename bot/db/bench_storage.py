"""Database helpers for `parley bench ingest`: its fixtures and the baselines it measures
Parley's transcript writer against (so the benchmark itself imports no SQLAlchemy)."""

from __future__ import annotations

import asyncio
import secrets
import sqlite3
import tempfile
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert
from sqlalchemy.engine import make_url

from bot.db.engine import SQLITE_BUSY_TIMEOUT_MS, Database
from bot.db.migrate import upgrade
from bot.db.models import ClassSession, Participant, TranscriptMessage, TranscriptRevision
from bot.db.repositories.transcripts import (
    _INSERT_COLUMNS,
    _aware_time,
    row_builder,
    sqlite_time,
)
from bot.domain.transcripts import ChannelInfo, IncomingMessage

_messages = cast(Table, TranscriptMessage.__table__)


@asynccontextmanager
async def scratch_database(postgres_url: str | None = None) -> AsyncIterator[Database]:
    """A throwaway database: a SQLite file in a temporary folder, or a temporary schema in a
    PostgreSQL database (created, migrated, dropped) - never the teacher's own data."""
    if postgres_url is None:
        with tempfile.TemporaryDirectory(prefix="parley-bench-") as folder:
            database = Database(f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}")
            try:
                await upgrade(database.engine)
                yield database
            finally:
                await database.dispose()
        return
    schema = f"parley_bench_{secrets.token_hex(4)}"
    admin = Database(postgres_url)
    try:
        async with admin.engine.begin() as conn:
            await conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        database = Database(postgres_url, connect_args={"server_settings": {"search_path": schema}})
        try:
            await upgrade(database.engine)
            yield database
        finally:
            await database.dispose()
            async with admin.engine.begin() as conn:
                await conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    finally:
        await admin.dispose()


async def create_session(
    database: Database,
    *,
    guild_id: int,
    channel_id: int,
    created_by: int,
    participants: Sequence[tuple[int, str, str | None]],
    channels: Sequence[ChannelInfo],
) -> int:
    """A running class session with its participants (user id, name, actor) and channels."""
    async with database.transaction() as tx:
        session = ClassSession(
            guild_id=guild_id,
            channel_id=channel_id,
            scenario_id="hanoi-2019",
            status="running",
            created_by=created_by,
        )
        tx.session.add(session)
        await tx.session.flush()
        for user_id, name, actor in participants:
            tx.session.add(
                Participant(
                    session_id=session.id, user_id=user_id, display_name=name, actor_id=actor
                )
            )
        for channel in channels:
            await tx.sessions.add_channel(
                session.id,
                channel.channel_id,
                kind=channel.kind,
                actor_id=channel.actor_id,
                label=channel.label,
            )
        return session.id


async def clear_transcripts(database: Database) -> None:
    async with database.transaction() as tx:
        await tx.session.execute(delete(TranscriptRevision))
        await tx.session.execute(delete(TranscriptMessage))


async def count_transcript_messages(database: Database) -> int:
    async with database.transaction() as tx:
        return len((await tx.session.execute(_messages.select())).all())


def _plain_insert(database: Database) -> tuple[str, Any]:
    """A plain INSERT of the same columns (no conflict handling, actor given), compiled for the
    driver, and the function that turns a record into its parameter tuple."""
    columns = _messages.c
    values: dict[str, Any] = {
        name: bindparam(f"p_{name}", type_=columns[name].type) for name in _INSERT_COLUMNS
    }
    values["actor_id"] = bindparam("p_channel_actor", type_=columns.actor_id.type)
    dialect = database.engine.dialect
    compiled = insert(_messages).values(values).compile(dialect=dialect)
    when = sqlite_time if dialect.name == "sqlite" else _aware_time
    return compiled.string, row_builder(tuple(compiled.positiontup or ()), when)


class _RawSqlite:
    """A plain `sqlite3` connection on one thread of its own, like the bulk inserter's."""

    def __init__(self, database: Database) -> None:
        path = make_url(database.url).database
        assert path
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="parley-bench-sqlite")
        self._connection = sqlite3.connect(
            path,
            timeout=SQLITE_BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,
        )
        self._connection.execute("PRAGMA synchronous=NORMAL")

    async def run(self, fn: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    def executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        self._connection.execute("BEGIN IMMEDIATE")
        self._connection.executemany(sql, rows)
        self._connection.execute("COMMIT")

    def execute(self, sql: str, row: tuple[Any, ...]) -> None:
        self._connection.execute("BEGIN IMMEDIATE")
        self._connection.execute(sql, row)
        self._connection.execute("COMMIT")

    def close(self) -> None:
        self._connection.close()
        self._executor.shutdown()


def plain_rows(database: Database, records: Sequence[IncomingMessage]) -> Any:
    """The same rows as the writer stores, ready for the driver (built before timing)."""
    sql, row = _plain_insert(database)
    return sql, [row(r) for r in records]


async def plain_executemany(database: Database, prepared: Any, *, batch: int = 500) -> None:
    """The floor: the driver's own executemany of ready-made rows, one commit per `batch` (no
    conflict handling, no actor lookup, no SQLAlchemy). On SQLite a plain `sqlite3` connection
    on its own thread, one hand-over per batch; on PostgreSQL asyncpg's executemany."""
    sql, rows = prepared
    if database.backend == "sqlite":
        raw = _RawSqlite(database)
        try:
            for start in range(0, len(rows), batch):
                await raw.run(raw.executemany, sql, rows[start : start + batch])
        finally:
            raw.close()
        return
    for start in range(0, len(rows), batch):
        async with database.engine.begin() as conn:
            await conn.exec_driver_sql(sql, rows[start : start + batch])


async def insert_one_by_one(database: Database, prepared: Any, *, raw: bool = False) -> None:
    """The naive way: one INSERT and one COMMIT per message. By default through the
    application's database layer (SQLAlchemy on aiosqlite or asyncpg), as code that commits
    each message would; with `raw`, by the floor's own driver path (on SQLite a plain `sqlite3`
    connection on its own thread), so the only difference from Parley's writer is batching."""
    sql, rows = prepared
    if raw and database.backend == "sqlite":
        connection = _RawSqlite(database)
        try:
            for row in rows:
                await connection.run(connection.execute, sql, row)
        finally:
            connection.close()
        return
    for row in rows:
        async with database.engine.begin() as conn:
            await conn.exec_driver_sql(sql, row)
