"""Exports through the transcript service, read from a real database chunk by chunk."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.db.engine import Database
from bot.domain.transcripts import IncomingMessage, MessageEdit
from bot.errors import UserFacingError
from bot.services.transcripts import TranscriptService
from tests.session_rows import add_participant, make_session

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
PLENARY, JAPAN, CHINA = 100, 200, 300


def incoming(i: int, session_id: int, channel: int, author: int, text: str) -> IncomingMessage:
    return IncomingMessage(
        message_id=1000 + i,
        session_id=session_id,
        phase="Opening statements" if i < 6 else "Plenary",
        channel_id=channel,
        channel_kind="plenary" if channel == PLENARY else "delegation",
        author_id=author,
        author_name=f"user{author}",
        channel_actor_id={JAPAN: "japan", CHINA: "china"}.get(channel),
        created_at=T0 + timedelta(minutes=i),
        content=text,
    )


async def classroom(database: Database, scenarios: Any) -> tuple[TranscriptService, int]:
    service = TranscriptService(database, scenarios=scenarios)
    session_id = await make_session(database, guild_id=1, channel_id=PLENARY)
    await add_participant(database, session_id, 11, actor_id="japan")
    await add_participant(database, session_id, 12, actor_id="china")
    await service.register_channel(PLENARY, session_id, "plenary", label="#plenary")
    await service.register_channel(JAPAN, session_id, "delegation", actor_id="japan")
    await service.register_channel(CHINA, session_id, "delegation", actor_id="china")
    for i in range(12):
        channel = (PLENARY, JAPAN, CHINA)[i % 3]
        author = 12 if channel == CHINA else 11
        service.record(incoming(i, session_id, channel, author, f"=cmd|' /C calc'!A0 #{i}"))
    service.record_edit(MessageEdit(1001, "edited text", (), T0 + timedelta(hours=1)))
    service.record_deletion([1004])  # a Japan-thread message
    await service.flush()
    return service, session_id


async def export(service: TranscriptService, session_id: int, fmt: str, **options: Any) -> str:
    out = io.BytesIO()
    await service.export(session_id, fmt, out, title="Hanoi 2019", scope="whole session", **options)
    return out.getvalue().decode("utf-8")


async def test_json_and_csv_exports_parse_back_with_every_message(
    database: Database, scenarios: Any
) -> None:
    service, session_id = await classroom(database, scenarios)
    data = json.loads(await export(service, session_id, "json"))
    assert [int(m["message_id"]) for m in data] == list(range(1000, 1012))
    by_id = {int(m["message_id"]): m for m in data}
    assert by_id[1001]["content"] == "edited text"
    assert by_id[1001]["revisions"][0]["content"] == "=cmd|' /C calc'!A0 #1"
    assert by_id[1004]["deleted"] is True and by_id[1004]["content"].endswith("#4")
    assert by_id[1002]["actor_id"] == "china"

    text = await export(service, session_id, "csv")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert [int(r["message_id"]) for r in rows] == list(range(1000, 1012))
    assert rows[0]["content"] == "'=cmd|' /C calc'!A0 #0"  # formula neutralised
    assert rows[1]["earlier_versions"].endswith("#1") and rows[4]["deleted_at_utc"]


async def test_one_phase_only(database: Database, scenarios: Any) -> None:
    service, session_id = await classroom(database, scenarios)
    data = json.loads(await export(service, session_id, "json", phase="Plenary"))
    assert [int(m["message_id"]) for m in data] == list(range(1006, 1012))
    assert {m["phase"] for m in data} == {"Plenary"}


async def test_exports_are_streamed_chunk_by_chunk(
    database: Database, scenarios: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    service, session_id = await classroom(database, scenarios)
    from bot.db.repositories.transcripts import TranscriptRepository

    out = io.BytesIO()
    written_before_each_chunk: list[int] = []
    limits: list[int] = []
    real_chunk = TranscriptRepository.chunk

    async def spying_chunk(self: TranscriptRepository, *args: Any, **kwargs: Any) -> Any:
        written_before_each_chunk.append(out.tell())
        limits.append(kwargs["limit"])
        return await real_chunk(self, *args, **kwargs)

    monkeypatch.setattr(TranscriptRepository, "chunk", spying_chunk)
    result = await service.export(
        session_id, "html", out, title="Hanoi 2019", scope="whole session", chunk_size=5
    )
    assert result.messages == 12
    assert limits == [5, 5, 5]  # 5 + 5 + 2: never the whole session at once
    # each chunk was written out before the next one was read
    assert (
        written_before_each_chunk[0] < written_before_each_chunk[1] < written_before_each_chunk[2]
    )


async def test_a_student_exports_their_own_delegation_only(
    database: Database, scenarios: Any
) -> None:
    service, session_id = await classroom(database, scenarios)
    session = await service.resolve_session(1, channel_id=PLENARY)
    plan = await service.plan_export(session, facilitator=False, user_id=11)
    assert plan.channel_ids == (JAPAN,) and plan.redacted
    assert plan.filename("csv") == f"transcript-session-{session_id}-japan.csv"
    out = io.BytesIO()
    await service.export_plan(plan, "json", out)
    data = json.loads(out.getvalue())
    assert [int(m["message_id"]) for m in data] == [1001, 1004, 1007, 1010]
    deleted = next(m for m in data if m["message_id"] == "1004")
    assert deleted["deleted"] and deleted["content"] == ""  # the text stays with the teacher
    assert data[0]["revisions"] == [] and data[0]["actor"] == "Japan 🇯🇵"

    with pytest.raises(UserFacingError, match="Only facilitators"):
        await service.plan_export(session, facilitator=False, user_id=999)
    with pytest.raises(UserFacingError, match="no messages in a phase called “Debrief”"):
        await service.plan_export(session, facilitator=True, phase="Debrief")
    with pytest.raises(UserFacingError, match="no session 999"):
        await service.resolve_session(1, session_id=999)
    with pytest.raises(UserFacingError, match="no session"):
        await service.resolve_session(2, session_id=session_id)  # another server's
