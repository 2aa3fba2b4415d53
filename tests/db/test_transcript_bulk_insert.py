"""The SQLite fast path of the transcript writer (`bot/db/bulk_insert.py`) stores exactly what
the general path stores, whatever the text, and falls back when SQLite lacks JSON functions."""

from __future__ import annotations

import asyncio
import logging
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.db import bulk_insert
from bot.db.bulk_insert import TranscriptBulkInserter
from bot.db.engine import Database
from bot.domain.transcripts import Attachment, IncomingMessage, TranscriptEntry
from bot.services.transcript_writer import TranscriptWriter
from tests.db.test_transcripts import (
    ALICE,
    BOB,
    JAPAN_THREAD,
    PLENARY,
    TEACHER,
    session_with_people,
)
from tests.db_backends import migrated_database

T0 = datetime(2026, 3, 2, 14, 5, 9, 123456, tzinfo=UTC)
BIGGEST_SNOWFLAKE = 2**63 - 1


def tricky_records(session_id: int) -> list[IncomingMessage]:
    """Values the JSON round trip could get wrong: quotes, backslashes, newlines, emoji and
    other scripts, JSON-looking text, nulls, the largest snowflake, long names, attachments."""

    def record(message_id: int, content: str, **extra: object) -> IncomingMessage:
        fields: dict[str, object] = {
            "message_id": message_id,
            "session_id": session_id,
            "phase": "Plenary",
            "channel_id": PLENARY,
            "channel_kind": "plenary",
            "author_id": ALICE,
            "author_name": "Alice",
            "channel_actor_id": None,
            "created_at": T0 + timedelta(seconds=message_id % 1000),
            "content": content,
        }
        fields.update(extra)
        return IncomingMessage(**fields)  # type: ignore[arg-type]

    return [
        record(1, 'She said "no deal" \\ then left.\nNew line\ttab'),
        record(2, "비핵화 — 非核化 — денуклеаризация 🇰🇵🤝🇺🇸", author_id=BOB),
        record(3, '["not", "a", "row"]', phase=None),
        record(4, '{"$[0]": null}', author_name="N" * 150),
        record(
            5,
            "Map attached",
            attachments=(
                Attachment("map.png", 2048, "image/png", "https://cdn.example/map.png?x=1&y=2"),
                Attachment("notes", 0, None, "https://cdn.example/notes"),
            ),
            reply_to_id=1,
            edited_at=T0 + timedelta(minutes=2, microseconds=7),
        ),
        record(
            6,
            "In Japan's thread",
            channel_id=JAPAN_THREAD,
            channel_kind="delegation",
            author_id=BOB,
            channel_actor_id="japan",
        ),
        record(7, "Two minutes.", author_id=TEACHER, is_facilitator=True),
        record(8, "Time.", author_id=999, author_name="Parley", is_bot=True),
        record(BIGGEST_SNOWFLAKE, "", author_id=BIGGEST_SNOWFLAKE - 1),
    ]


async def entries(database: Database, session_id: int) -> list[TranscriptEntry]:
    async with database.transaction() as tx:
        return await tx.transcripts.chunk(session_id, limit=100)


@pytest.fixture
async def sqlite_file(tmp_path: Path) -> AsyncIterator[Database]:
    async with migrated_database("sqlite", tmp_path) as database:
        yield database


async def test_the_fast_path_stores_exactly_what_the_general_path_stores(tmp_path: Path) -> None:
    (tmp_path / "fast").mkdir()
    (tmp_path / "general").mkdir()
    async with (
        migrated_database("sqlite", tmp_path / "fast") as fast,
        migrated_database("sqlite", tmp_path / "general") as general,
    ):
        fast_session = await session_with_people(fast)
        general_session = await session_with_people(general)
        assert fast_session == general_session
        records = tricky_records(fast_session)
        inserter = TranscriptBulkInserter(fast)
        try:
            await inserter.insert(records)
            await inserter.insert(records[:3])  # again: idempotent on the message id
        finally:
            await inserter.close()
        assert inserter.fast  # the writer process did the work
        async with general.transaction() as tx:
            await tx.transcripts.insert_messages(records)

        stored = await entries(fast, fast_session)
        assert stored == await entries(general, general_session)
    by_id = {e.message_id: e for e in stored}
    assert len(stored) == len(records)
    assert by_id[1].content == records[0].content
    assert by_id[2].content.endswith("🇰🇵🤝🇺🇸") and by_id[2].actor_id == "china"
    assert by_id[3].phase is None and by_id[3].content == '["not", "a", "row"]'
    assert by_id[4].author_name == "N" * 100
    assert by_id[5].attachments == records[4].attachments and by_id[5].reply_to_id == 1
    assert by_id[5].edited_at == T0 + timedelta(minutes=2, microseconds=7)
    assert by_id[6].actor_id == "japan"  # the thread's delegation, not Bob's own
    assert by_id[7].is_facilitator and by_id[7].actor_id is None
    assert by_id[8].is_bot and by_id[8].actor_id is None
    assert by_id[BIGGEST_SNOWFLAKE].author_id == BIGGEST_SNOWFLAKE - 1


