"""Bulk inserts of transcript messages, the hot path of the transcript writer.

On PostgreSQL this is an ordinary transaction (asyncpg's executemany, no threads involved).

On SQLite it is one call into a dedicated thread holding its own `sqlite3` connection, and in
that thread one statement: `INSERT … SELECT … FROM json_each(?)`, whose single parameter is the
whole batch as one JSON array, run in autocommit (SQLite makes the one statement its own
transaction). Why so, measured with `parley bench ingest` and per-thread context-switch counts:

* The writer thread needs the GIL again after every call into SQLite (each `sqlite3_step`,
  `sqlite3_reset`, BEGIN and COMMIT, and every row of an `executemany`). While the event loop is
  busy parsing a class's messages it releases the GIL only briefly, at each poll, so the thread
  usually wakes too late, sleeps again, and gets the GIL only when the 5 ms switch interval
  forces it: thousands of futile wake-ups a batch, paid for by the event loop in system calls.
  One statement with one parameter needs the GIL back about twice a batch.
* Binding one text parameter holds the GIL for microseconds; SQLite parses the JSON and
  inserts the rows without it.
* A single statement outside BEGIN … COMMIT needs no statement journal (with several multi-row
  INSERTs in one transaction SQLite spills each statement's undo pages to a temporary file).

The JSON text is built on the event loop (C-speed `json.dumps` of plain tuples). If the SQLite
library lacks the JSON functions (built in since 3.38, and in most older distribution builds),
the inserter says so in the log and uses the application's database layer instead.

Both connections use WAL and a busy timeout, so they share the file like any two SQLite
writers.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.engine import make_url

from bot.db.engine import SQLITE_BUSY_TIMEOUT_MS, Database
from bot.db.models.sessions import Participant
from bot.db.models.transcripts import TranscriptMessage
from bot.db.repositories.transcripts import sqlite_time
from bot.domain.transcripts import IncomingMessage

__all__ = ["TranscriptBulkInserter", "json_insert_sql", "json_rows"]

log = logging.getLogger(__name__)

# Fails with OperationalError where the SQLite library was built without JSON functions.
JSON_FUNCTIONS_PROBE = "SELECT json_extract('[1]', '$[0]') FROM json_each('[]')"

# The fields of one row of the JSON array, in this order.
_JSON_FIELDS = (
    "message_id",
    "session_id",
    "phase",
    "channel_id",
    "channel_kind",
    "author_id",
    "author_name",
    "channel_actor",
    "created_at",
    "content",
    "attachments",
    "reply_to_id",
    "is_facilitator",
    "is_bot",
    "edited_at",
)


def json_insert_sql() -> str:
    """INSERT … SELECT from the JSON array, ON CONFLICT (message_id) DO NOTHING; the actor is
    the thread's delegation for students, otherwise the author's assigned actor."""
    messages = cast(Table, TranscriptMessage.__table__)
    participants = cast(Table, Participant.__table__)

    def field(name: str) -> str:
        return f"json_extract(value, '$[{_JSON_FIELDS.index(name)}]')"

    expressions = {name: field(name) for name in _JSON_FIELDS if name != "channel_actor"}
    expressions["actor_id"] = (
        f"coalesce({field('channel_actor')}, (SELECT {participants.c.actor_id.name} "
        f"FROM {participants.name} WHERE {participants.c.session_id.name} = "
        f"{field('session_id')} AND {participants.c.user_id.name} = {field('author_id')}))"
    )
    for column in expressions:
        messages.c[column]
    # `WHERE true` keeps SQLite's parser from reading ON CONFLICT as part of the SELECT.
    return (
        f"INSERT INTO {messages.name} ({', '.join(expressions)}) "
        f"SELECT {', '.join(expressions.values())} FROM json_each(?) WHERE true "
        f"ON CONFLICT ({messages.c.message_id.name}) DO NOTHING"
    )


def _json_row(r: IncomingMessage) -> tuple[Any, ...]:
    return (
        r.message_id,
        r.session_id,
        r.phase,
        r.channel_id,
        r.channel_kind,
        r.author_id,
        r.author_name[:100],
        r.channel_actor_id,
        sqlite_time(r.created_at),
        r.content,
        [a.as_dict() for a in r.attachments],
        r.reply_to_id,
        r.is_facilitator,
        r.is_bot,
        sqlite_time(r.edited_at) if r.edited_at is not None else None,
    )


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def json_rows(records: Sequence[IncomingMessage]) -> str:
    """The batch as the statement's one parameter."""
    return _dumps(list(map(_json_row, records)))


def _storable(text: str) -> str:
    """`text` without what UTF-8 cannot hold (a lone surrogate from a broken emoji)."""
    return text.encode("utf-8", "replace").decode("utf-8")


class TranscriptBulkInserter:
    """`await inserter.insert(records)`: committed when it returns; idempotent on message id."""

    def __init__(self, database: Database) -> None:
        self._db = database
        url = make_url(database.url)
        path = url.database if url.get_backend_name() == "sqlite" else None
        self._path = path if path and path != ":memory:" else None
        self._sql = json_insert_sql()
        self._executor: ThreadPoolExecutor | None = None
        self._connection: sqlite3.Connection | None = None
        self._json_functions: bool | None = None  # known after the first connection

    @property
    def threaded(self) -> bool:
        return self._path is not None and self._json_functions is not False

    async def insert(self, records: Sequence[IncomingMessage]) -> None:
        if not records:
            return
        if self.threaded:
            rows = json_rows(records)
            try:
                await self._in_thread(self._write, rows)
            except UnicodeEncodeError:
                await self._in_thread(self._write, _storable(rows))
            if self._json_functions:
                return
        async with self._db.transaction() as tx:
            await tx.transcripts.insert_messages(records)

    async def _in_thread(self, fn: Any, *args: Any) -> Any:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="parley-sqlite-writer")
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    def _connect(self) -> sqlite3.Connection:
        assert self._path is not None
        connection = sqlite3.connect(
            self._path,
            timeout=SQLITE_BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,  # autocommit: each statement is its own transaction
            check_same_thread=False,
        )
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA foreign_keys=ON")
        try:
            connection.execute(JSON_FUNCTIONS_PROBE)
            self._json_functions = True
        except sqlite3.OperationalError:
            self._json_functions = False
            log.warning(
                "This SQLite (%s) has no JSON functions: transcripts are stored through the "
                "slower general path. A Python built with SQLite 3.38 or newer avoids this.",
                sqlite3.sqlite_version,
            )
        return connection

    def _write(self, rows: str) -> None:
        """In the writer thread: one statement, its own transaction."""
        if self._connection is None:
            self._connection = self._connect()
        if self._json_functions:
            self._connection.execute(self._sql, (rows,))

    async def close(self) -> None:
        executor, self._executor = self._executor, None
        if executor is None:
            return
        connection, self._connection = self._connection, None
        if connection is not None:
            await asyncio.get_running_loop().run_in_executor(executor, connection.close)
        executor.shutdown(wait=True)
