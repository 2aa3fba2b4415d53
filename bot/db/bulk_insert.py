"""Bulk inserts of transcript messages, the hot path of the transcript writer.

On PostgreSQL this is an ordinary transaction (asyncpg's executemany, no threads involved).

On SQLite it is one call into a dedicated thread holding its own `sqlite3` connection: BEGIN,
a few multi-row INSERTs, COMMIT, in a single hand-over. Through aiosqlite and SQLAlchemy, one
transaction is about ten hand-overs between the event loop and aiosqlite's thread, and while the
loop is busy parsing a class's messages each hand-over waits for the GIL (up to its 5 ms switch
interval): the writer then falls behind the gateway (measured with `parley bench ingest`). Both
connections use WAL and a busy timeout, so they share the file like any two SQLite writers.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy.engine import make_url

from bot.db.engine import SQLITE_BUSY_TIMEOUT_MS, Database
from bot.db.repositories.transcripts import SQLITE_ROWS_PER_STATEMENT, sqlite_insert_parts
from bot.domain.transcripts import IncomingMessage

__all__ = ["TranscriptBulkInserter"]


class TranscriptBulkInserter:
    """`await inserter.insert(records)`: committed when it returns; idempotent on message id."""

    def __init__(self, database: Database) -> None:
        self._db = database
        url = make_url(database.url)
        path = url.database if url.get_backend_name() == "sqlite" else None
        self._path = path if path and path != ":memory:" else None
        self._executor: ThreadPoolExecutor | None = None
        self._connection: sqlite3.Connection | None = None

    @property
    def threaded(self) -> bool:
        return self._path is not None

    async def insert(self, records: Sequence[IncomingMessage]) -> None:
        if not records:
            return
        if self._path is None:
            async with self._db.transaction() as tx:
                await tx.transcripts.insert_messages(records)
            return
        head, values, tail, row = sqlite_insert_parts()
        statements: list[tuple[str, tuple[Any, ...]]] = []
        for start in range(0, len(records), SQLITE_ROWS_PER_STATEMENT):
            chunk = records[start : start + SQLITE_ROWS_PER_STATEMENT]
            params = tuple(itertools.chain.from_iterable(map(row, chunk)))
            statements.append((head + ", ".join([values] * len(chunk)) + tail, params))
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="parley-sqlite-writer")
        await asyncio.get_running_loop().run_in_executor(self._executor, self._write, statements)

    def _write(self, statements: list[tuple[str, tuple[Any, ...]]]) -> None:
        """In the writer thread: one transaction."""
        connection = self._connection
        if connection is None:
            assert self._path is not None
            connection = sqlite3.connect(
                self._path,
                timeout=SQLITE_BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,  # explicit BEGIN/COMMIT below
                check_same_thread=False,
            )
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("PRAGMA foreign_keys=ON")
            self._connection = connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            for sql, params in statements:
                connection.execute(sql, params)
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    async def close(self) -> None:
        executor, self._executor = self._executor, None
        if executor is None:
            return
        connection, self._connection = self._connection, None
        if connection is not None:
            await asyncio.get_running_loop().run_in_executor(executor, connection.close)
        executor.shutdown(wait=True)
