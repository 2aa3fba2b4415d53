"""The facilitator's controls: pause, resume, extend (exact, as the class reads it), the plan,
waiting and the plenary lock, bad input, and students kept away from the controls."""

from __future__ import annotations

from datetime import timedelta

import discord
import pytest

from cogs import EXTENSIONS
from tests.harness import ChannelRef, DiscordWouldNotSend, WireHarness
from tests.parley_fixtures import ParleyFactory
from tests.wire.rounds_kit import T0, class_in_session, countdown
from tests.wire.sessions_kit import control_id, final_text

SEND = discord.Permissions(send_messages=True).value


def s(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)


def send_overwrite(h: WireHarness, channel: ChannelRef, target_id: int) -> str:
    """ "deny", "allow" or "" for a target's Send Messages overwrite in a channel."""
    for o in h.store.channel(channel.id)["permission_overwrites"]:
        if int(o["id"]) == target_id:
            if int(o["deny"]) & SEND:
                return "deny"
            if int(o["allow"]) & SEND:
                return "allow"
    return ""


async def test_pause_resume_and_extend_move_the_deadline_exactly(
    make_parley: ParleyFactory,
) -> None:
    c = await class_in_session(make_parley, students=3)
    sid = c.sid
    await c.slash(c.h.world.facilitator, "round start")
    assert f"ends {countdown(T0 + s(360))}" in c.said()[-1]

    await c.advance(100)
    paused = await c.press("round-pause")
    assert c.said()[-1] == (
        "⏸️ **Paused.** The countdown has stopped with 4 min 20 s left in Phase 1 — Preparation."
    )
    refreshed = paused.edits[-1].custom_ids  # the panel now offers Resume instead of Pause
    assert control_id(sid, "round-resume") in refreshed
    assert control_id(sid, "round-pause") not in refreshed

    await c.advance(50)
    await c.slash(c.h.world.facilitator, "round extend", duration="1m30s")
    assert c.said()[-1] == (
        "➕ **1 min 30 s more** for Phase 1 — Preparation: 5 min 50 s left when the class resumes."
    )
    count = len(c.said())
    await c.advance(250)  # a long question: nothing runs while paused
    assert len(c.said()) == count
    info = await c.bot.rounds.current_phase(sid)
    assert info is not None and info.paused and info.remaining == s(350) and info.deadline is None

    await c.press("round-resume")  # at T0 + 400 s: 350 s left
    deadline = T0 + s(750)
    assert c.said()[-1] == (
        f"▶️ **Resumed.** Phase 1 — Preparation now ends {countdown(deadline)} "
        f"(<t:{int(deadline.timestamp())}:t>)."
    )
    await c.advance_to(deadline - s(60))
    assert c.said()[-1].startswith("⏳ **1 min left** in Phase 1 — Preparation")
    await c.advance_to(deadline - s(30))
    assert c.said()[-1].startswith("⏳ **30 s left** in Phase 1 — Preparation")
    await c.advance_to(deadline - timedelta(milliseconds=1))
    assert "Time." not in c.said()[-1]
    await c.advance_to(deadline)
    assert c.said()[-1].startswith("⏰ **Time.** Phase 1 — Preparation is over.")
    assert f"ends {countdown(deadline + s(360))}" in c.said()[-1]  # phase 2 starts at once

    await c.press("round-extend")  # +1 min on the panel
    assert c.said()[-1] == (
        f"➕ **1 min more** for Phase 2 — Opening statements: it now ends "
        f"{countdown(deadline + s(420))} (<t:{int((deadline + s(420)).timestamp())}:t>)."
    )
    runs = await c.bot.rounds.history(sid)
    assert runs[0].extensions == 90 and runs[0].paused == s(300)


async def test_next_and_skip_end_a_phase_early_and_end_finishes(make_parley: ParleyFactory) -> None:
    c = await class_in_session(make_parley, students=3)
    f = c.h.world.facilitator
    await c.slash(f, "round start")
    await c.advance(30)
    await c.press("round-next")
    assert c.said()[-1].startswith("⏹️ Phase 1 — Preparation ended early.")
    assert "**Phase 2 of 7 — Opening statements**" in c.said()[-1]
    await c.slash(f, "round skip")
    assert c.said()[-1].startswith("⏭️ Phase 2 — Opening statements was skipped.")
    ended = await c.slash(f, "round end")
    assert c.said()[-1].endswith("🏁 **The round is over** (3 phases played).")
    assert "The round is over." in final_text(ended)
    assert [r.reason for r in await c.bot.rounds.history(c.sid)] == ["next", "skipped", "ended"]
    assert await c.bot.timers.pending(c.sid) == []
    again = await c.slash(f, "round start")
    assert "round is over" in final_text(again)


