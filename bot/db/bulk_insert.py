"""Bulk inserts of transcript messages, the hot path of the transcript writer.

On PostgreSQL this is an ordinary transaction (asyncpg's executemany, no threads involved).

On SQLite each batch goes, as one JSON array, to a small writer process
(`bot/db/sqlite_writer_process.py`, started on first use), which runs one statement,
`INSERT … SELECT … FROM json_each(?)`, in autocommit, and answers once it is committed. Why a
process, measured with `parley bench ingest` and per-thread context-switch counts:

* Any thread of ours that calls SQLite needs the GIL back after every call (each step, reset,
  BEGIN and COMMIT, and every row of an `executemany`). While the event loop is busy with a
  class's messages it releases the GIL only for an instant at each poll, so that thread wakes
  too late, sleeps again, and gets the GIL only when the 5 ms switch interval forces it:
  about a thousand futile wake-ups a batch, paid for by the event loop. With a writer thread,
  Parley ingested 0.43-0.79 x its floor; with the process, about what the event loop alone
  allows.
* The JSON text is built on the event loop (C-speed `json.dumps` of plain tuples) and written
  to a pipe; SQLite parses it and inserts the rows in the other process.
* One statement outside BEGIN … COMMIT needs no statement journal (with several multi-row
  INSERTs in one transaction SQLite spills each statement's undo pages to a temporary file).

Where the writer process cannot be used the inserter uses the application's database layer: an
in-memory database, and, with a warning in the log, a SQLite library without JSON functions or a
writer process that cannot start. The process and Parley's own connections use WAL and a busy
timeout, so they share the file like any two SQLite writers.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import cast

from sqlalchemy import Table
from sqlalchemy.engine import make_url

from bot.db.engine import SQLITE_BUSY_TIMEOUT_MS, Database
from bot.db.models.sessions import Participant
from bot.db.models.transcripts import TranscriptMessage
from bot.db.repositories.transcripts import ROW_FIELDS, row_builder, sqlite_time
from bot.domain.transcripts import IncomingMessage

__all__ = ["TranscriptBulkInserter", "json_insert_sql", "json_rows"]

log = logging.getLogger(__name__)

# Fails with OperationalError where the SQLite library was built without JSON functions.
JSON_FUNCTIONS_PROBE = "SELECT json_extract('[1]', '$[0]') FROM json_each('[]')"
PROCESS_EXIT_TIMEOUT = 10.0  # seconds
WRITER_SCRIPT = Path(__file__).with_name("sqlite_writer_process.py")


def json_insert_sql() -> str:
    """INSERT … SELECT from the JSON array, ON CONFLICT (message_id) DO NOTHING; the actor is
    the thread's delegation for students, otherwise the author's assigned actor."""
    messages = cast(Table, TranscriptMessage.__table__)
    participants = cast(Table, Participant.__table__)

    def field(name: str) -> str:
        return f"json_extract(value, '$[{ROW_FIELDS.index('p_' + name)}]')"

    names = [parameter.removeprefix("p_") for parameter in ROW_FIELDS]
    expressions = {name: field(name) for name in names if name != "channel_actor"}
    expressions["actor_id"] = (
        f"coalesce({field('channel_actor')}, (SELECT {participants.c.actor_id.name} "
        f"FROM {participants.name} WHERE {participants.c.session_id.name} = "
        f"{field('session_id')} AND {participants.c.user_id.name} = {field('author_id')}))"
    )
    unknown = [column for column in expressions if column not in messages.c]
    if unknown:
        raise RuntimeError(f"transcript_messages has no column {unknown}")
    # `WHERE true` keeps SQLite's parser from reading ON CONFLICT as part of the SELECT.
    return (
        f"INSERT INTO {messages.name} ({', '.join(expressions)}) "
        f"SELECT {', '.join(expressions.values())} FROM json_each(?) WHERE true "
        f"ON CONFLICT ({messages.c.message_id.name}) DO NOTHING"
    )


# A row of the JSON array: the general path's parameters, in `ROW_FIELDS` order.
_json_row = row_builder(ROW_FIELDS, sqlite_time)

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


def json_rows(records: Sequence[IncomingMessage]) -> str:
    """The batch as the statement's one parameter."""
    return _dumps(list(map(_json_row, records)))


