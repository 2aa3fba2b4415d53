"""A whole 50-minute class on the fake clock, through discord.py's real dispatch."""

from __future__ import annotations

from datetime import timedelta

from tests.parley_fixtures import ParleyFactory
from tests.wire.rounds_kit import HANOI, T0, Class, class_in_session, countdown, find
from tests.wire.sessions_kit import thread_members

PHASES = [
    ("preparation", "Preparation", 360),
    ("opening_statements", "Opening statements", 360),
    ("caucus", "Bilateral caucuses", 600),
    ("plenary", "Plenary on the deliverables", 900),
    ("final_statements", "Final statements", 240),
    ("vote", "Vote", 180),
    ("debrief", "Debrief", 360),
]
NAMES = {
    "us": "United States 🇺🇸",
    "dprk": "North Korea 🇰🇵",
    "rok": "South Korea 🇰🇷",
    "japan": "Japan 🇯🇵",
    "china": "China 🇨🇳",
    "russia": "Russia 🇷🇺",
}


async def statements(c: Class, turn: int) -> None:
    """Each delegation speaks when the floor passes to it (and is credited for it)."""
    for actor in HANOI:
        member = await c.member_of(actor)
        await c.h.send_message(c.h.world.plenary, member, f"{actor} states its position")
        await c.advance(turn)


async def test_a_whole_class_plan_from_start_to_end(make_parley: ParleyFactory) -> None:
    c = await class_in_session(make_parley)
    w = c.h.world
    started = await c.press("round-start")
    assert "**Phase 1 — Preparation** (1 of 7)" in started.last_message.text()

    now = T0
    threads_seen: list[int] = []
    for index, (kind, title, seconds) in enumerate(PHASES):
        before = len(c.said())
        start_line = find(c.said(), f"**Phase {index + 1} of 7 — {title}**")
        assert f"ends {countdown(now + timedelta(seconds=seconds))}" in start_line
        info = await c.bot.rounds.current_phase(c.sid)
        assert info is not None and (info.index, info.kind, info.title) == (index, kind, title)
        assert info.deadline == now + timedelta(seconds=seconds)

        await c.h.send_message(w.plenary, w.students[0], f"said during {title}")
        if kind == "opening_statements":
            await statements(c, 60)
        elif kind == "final_statements":
            await statements(c, 40)
        elif kind == "caucus":
            threads = [
                info.channel_id
                for info in await c.bot.sessions.channels(c.sid)
                if info.kind == "caucus"
            ]
            assert len(threads) == 3
            threads_seen = threads
            member = await c.member_of("us")
            await c.h.send_message(threads[0], member, "Just between us: sanctions first?")
            await c.advance(seconds)
        else:
            await c.advance(seconds)
        now += timedelta(seconds=seconds)
        during = c.said_since(before)
        assert f"⏳ **1 min left** in Phase {index + 1} — {title}" in "\n".join(during)
        assert f"⏳ **30 s left** in Phase {index + 1} — {title}" in "\n".join(during)
        assert f"⏰ **Time.** Phase {index + 1} — {title} is over." in "\n".join(during)

    assert now == T0 + timedelta(minutes=50)
    assert "🏁 **The round is over** (7 phases played)." in c.said()[-1]
    assert await c.bot.rounds.current_phase(c.sid) is None
    assert await c.bot.timers.pending(c.sid) == []

    # Opening statements walked the delegations in the scenario's order, 1 min each.
    spoken = [line for line in c.said() if "has the floor for 1 min" in line]
    order = [next(a for a in HANOI if f"**{NAMES[a]}** has the floor" in line) for line in spoken]
    assert order == HANOI

    # Caucus threads: US–DPRK, ROK–Japan, China–Russia, each private with its members and the
    # facilitator, recorded, and archived when the caucus phase ended.
    caucus_names = [c.h.store.channel(t)["name"] for t in threads_seen]
    assert caucus_names == [
        "🤝 Caucus 1: United States–North Korea",
        "🤝 Caucus 2: South Korea–Japan",
        "🤝 Caucus 3: China–Russia",
    ]
    actors = await c.actors()
    assert thread_members(c.h, threads_seen[0]) >= {actors["us"], actors["dprk"], w.facilitator.id}
    assert actors["japan"] not in thread_members(c.h, threads_seen[0])
    for thread in threads_seen:
        meta = c.h.store.channel(thread)["thread_metadata"]
        assert meta["archived"] and meta["locked"]

    # Proposals and votes hook in through these events, in this order.
    events = c.phase_events()
    expected = []
    for index, (kind, _, _) in enumerate(PHASES):
        expected += [
            ("parley_phase_started", (c.sid, index, kind)),
            ("parley_phase_ended", (c.sid, index, kind)),
        ]
    assert events == expected

    # Every message carries its phase; the caucus thread is in the record.
    entries = await c.transcript()
    student_lines = {e.content: e.phase for e in entries if not e.is_bot}
    assert student_lines["said during Preparation"] == "1. Preparation"
    assert student_lines["said during Debrief"] == "7. Debrief"
    assert student_lines["Just between us: sanctions first?"] == "3. Bilateral caucuses"
    caucus_entry = next(e for e in entries if e.content.startswith("Just between us"))
    assert caucus_entry.channel_kind == "caucus"

    # The gradebook: every student spoke 60 s + 40 s.
    floor = await c.bot.rounds.floor_seconds(c.sid)
    assert floor == {user: 100.0 for user in actors.values()}