async def test_waiting_for_the_facilitator_locks_the_plenary_between_phases(
    make_parley: ParleyFactory,
) -> None:
    c = await class_in_session(make_parley, students=3)
    w, h = c.h.world, c.h
    settings = await c.slash(
        w.facilitator, "round settings", auto_advance=False, lock_plenary=True, warnings="2m, 10s"
    )
    assert "Auto-advance: **off**" in final_text(settings)
    assert "Warnings: **2 min and 10 s**" in final_text(settings)
    await c.slash(w.facilitator, "round start")
    await c.advance(240)
    assert c.said()[-1].startswith("⏳ **2 min left**")
    await c.advance(120)
    assert c.said()[-1] == (
        "⏰ **Time.** Phase 1 — Preparation is over.\n"
        "Waiting for the facilitator to start Phase 2 — Opening statements.\n"
        "🔒 The plenary is closed until then."
    )
    assert send_overwrite(h, w.plenary, w.guild.id) == "deny"
    assert send_overwrite(h, w.plenary, w.facilitator_role.id) == "allow"  # the facilitators' role
    with pytest.raises(DiscordWouldNotSend):
        await h.send_message(w.plenary, w.students[0], "can I still talk?")
    await h.send_message(w.plenary, w.facilitator, "Facilitators can.")
    await c.advance(600)  # nothing moves on by itself
    info = await c.bot.rounds.current_phase(c.sid)
    assert info is not None and info.index == 0 and info.status == "waiting"

    await c.press("round-next")
    assert "**Phase 2 of 7 — Opening statements**" in c.said()[-1]
    assert send_overwrite(h, w.plenary, w.guild.id) == ""  # as it was before
    assert send_overwrite(h, w.plenary, w.facilitator_role.id) == ""
    await h.send_message(w.plenary, w.students[0], "Back to talking.")


async def test_without_manage_permissions_the_plenary_stays_open_and_parley_says_why(
    make_parley: ParleyFactory,
) -> None:
    c = await class_in_session(make_parley, students=3)
    w, h = c.h.world, c.h
    h.set_overwrite(w.plenary, h.bot_role(w.guild), deny=discord.Permissions(manage_roles=True))
    await h.settle()
    await c.slash(w.facilitator, "round settings", auto_advance=False, lock_plenary=True)
    await c.slash(w.facilitator, "round start")
    await c.advance(360)
    assert "Waiting for the facilitator" in c.said()[-2]
    assert "closed until then" not in c.said()[-2]
    assert c.said()[-1] == (
        f"⚠️ **For the facilitator:** Parley can't lock {w.plenary.mention} between phases: it "
        "needs **Manage Permissions** there. The plenary stays open."
    )
    await h.send_message(w.plenary, w.students[0], "Still open.")
    extended = await c.slash(w.facilitator, "round extend", duration="2")  # minutes
    assert "2 min more" in c.said()[-1] and "Phase 1" in final_text(extended)