class TranscriptBulkInserter:
    """`await inserter.insert(records)`: committed when it returns; idempotent on message id."""

    def __init__(self, database: Database) -> None:
        self._db = database
        url = make_url(database.url)
        path = url.database if url.get_backend_name() == "sqlite" else None
        self._path = path if path and path != ":memory:" else None
        self._sql = json_insert_sql()
        self._process: asyncio.subprocess.Process | None = None
        self._lock = asyncio.Lock()
        self._fast = self._path is not None  # until the writer process says otherwise

    @property
    def fast(self) -> bool:
        """Whether batches go to the writer process (SQLite file, JSON functions available)."""
        return self._fast

    async def insert(self, records: Sequence[IncomingMessage]) -> None:
        if not records:
            return
        if self._fast:
            # UTF-8 cannot hold a lone surrogate (half an emoji): it becomes "?", not an error
            # that would hold up the batch.
            batch = json_rows(records).encode("utf-8", "replace")
            async with self._lock:
                if await self._send(batch):
                    return
        async with self._db.transaction() as tx:
            await tx.transcripts.insert_messages(records)

    async def _send(self, batch: bytes) -> bool:
        """Hand the batch to the writer process and wait until it is committed; False when
        there is no writer process to use (the caller takes the general path)."""
        process = self._process or await self._start()
        if process is None:
            return False
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write(len(batch).to_bytes(4, "big") + batch)
            await process.stdin.drain()
            reply = (await process.stdout.readline()).decode("utf-8", "replace").strip()
        except (ConnectionError, OSError):
            reply = ""
        except asyncio.CancelledError:
            # Its answer would be read as the next batch's: let this process finish what it was
            # sent and exit (its input closes), and start a new one for the next batch.
            self._process = None
            if process.stdin is not None:
                process.stdin.close()
            raise
        if reply == "ok":
            return True
        if not reply:  # it stopped: a new one is started for the retry
            await self._stop_process()
            raise sqlite3.OperationalError("the transcript writer process stopped")
        kind, _, detail = reply.partition(" ")
        if kind == "integrity":
            raise sqlite3.IntegrityError(detail)
        if kind == "operational":
            raise sqlite3.OperationalError(detail)
        raise sqlite3.DatabaseError(detail)

    async def _start(self) -> asyncio.subprocess.Process | None:
        assert self._path is not None
        try:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-I",  # standard library only: no site-packages, no PYTHON* variables
                str(WRITER_SCRIPT),
                self._path,
                self._sql,
                JSON_FUNCTIONS_PROBE,
                str(SQLITE_BUSY_TIMEOUT_MS),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
            )
            assert process.stdout is not None
            hello = (await process.stdout.readline()).decode("utf-8", "replace").split()
        except OSError:
            log.warning(
                "Could not start the transcript writer process; transcripts are stored through "
                "the slower general path",
                exc_info=True,
            )
            self._fast = False
            return None
        if hello[:2] == ["ready", "json"]:
            self._process = process
            return process
        await self._stop_process(process)
        if hello[:2] == ["ready", "nojson"]:
            log.warning(
                "This SQLite (%s) has no JSON functions: transcripts are stored through the "
                "slower general path. A Python built with SQLite 3.38 or newer avoids this.",
                hello[2] if len(hello) > 2 else "?",
            )
        else:
            log.warning(
                "The transcript writer process did not start (exit code %s; its error, if any, "
                "is above); transcripts are stored through the slower general path",
                process.returncode,
            )
        self._fast = False
        return None

    async def _stop_process(self, process: asyncio.subprocess.Process | None = None) -> None:
        if process is None:
            process, self._process = self._process, None
        if process is None:
            return
        if process.stdin is not None:
            process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), PROCESS_EXIT_TIMEOUT)
        except TimeoutError:
            log.error("The transcript writer process did not exit; killing it")
            process.kill()
            await process.wait()

    async def close(self) -> None:
        """Let the writer process finish (everything sent was already committed) and exit."""
        async with self._lock:
            await self._stop_process()
