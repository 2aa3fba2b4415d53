"""Transcript storage on both backends: idempotent batched inserts, actors, revisions, deletions."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.db.engine import Database
from bot.domain.transcripts import Attachment, IncomingMessage, MessageEdit, TranscriptEntry
from bot.services.transcript_writer import TranscriptWriter
from tests.session_rows import add_participant, make_session

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
PLENARY, JAPAN_THREAD = 100, 200
ALICE, BOB, TEACHER = 11, 12, 13


def msg(
    message_id: int,
    session_id: int,
    *,
    channel: int = PLENARY,
    kind: str = "plenary",
    author: int = ALICE,
    channel_actor: str | None = None,
    content: str = "hello",
    phase: str | None = "Plenary",
    **extra: object,
) -> IncomingMessage:
    return IncomingMessage(
        message_id=message_id,
        session_id=session_id,
        phase=phase,
        channel_id=channel,
        channel_kind=kind,
        author_id=author,
        author_name=f"user{author}",
        channel_actor_id=channel_actor,
        created_at=T0 + timedelta(seconds=message_id),
        content=content,
        **extra,  # type: ignore[arg-type]
    )


async def stored(database: Database, message_id: int) -> TranscriptEntry | None:
    async with database.transaction() as tx:
        return await tx.transcripts.get(message_id)


async def found(database: Database, message_id: int) -> TranscriptEntry:
    """The stored message, which the test expects to be there."""
    entry = await stored(database, message_id)
    assert entry is not None, f"message {message_id} was not stored"
    return entry


async def session_with_people(database: Database) -> int:
    session_id = await make_session(database, channel_id=PLENARY)
    await add_participant(database, session_id, ALICE, actor_id="japan")
    await add_participant(database, session_id, BOB, actor_id="china")
    await add_participant(database, session_id, TEACHER, actor_id=None)
    async with database.transaction() as tx:
        await tx.sessions.add_channel(session_id, PLENARY, kind="plenary", label="#plenary")
        await tx.sessions.add_channel(
            session_id, JAPAN_THREAD, kind="delegation", actor_id="japan", label="Japan delegation"
        )
    return session_id


async def test_insert_is_idempotent_on_the_discord_message_id(database: Database) -> None:
    session_id = await session_with_people(database)
    first = msg(1, session_id, content="first version seen")
    async with database.transaction() as tx:
        await tx.transcripts.insert_messages([first, replace(first, content="a duplicate")])
    async with database.transaction() as tx:
        await tx.transcripts.insert_messages([first, msg(2, session_id)])
        assert await tx.transcripts.count(session_id) == 2
    entry = await found(database, 1)
    assert entry.content == "first version seen"


async def test_actor_comes_from_the_thread_or_from_the_participant(database: Database) -> None:
    session_id = await session_with_people(database)
    async with database.transaction() as tx:
        await tx.transcripts.insert_messages(
            [
                msg(1, session_id, author=ALICE),  # plenary: her assigned actor
                msg(
                    2,
                    session_id,
                    author=BOB,
                    channel=JAPAN_THREAD,
                    kind="delegation",
                    channel_actor="japan",
                ),  # in Japan's thread he speaks for Japan
                msg(3, session_id, author=TEACHER, is_facilitator=True),
                msg(4, session_id, author=99),  # not a participant
            ]
        )
    actors = [(await found(database, i)).actor_id for i in (1, 2, 3, 4)]
    assert actors == ["japan", "japan", None, None]
    teacher = await found(database, 3)
    assert teacher.is_facilitator and teacher.role == "facilitator"
    assert (await found(database, 1)).channel_label == "#plenary"


async def test_edits_keep_every_earlier_version(database: Database) -> None:
    session_id = await session_with_people(database)
    async with database.transaction() as tx:
        await tx.transcripts.insert_messages([msg(1, session_id, content="We reject")])
    picture = (Attachment("map.png", 2048, "image/png", "https://cdn.example/map.png"),)
    edits = [
        MessageEdit(1, "We reject the proposal", (), T0 + timedelta(minutes=1)),
        MessageEdit(1, "We reject the proposal", (), T0 + timedelta(minutes=2)),  # no change
        MessageEdit(1, "We accept the proposal", picture, T0 + timedelta(minutes=3)),
    ]
    applied = []
    for edit in edits:
        async with database.transaction() as tx:
            applied.append(await tx.transcripts.apply_edit(edit))
    assert applied == [True, False, True]
    entry = await found(database, 1)
    assert entry.content == "We accept the proposal"
    assert entry.attachments == picture
    assert entry.edited_at == T0 + timedelta(minutes=3)
    assert [(r.content, r.replaced_at) for r in entry.revisions] == [
        ("We reject", T0 + timedelta(minutes=1)),
        ("We reject the proposal", T0 + timedelta(minutes=3)),
    ]


async def test_an_edit_of_an_unknown_message_stores_it_whole_if_it_can(database: Database) -> None:
    session_id = await session_with_people(database)
    whole = msg(5, session_id, content="posted while Parley was down, edited after")
    async with database.transaction() as tx:
        assert await tx.transcripts.apply_edit(MessageEdit(4, "?", (), T0)) is False
        assert await tx.transcripts.apply_edit(MessageEdit(5, whole.content, (), T0, whole))
    assert await stored(database, 4) is None
    assert (await found(database, 5)).content == whole.content


async def test_deletions_are_flagged_and_keep_the_text(database: Database) -> None:
    session_id = await session_with_people(database)
    async with database.transaction() as tx:
        await tx.transcripts.insert_messages([msg(1, session_id, content="oops, our red line")])
        assert await tx.transcripts.mark_deleted([1, 77], T0 + timedelta(minutes=1)) == 1
        assert await tx.transcripts.mark_deleted([1], T0 + timedelta(minutes=2)) == 0
    entry = await found(database, 1)
    assert entry.deleted and entry.deleted_at == T0 + timedelta(minutes=1)
    assert entry.content == "oops, our red line"


async def test_writer_batches_and_flushes_on_demand(database: Database) -> None:
    session_id = await session_with_people(database)
    writer = TranscriptWriter(database, max_batch=500)
    for i in range(1, 1201):
        writer.add(msg(i, session_id))
    writer.add(MessageEdit(3, "changed", (), T0 + timedelta(hours=1)))
    writer.add(msg(1, session_id, content="seen again by backfill"))  # idempotent
    async with database.transaction() as tx:
        assert await tx.transcripts.count(session_id) == 0  # nothing committed per message
    await writer.flush()
    assert writer.buffered == 0 and writer.batches == 1
    async with database.transaction() as tx:
        assert await tx.transcripts.count(session_id) == 1200
        assert await tx.transcripts.last_message_ids([PLENARY, JAPAN_THREAD]) == {PLENARY: 1200}
    assert (await found(database, 3)).content == "changed"
    assert (await found(database, 1)).content == "hello"


async def test_the_background_writer_commits_without_being_asked(database: Database) -> None:
    session_id = await session_with_people(database)
    writer = TranscriptWriter(database, max_delay=0.02, max_batch=3)
    writer.start()
    try:
        writer.add(msg(1, session_id))
        for _ in range(200):
            if writer.written:
                break
            await asyncio.sleep(0.01)
        assert writer.written == 1  # after max_delay, as one batch
        for i in range(2, 5):  # a full batch goes out at once
            writer.add(msg(i, session_id))
        for _ in range(200):
            if writer.written == 4:
                break
            await asyncio.sleep(0.01)
        assert writer.written == 4
    finally:
        await writer.stop()


async def test_stop_commits_what_is_left(database: Database) -> None:
    session_id = await session_with_people(database)
    writer = TranscriptWriter(database, max_delay=60)
    writer.start()
    writer.add(msg(1, session_id))
    await writer.stop()
    assert (await stored(database, 1)) is not None


async def test_a_record_the_database_refuses_is_dropped_not_blocking_the_rest(
    database: Database,
) -> None:
    session_id = await session_with_people(database)
    writer = TranscriptWriter(database)
    writer.add(msg(1, session_id))
    writer.add(msg(2, session_id + 1000))  # no such session
    writer.add(msg(3, session_id))
    await writer.flush()
    assert writer.dropped == 1
    assert await stored(database, 1) is not None and await stored(database, 3) is not None
    assert await stored(database, 2) is None


async def test_chunks_page_through_a_session_in_order_with_filters(database: Database) -> None:
    session_id = await session_with_people(database)
    other = await make_session(database)
    records = [
        msg(
            i,
            session_id,
            phase="Opening" if i <= 5 else "Plenary",
            channel=JAPAN_THREAD if i % 3 == 0 else PLENARY,
        )
        for i in range(1, 13)
    ] + [msg(100, other)]
    async with database.transaction() as tx:
        await tx.transcripts.insert_messages(records)
        first = await tx.transcripts.chunk(session_id, limit=5)
        rest = await tx.transcripts.chunk(session_id, after_id=first[-1].message_id, limit=50)
        opening = await tx.transcripts.chunk(session_id, phase="Opening")
        japan = await tx.transcripts.chunk(session_id, channel_ids=[JAPAN_THREAD])
        assert await tx.transcripts.phases(session_id) == ["Opening", "Plenary"]
    assert [e.message_id for e in first + rest] == list(range(1, 13))
    assert [e.message_id for e in opening] == [1, 2, 3, 4, 5]
    assert [e.message_id for e in japan] == [3, 6, 9, 12]
