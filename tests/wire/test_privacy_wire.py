"""`/privacy` (see, download, erase), `/session purge`, and what happens when a server removes
Parley, through the wire harness."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.domain.privacy import ERASED_NAME, ERASED_TEXT
from bot.domain.scope import REFUSAL
from bot.services.retention import GUILD_PURGE_KIND, SWEEP_KIND, guild_purge_key
from tests.harness import InteractionResult, WireHarness
from tests.parley_fixtures import ParleyFactory, parley_settings
from tests.waiting import wait_until
from tests.wire.negotiation_kit import seated_class
from tests.wire.sessions_kit import bot, final_text

SECRET = "marmalade-compass-12"


async def followed_up(result: InteractionResult) -> InteractionResult:
    """A deferred reply's follow-up can land after the harness saw the deferral."""
    if result.response.deferred:
        await wait_until(lambda: bool(result.followups))
    return result


def privacy_id(h: WireHarness, user: Any, action: str) -> str:
    return f"parley:privacy:{h.world.guild.id}:{user.id}:{action}"


async def class_with_words(h: WireHarness) -> tuple[int, Any]:
    seated = await seated_class(h)
    ana = seated.one("us")
    await h.send_message(h.world.plenary, ana, f"We walk away. {SECRET}")
    await h.send_message(h.world.plenary, seated.one("dprk"), "We stay.")
    await bot(h).transcripts.flush()
    return seated.sid, ana


async def test_a_student_sees_downloads_and_erases_what_parley_holds(parley: WireHarness) -> None:
    h = parley
    w = h.world
    sid, ana = await class_with_words(h)

    shown = await followed_up(await h.slash(ana, "privacy"))
    message = shown.messages[-1]
    assert message.ephemeral
    fields = {f["name"]: f["value"] for f in message.embeds[0]["fields"]}
    assert fields["Sessions (1)"].startswith(f"#{sid} · hanoi-2019 · United States 🇺🇸 · 1 message")
    assert fields["Messages"].startswith("1 message")
    assert message.custom_ids == [privacy_id(h, ana, "download"), privacy_id(h, ana, "erase")]

    download = await followed_up(await h.click(ana, shown, privacy_id(h, ana, "download")))
    (attachment,) = download.messages[-1].files
    data = json.loads(attachment.data)
    assert data["user_id"] == str(ana.id) and SECRET in json.dumps(data)

    # Erasing waits for the live session to end; another student cannot press Ana's button.
    asked = await h.click(ana, shown, privacy_id(h, ana, "erase"))
    confirm = privacy_id(h, ana, "erase-yes")
    assert asked.messages[-1].custom_ids == [confirm]
    early = await followed_up(await h.click(ana, asked, confirm))
    assert "live session" in final_text(early)
    h.validate = False
    try:
        forged = await h.click(w.students[1], asked, confirm)
    finally:
        h.validate = True
    assert forged.response.text() == REFUSAL

    await h.slash(w.facilitator, "session end")
    done = await followed_up(await h.click(ana, asked, confirm))
    text = final_text(done)
    assert text.startswith("Done.") and f"#{sid}" in text

    def told() -> list[Any]:
        dm = h.dm_channel(w.facilitator)
        return [
            m
            for m in h.sent_messages(dm, include_interactions=False)
            if "asked Parley to erase" in m.content
        ]

    await wait_until(lambda: bool(told()))  # sent after the student's reply
    await h.settle()
    (note,) = told()
    assert f"session #{sid}" in note.content and ana.name not in note.content
    entries = [e async for e in bot(h).transcripts.entries(sid) if not e.is_bot]
    assert [e.content for e in entries] == [ERASED_TEXT, "We stay."]
    assert entries[0].author_name == ERASED_NAME and entries[0].author_id != ana.id
    again = await followed_up(await h.slash(ana, "privacy"))
    assert "Nothing" in again.messages[-1].embeds[0]["description"]


async def test_a_facilitator_purges_an_ended_session_after_confirming(parley: WireHarness) -> None:
    h = parley
    w = h.world
    sid, _ana = await class_with_words(h)
    live = await h.slash(w.facilitator, "session purge", options={"session": sid})
    assert "still live" in final_text(live)
    await h.slash(w.facilitator, "session end")

    student = await h.slash(w.students[0], "session purge", options={"session": sid})
    assert "Only facilitators" in final_text(student)
    asked = await h.slash(w.facilitator, "session purge", options={"session": sid})
    stored = await bot(h).transcripts.count(sid)
    assert f"1 session, {stored} transcript messages" in asked.response.content
    assert asked.response.custom_ids == [f"parley:session:{sid}:purge"]
    assert await bot(h).sessions.get(sid) is not None  # nothing deleted before confirming

    done = await followed_up(await h.click(w.facilitator, asked, f"parley:session:{sid}:purge"))
    assert f"Session #{sid} deleted" in final_text(done)
    assert await bot(h).sessions.get(sid) is None
    assert await bot(h).transcripts.count(sid) == 0


async def test_removing_parley_schedules_a_purge_and_re_adding_cancels_it(
    parley: WireHarness,
) -> None:
    h = parley
    guild = h.world.guild
    await class_with_words(h)
    timers = bot(h).timers

    await h.dispatch("GUILD_DELETE", {"id": str(guild.id)})
    pending = await timers.get(guild_purge_key(guild.id))
    assert pending is not None and pending.kind == GUILD_PURGE_KIND and pending.status == "pending"
    removed_at = bot(h).clock.now()
    assert (pending.due_at - removed_at).days in (29, 30)  # REMOVED_GUILD_GRACE_DAYS = 30

    joined = dict(h.store.guild_payload(guild.id, for_gateway=True))
    joined.pop("unavailable", None)  # a fresh join, not an outage ending (discord.py's rule)
    await h.dispatch("GUILD_CREATE", joined)
    cancelled = await timers.get(guild_purge_key(guild.id))
    assert cancelled is not None and cancelled.status == "cancelled"


async def test_the_daily_retention_sweep_is_scheduled_when_parley_connects(
    make_parley: ParleyFactory, tmp_path: Path
) -> None:
    h = await make_parley(settings=parley_settings(tmp_path, retention_days=365))
    pending = await bot(h).timers.pending()
    assert [t.kind for t in pending] == [SWEEP_KIND]
    assert pending[0].key.startswith("privacy:retention-sweep:")