async def test_the_plan_is_shown_and_edited_with_clear_errors(make_parley: ParleyFactory) -> None:
    c = await class_in_session(make_parley, students=3)
    f = c.h.world.facilitator
    shown = await c.slash(f, "round plan show")
    embed = shown.response.embed
    assert embed is not None and "Not started" in embed["description"]
    assert embed["description"].count("`") == 14  # seven numbered phases
    total = {x["name"]: x["value"] for x in embed["fields"]}["Total"]
    assert total == "50 min of your 50 min period"

    added = await c.slash(f, "round plan add", kind="caucus", duration="5m", position=4)
    fields = {x["name"]: x["value"] for x in added.response.embed["fields"]}  # type: ignore[index]
    assert fields["Total"] == "55 min: 5 min more than your 50 min period"
    assert "5 min more than your 50 min period" in fields["Worth knowing"]
    await c.slash(f, "round plan duration", position=4, duration="90s")
    await c.slash(f, "round plan move", position=4, to=2)
    removed = await c.slash(f, "round plan remove", position=1)
    plan = (await c.bot.rounds.round(c.sid)).plan
    assert [(p.kind, p.duration) for p in plan.phases][:2] == [
        ("caucus", 90),
        ("opening_statements", 360),
    ]
    assert "Plan changed." in final_text(removed)

    for options, error in [
        ({"duration": "5 parsecs"}, "I don't know the unit 'parsecs'"),
        ({"duration": "0"}, "A duration must be at least 1 second."),
        ({"duration": "90h"}, "longer than the 6 h Parley allows"),
        ({"duration": "-5m"}, "A duration can't be negative"),
    ]:
        bad = await c.slash(f, "round plan duration", position=1, **options)
        assert bad.response.ephemeral and error in bad.response.content  # type: ignore[operator]
    bad = await c.slash(f, "round plan remove", position=9)
    assert "There is no phase 9" in final_text(bad)
    bad = await c.slash(f, "round settings", warnings="soon")
    assert "I can't read 'soon' as a duration" in final_text(bad)
    assert (await c.bot.rounds.round(c.sid)).plan == plan  # nothing was lost or changed

    await c.slash(f, "round start")
    await c.slash(f, "round next")
    running = await c.slash(f, "round plan duration", position=2, duration="1m")
    assert "Phase 2 is running" in final_text(running)
    bad = await c.slash(f, "round extend", duration="30m 1h")
    assert "came twice or out of order" in final_text(bad)


async def test_students_are_denied_the_controls(make_parley: ParleyFactory) -> None:
    c = await class_in_session(make_parley, students=3)
    student = c.h.world.students[0]
    for command, options in [
        ("round start", {}),
        ("round next", {}),
        ("round extend", {"duration": "5m"}),
        ("round plan add", {"kind": "vote", "duration": "1m"}),
        ("floor give", {"delegation": "japan"}),
        ("caucus open", {"first": "us", "second": "dprk"}),
        ("caucus suggested", {}),
    ]:
        denied = await c.slash(student, command, **options)
        assert denied.response.ephemeral
        assert "Only facilitators can" in denied.response.content  # type: ignore[operator]
    assert (await c.bot.rounds.round(c.sid)).status == "planning"
    assert c.said() == [] or all("Phase" not in line for line in c.said())
    phase = await c.slash(student, "phase")
    assert final_text(phase) == "The round has not started yet."


async def test_listeners_hear_of_a_phase_after_the_class_has_read_its_announcement(
    make_parley: ParleyFactory,
) -> None:
    # Without the vote's own cogs, which also answer the vote phase in the plenary.
    rounds_only = [
        e for e in EXTENSIONS if e not in ("cogs.negotiation.extension", "cogs.debrief.extension")
    ]
    c = await class_in_session(
        make_parley, students=3, extensions=(*rounds_only, "tests.wire.phase_probe")
    )
    f = c.h.world.facilitator
    await c.slash(f, "round start")
    for _ in range(5):
        await c.slash(f, "round next")
    assert "**Phase 6 of 7 — Vote**" in c.said()[-2]
    assert c.said()[-1] == "Ballot open until 09:03."
    await c.advance(180)
    assert "⏰ **Time.** Phase 6 — Vote is over." in c.said()[-2]
    assert c.said()[-1] == "Ballot closed."


async def test_a_stale_or_repeated_phase_end_timer_changes_nothing(
    make_parley: ParleyFactory,
) -> None:
    c = await class_in_session(make_parley, students=3)
    f = c.h.world.facilitator
    await c.slash(f, "round start")
    await c.advance(60)
    await c.slash(f, "round skip")  # phase 1 is over; its timers were cancelled with it
    stale = {"session_id": c.sid, "index": 0, "detail": 0}
    await c.bot.timers.schedule("round_phase_end", T0 + s(360), stale, key="stale:1")
    await c.advance_to(T0 + s(360))  # a leftover of phase 1's end fires
    assert not any("Time." in line for line in c.said())
    info = await c.bot.rounds.current_phase(c.sid)
    assert info is not None and info.index == 1 and info.deadline == T0 + s(420)

    await c.advance_to(T0 + s(420))
    assert c.said()[-1].startswith("⏰ **Time.** Phase 2 — Opening statements is over.")
    count = len(c.said())
    again = {"session_id": c.sid, "index": 1, "detail": 0}  # delivered a second time
    await c.bot.timers.schedule("round_phase_end", T0 + s(420), again, key="stale:2")
    await c.advance(1)
    assert len(c.said()) == count
    info = await c.bot.rounds.current_phase(c.sid)
    assert info is not None and info.index == 2
