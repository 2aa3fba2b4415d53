"""Transcripts through discord.py's real parsing and dispatch: what lands in the record, what
does not, edits, deletions, backfill after a restart, and /transcript export."""

from __future__ import annotations

import copy
import csv
import io
import json
import zipfile
from datetime import datetime

import discord
import pytest

from bot.client import ParleyBot
from bot.domain.transcripts import TranscriptEntry
from bot.services.rounds import RoundService
from tests.harness import ChannelRef, Upload, WireHarness
from tests.harness import payloads as p
from tests.parley_fixtures import ParleyFactory
from tests.session_rows import add_participant, end_session, make_session


def parley_bot(h: WireHarness) -> ParleyBot:
    return h.bot  # type: ignore[return-value]


async def live_session(h: WireHarness) -> tuple[int, ChannelRef]:
    """A running session as the sessions feature would leave it: participants with actors, the
    plenary and Japan's private delegation thread registered with the transcript service."""
    bot, w = parley_bot(h), h.world
    session_id = await make_session(bot.database, guild_id=w.guild.id, channel_id=w.plenary.id)
    await add_participant(bot.database, session_id, w.students[0].id, actor_id="japan")
    await add_participant(bot.database, session_id, w.students[1].id, actor_id="china")
    await add_participant(bot.database, session_id, w.facilitator.id)
    thread = h.add_thread(w.plenary, "Japan delegation", private=True, members=[w.students[0]])
    await h.settle()
    await bot.transcripts.register_channel(w.plenary.id, session_id, "plenary", label="#plenary")
    await bot.transcripts.register_channel(
        thread.id, session_id, "delegation", actor_id="japan", label="Japan delegation"
    )
    return session_id, thread


async def transcript(h: WireHarness, session_id: int) -> list[TranscriptEntry]:
    bot = parley_bot(h)
    await bot.transcripts.flush()
    return [e async for e in bot.transcripts.entries(session_id)]


async def test_messages_in_plenary_and_delegation_threads_are_recorded_and_others_not(
    parley: WireHarness,
) -> None:
    h, w, bot = parley, parley.world, parley_bot(parley)
    session_id, thread = await live_session(h)
    bot.transcripts.phase_provider = lambda sid: "Opening statements" if sid == session_id else None
    hallway = h.add_text_channel(w.guild, "hallway")

    opening = await h.send_message(w.plenary, w.students[0], "Japan opens: CVID first.")
    await h.send_message(thread, w.students[0], "Our red line: abductees.")
    await h.send_message(thread, w.facilitator, "Have you read page 2?")  # not Japan's voice
    await h.send_message(
        w.plenary,
        w.students[1],
        "China agrees, with a map",
        attachments=[Upload("map.png", b"\x89PNG....", "image/png")],
        reply_to=opening,
    )
    await h.send_message(w.plenary, w.facilitator, "Two minutes left.")
    await h.send_message(hallway, w.students[2], "who wants lunch")
    await bot.get_partial_messageable(w.plenary.id).send("Time.")  # Parley itself
    await h.settle()

    entries = await transcript(h, session_id)
    assert [(e.author_name, e.content) for e in entries] == [
        ("student1", "Japan opens: CVID first."),
        ("student1", "Our red line: abductees."),
        ("facilitator", "Have you read page 2?"),
        ("student2", "China agrees, with a map"),
        ("facilitator", "Two minutes left."),
        ("Parley", "Time."),
    ]
    plenary, private, coaching, chinese, teacher, parley_said = entries
    assert coaching.channel_id == thread.id and coaching.actor_id is None
    assert (plenary.actor_id, plenary.channel_kind, plenary.role) == ("japan", "plenary", "student")
    assert (private.channel_id, private.channel_kind, private.actor_id) == (
        thread.id,
        "delegation",
        "japan",
    )
    assert private.channel_label == "Japan delegation"
    assert chinese.actor_id == "china" and chinese.reply_to_id == opening.id
    [attachment] = chinese.attachments
    assert (attachment.filename, attachment.size, attachment.content_type) == (
        "map.png",
        8,
        "image/png",
    )
    assert attachment.url.startswith("https://")
    assert teacher.is_facilitator and teacher.actor_id is None
    assert parley_said.is_bot and not parley_said.is_facilitator
    assert {e.phase for e in entries} == {"Opening statements"}
    assert {e.session_id for e in entries} == {session_id}


