"""A restart in the middle of class: a new bot instance on the same database and fake Discord."""

from __future__ import annotations

from datetime import timedelta

from tests.parley_fixtures import ParleyFactory
from tests.wire.rounds_kit import T0, Class, class_in_session, countdown


def s(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)


async def restart(make_parley: ParleyFactory, c: Class) -> Class:
    h = await make_parley(restart_of=c.h, clock=c.clock)
    restarted = Class(h, c.clock, c.started)
    await restarted.advance(0)
    return restarted


async def test_a_new_instance_resumes_a_half_finished_phase_with_the_right_time_left(
    make_parley: ParleyFactory,
) -> None:
    c = await class_in_session(make_parley, students=3)
    await c.slash(c.h.world.facilitator, "round start")
    await c.advance(120)
    c = await restart(make_parley, c)  # the laptop lid closes and opens within the same second

    info = await c.bot.rounds.current_phase(c.sid)
    assert info is not None and info.index == 0
    assert info.deadline == T0 + s(360) and info.remaining == s(240)
    await c.h.send_message(c.h.world.plenary, c.h.world.students[0], "after the restart")
    assert (await c.transcript())[-1].phase == "1. Preparation"

    await c.advance_to(T0 + s(300) - timedelta(milliseconds=1))
    assert c.said() == []
    await c.advance_to(T0 + s(300))
    assert c.said() == [
        f"⏳ **1 min left** in Phase 1 — Preparation (ends {countdown(T0 + s(360))})."
    ]
    await c.advance_to(T0 + s(360))
    assert c.said()[-1].startswith("⏰ **Time.** Phase 1 — Preparation is over.")
    assert f"ends {countdown(T0 + s(720))}" in c.said()[-1]
    paused = await c.press("round-pause")  # the panel works on the new instance too
    assert "Paused" in c.said()[-1] and paused.responded


async def test_timers_that_fell_due_offline_fire_at_once_and_say_they_are_late(
    make_parley: ParleyFactory,
) -> None:
    c = await class_in_session(make_parley, students=3)
    await c.slash(c.h.world.facilitator, "round start")
    await c.advance(120)
    await c.h.close()
    await c.clock.advance(s(360))  # offline from 09:02 to 09:08; the phase ended at 09:06
    c = await restart(make_parley, c)

    due = int((T0 + s(360)).timestamp())
    assert len(c.said()) == 1  # the passed warnings stay silent: they would be wrong now
    assert c.said()[0].startswith(
        f"⏰ **Time.** Phase 1 — Preparation ended at <t:{due}:t> while Parley was offline "
        "(this notice is late)."
    )
    assert f"ends {countdown(T0 + s(480 + 360))}" in c.said()[0]  # phase 2 from now, in full
    info = await c.bot.rounds.current_phase(c.sid)
    assert info is not None and info.index == 1 and info.deadline == T0 + s(840)


async def test_a_warning_that_fell_due_offline_tells_the_true_time_left(
    make_parley: ParleyFactory,
) -> None:
    c = await class_in_session(make_parley, students=3)
    await c.slash(c.h.world.facilitator, "round start")
    await c.advance(290)
    await c.h.close()
    await c.clock.advance(s(30))  # the 1-minute warning was due at 09:05:00, offline
    c = await restart(make_parley, c)
    assert c.said() == [
        f"⏳ **40 s left** in Phase 1 — Preparation (ends {countdown(T0 + s(360))}; this "
        "warning is late: Parley was offline)."
    ]
    await c.advance_to(T0 + s(330))
    assert c.said()[-1].startswith("⏳ **30 s left**")


async def test_caucus_threads_opened_before_a_restart_close_after_it(
    make_parley: ParleyFactory,
) -> None:
    c = await class_in_session(make_parley)
    f = c.h.world.facilitator
    await c.slash(f, "round start")
    await c.slash(f, "round next")
    await c.slash(f, "round next")  # bilateral caucuses: three threads
    threads = [i.channel_id for i in await c.bot.sessions.channels(c.sid) if i.kind == "caucus"]
    assert len(threads) == 3
    await c.advance(60)
    c = await restart(make_parley, c)
    member = await c.member_of("rok")
    await c.h.send_message(threads[1], member, "Still here after the restart?")
    entries = await c.transcript()
    assert entries[-1].content == "Still here after the restart?"
    assert entries[-1].phase == "3. Bilateral caucuses"
    await c.advance(540)
    for thread in threads:
        meta = c.h.store.channel(thread)["thread_metadata"]
        assert meta["archived"] and meta["locked"]