async def test_a_broken_character_is_replaced_and_the_batch_still_stored(
    sqlite_file: Database,
) -> None:
    session_id = await session_with_people(sqlite_file)
    records = tricky_records(session_id)[:2]
    records[0].content = "half an emoji \ud83d here"  # a lone surrogate: not valid UTF-8
    inserter = TranscriptBulkInserter(sqlite_file)
    try:
        await inserter.insert(records)
    finally:
        await inserter.close()
    stored = await entries(sqlite_file, session_id)
    assert [e.content for e in stored] == ["half an emoji ? here", records[1].content]


@pytest.mark.parametrize(
    ("patch", "logged"),
    [
        (("JSON_FUNCTIONS_PROBE", "SELECT no_such_function()"), "no JSON functions"),
        (("WRITER_SCRIPT", Path("/nonexistent/writer.py")), "did not start"),
    ],
    ids=["sqlite-without-json", "process-cannot-start"],
)
async def test_without_the_writer_process_the_general_path_stores_them(
    sqlite_file: Database,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    patch: tuple[str, object],
    logged: str,
) -> None:
    monkeypatch.setattr(bulk_insert, *patch)
    session_id = await session_with_people(sqlite_file)
    records = tricky_records(session_id)
    inserter = TranscriptBulkInserter(sqlite_file)
    try:
        with caplog.at_level(logging.WARNING, logger="bot.db.bulk_insert"):
            await inserter.insert(records[:4])
            await inserter.insert(records[4:])
    finally:
        await inserter.close()
    assert not inserter.fast
    assert caplog.text.count(logged) == 1  # said once, not for every batch
    assert [e.message_id for e in await entries(sqlite_file, session_id)] == [
        r.message_id for r in records
    ]


async def test_a_writer_process_that_died_is_replaced_and_nothing_is_lost(
    sqlite_file: Database,
) -> None:
    session_id = await session_with_people(sqlite_file)
    records = tricky_records(session_id)
    writer = TranscriptWriter(sqlite_file, max_delay=0.01)
    writer.start()
    try:
        writer.add(records[0])
        await writer.flush()
        process = writer._bulk._process
        assert process is not None and process.returncode is None
        process.kill()  # out of memory, a stray `kill`, …
        await process.wait()
        for record in records[1:]:
            writer.add(record)  # the background task retries until a new process took them
        for _ in range(500):
            if writer.written == len(records):
                break
            await asyncio.sleep(0.01)
        assert writer.written == len(records) and writer.dropped == 0
    finally:
        await writer.stop()
    assert len(await entries(sqlite_file, session_id)) == len(records)


@pytest.mark.skipif(not hasattr(signal, "SIGINT") or sys.platform == "win32", reason="POSIX")
async def test_ctrl_c_leaves_the_writer_process_to_store_the_last_batch(
    sqlite_file: Database,
) -> None:
    """Ctrl+C in a terminal reaches the whole process group: the writer process must still be
    there when Parley stores what it buffered at shutdown, then exit on its own."""
    session_id = await session_with_people(sqlite_file)
    records = tricky_records(session_id)
    writer = TranscriptWriter(sqlite_file, max_delay=60)
    writer.add(records[0])
    await writer.flush()
    process = writer._bulk._process
    assert process is not None
    process.send_signal(signal.SIGINT)
    process.send_signal(signal.SIGTERM)
    for record in records[1:]:
        writer.add(record)
    await writer.stop()  # Parley's shutdown: the last batch, then the pipe closes
    assert process.returncode == 0
    assert len(await entries(sqlite_file, session_id)) == len(records)


async def test_a_batch_cancelled_on_its_way_does_not_shift_the_answers(
    sqlite_file: Database,
) -> None:
    """A caller cancelled while its batch is in the writer process: the next batch must get its
    own answer (here a refusal), not the cancelled batch's "ok"."""
    session_id = await session_with_people(sqlite_file)
    big = [
        IncomingMessage(
            message_id=10_000 + i,
            session_id=session_id,
            phase="Plenary",
            channel_id=PLENARY,
            channel_kind="plenary",
            author_id=ALICE,
            author_name="Alice",
            channel_actor_id=None,
            created_at=T0,
            content="verification " * 20,
        )
        for i in range(20_000)
    ]
    inserter = TranscriptBulkInserter(sqlite_file)
    try:
        await inserter.insert(tricky_records(session_id)[:1])  # the process is up
        first = inserter._process
        on_its_way = asyncio.create_task(inserter.insert(big))
        for _ in range(1000):
            await asyncio.sleep(0.001)
            if inserter._lock.locked():
                break
        on_its_way.cancel()
        with pytest.raises(asyncio.CancelledError):
            await on_its_way
        refused = [replace(big[0], message_id=99, session_id=session_id + 1000)]  # no session
        with pytest.raises(sqlite3.IntegrityError):
            await inserter.insert(refused)
        assert inserter._process is not first
    finally:
        await inserter.close()
    assert first is not None and await first.wait() == 0  # it finished and exited
    async with sqlite_file.transaction() as tx:  # all of it or none of it, one transaction
        assert await tx.transcripts.count(session_id) in (1, 1 + len(big))