async def test_edits_and_deletions_show_in_the_record(parley: WireHarness) -> None:
    h, w = parley, parley.world
    session_id, thread = await live_session(h)
    proposal = await h.send_message(w.plenary, w.students[0], "We propose a liaison office.")
    await h.edit_message(proposal, "We propose liaison offices in both capitals.")
    # A link preview appearing is an update Discord sends, but not an edit by the author.
    preview = copy.deepcopy(h.message(proposal))
    preview["edited_timestamp"] = None
    preview["embeds"] = [{"type": "link", "url": "https://example.org", "title": "Example"}]
    await h.dispatch("MESSAGE_UPDATE", preview)
    slip = await h.send_message(thread, w.students[0], "our bottom line is 2 reactors")
    await h.delete_message(slip)
    spam = [await h.send_message(w.plenary, w.students[1], f"spam {i}") for i in range(3)]
    await h.dispatch(
        "MESSAGE_DELETE_BULK", p.message_delete_bulk([m.id for m in spam], w.plenary.id, w.guild.id)
    )

    entries = {e.message_id: e for e in await transcript(h, session_id)}
    edited = entries[proposal.id]
    assert edited.content == "We propose liaison offices in both capitals."
    assert edited.edited_at is not None
    assert [r.content for r in edited.revisions] == ["We propose a liaison office."]
    deleted = entries[slip.id]
    assert deleted.deleted and deleted.content == "our bottom line is 2 reactors"
    assert all(entries[m.id].deleted for m in spam)
    assert len(entries) == 5


async def test_messages_posted_while_parley_was_down_are_backfilled_exactly_once(
    make_parley: ParleyFactory,
) -> None:
    first = await make_parley()
    w = first.world
    session_id, thread = await live_session(first)
    hallway = first.add_text_channel(w.guild, "hallway")
    await first.send_message(w.plenary, w.students[0], "before the outage")
    await first.close()

    first.post_while_offline(w.plenary, w.students[1], "while Parley was down (plenary)")
    first.post_while_offline(thread, w.students[0], "while Parley was down (thread)")
    first.post_while_offline(hallway, w.students[2], "not a session channel")

    second = await make_parley(restart_of=first)
    after_restart = await second.send_message(w.plenary, w.students[0], "after the restart")
    entries = await transcript(second, session_id)
    assert [e.content for e in entries] == [
        "before the outage",
        "while Parley was down (plenary)",
        "while Parley was down (thread)",
        "after the restart",
    ]
    assert entries[2].actor_id == "japan" and entries[2].channel_id == thread.id
    history = second.requests("GET", "/channels/{channel_id}/messages")
    assert {int(r.params["channel_id"]) for r in history} == {w.plenary.id, thread.id}
    assert all(r.query and "after" in r.query for r in history)

    await second.edit_message(after_restart, "after the restart, edited")
    third = await make_parley(restart_of=second)
    entries = await transcript(third, session_id)
    assert [e.message_id for e in entries] == sorted({e.message_id for e in entries})  # once each
    assert len(entries) == 4
    assert entries[-1].content == "after the restart, edited"
    # An edit of a message this process never saw (not in its cache) still counts.
    await third.edit_message(entries[0].message_id, "before the outage (edited later)")
    entries = await transcript(third, session_id)
    assert entries[0].revisions[0].content == "before the outage"


async def test_backfilled_messages_are_filed_under_the_phase_they_were_posted_in(
    make_parley: ParleyFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await make_parley()
    w = first.world
    session_id, thread = await live_session(first)
    await first.close()
    during_openings = first.post_while_offline(w.plenary, w.students[1], "posted in phase 1")
    during_caucuses = first.post_while_offline(thread, w.students[0], "posted in phase 2")
    caucuses_began = discord.utils.snowflake_time(during_caucuses.id)

    # What the round engine would say: phase 2 began between the two posts; phase 3 runs now.
    def phase_at(self: RoundService, sid: int, when: datetime) -> str | None:
        assert sid == session_id
        return "2. Bilateral caucuses" if when >= caucuses_began else "1. Opening statements"

    monkeypatch.setattr(RoundService, "phase_label_at", phase_at)
    monkeypatch.setattr(RoundService, "phase_label", lambda self, sid: "3. Plenary")
    second = await make_parley(restart_of=first)
    await second.send_message(w.plenary, w.students[0], "posted live in phase 3")

    entries = await transcript(second, session_id)
    assert [(e.content, e.phase) for e in entries] == [
        ("posted in phase 1", "1. Opening statements"),
        ("posted in phase 2", "2. Bilateral caucuses"),
        ("posted live in phase 3", "3. Plenary"),
    ]
    assert during_openings.id < during_caucuses.id


async def test_an_ended_session_is_no_longer_recorded(make_parley: ParleyFactory) -> None:
    h = await make_parley()
    w, bot = h.world, parley_bot(h)
    session_id, thread = await live_session(h)
    await h.send_message(w.plenary, w.students[0], "last word")
    await end_session(bot.database, session_id)
    assert bot.transcripts.unregister_session(session_id) == 2
    await h.send_message(w.plenary, w.students[0], "after the end")
    await h.close()
    h.post_while_offline(thread, w.students[0], "much later")

    again = await make_parley(restart_of=h)
    assert parley_bot(again).transcripts.channel(w.plenary.id) is None
    assert [e.content for e in await transcript(again, session_id)] == ["last word"]
    assert again.requests("GET", "/channels/{channel_id}/messages") == []


async def test_facilitators_export_the_session_and_students_their_delegation(
    parley: WireHarness,
) -> None:
    h, w, bot = parley, parley.world, parley_bot(parley)
    session_id, thread = await live_session(h)
    bot.transcripts.phase_provider = lambda sid: "Plenary"
    await h.send_message(w.plenary, w.students[0], "=1+1 is our opening offer")
    await h.send_message(thread, w.students[0], "keep this between us")
    secret = await h.send_message(thread, w.students[0], "delete me")
    await h.delete_message(secret)

    as_json = await h.slash(w.facilitator, "transcript export", options={"format": "json"})
    assert as_json.response.deferred and as_json.response.ephemeral
    [message] = as_json.followups
    assert message.ephemeral and message.allows_no_mentions
    data = json.loads(message.file(f"transcript-session-{session_id}.json").text)
    assert [m["content"] for m in data] == [
        "=1+1 is our opening offer",
        "keep this between us",
        "delete me",
    ]
    assert data[2]["deleted"] is True

    as_csv = await h.slash(
        w.facilitator, "transcript export", options={"format": "csv", "phase": "Plenary"}
    )
    text = as_csv.followups[0].file(f"transcript-session-{session_id}-plenary.csv").text
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert rows[0]["content"] == "'=1+1 is our opening offer"
    assert len(rows) == 3

    mine = await h.slash(w.students[0], "transcript export", options={"format": "json"})
    student_file = mine.followups[0].file(f"transcript-session-{session_id}-japan.json")
    assert [m["content"] for m in json.loads(student_file.text)] == ["keep this between us", ""]

    refused = await h.slash(w.students[2], "transcript export")
    assert refused.response.ephemeral
    assert refused.response.content.startswith("Only facilitators can export the whole")

    phases = await h.autocomplete(w.facilitator, "transcript export", focused="phase", value="pl")
    assert [c["value"] for c in phases.choices] == ["Plenary"]
    h.assert_no_pings()


async def test_a_transcript_too_big_for_discord_is_zipped_or_refused_with_advice(
    parley: WireHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h, w = parley, parley.world
    session_id, _ = await live_session(h)
    for i in range(20):
        await h.send_message(w.plenary, w.students[i % 2], f"Point {i}: " + "verification " * 20)

    monkeypatch.setattr(p, "DEFAULT_ATTACHMENT_SIZE_LIMIT", 8_000)
    zipped = await h.slash(w.facilitator, "transcript export", options={"format": "html"})
    [message] = zipped.followups
    assert "zipped to fit" in message.content
    archive = zipfile.ZipFile(
        io.BytesIO(message.file(f"transcript-session-{session_id}.html.zip").data)
    )
    page = archive.read(f"transcript-session-{session_id}.html").decode()
    assert page.count('class="msg student"') == 20

    monkeypatch.setattr(p, "DEFAULT_ATTACHMENT_SIZE_LIMIT", 500)
    refused = await h.slash(w.facilitator, "transcript export", options={"format": "html"})
    [advice] = refused.followups
    assert advice.ephemeral and "Export one phase at a time" in advice.content
    assert "parley transcript export" in advice.content and not advice.files
