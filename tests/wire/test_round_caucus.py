"""Caucuses: requested by a delegation and approved with a button, opened by the facilitator,
recorded, closed with their phase; the session ending closes everything."""

from __future__ import annotations

import discord

from tests.parley_fixtures import ParleyFactory
from tests.wire.rounds_kit import Class, class_in_session
from tests.wire.sessions_kit import final_text, thread_members


async def caucus_phase(make_parley: ParleyFactory, **settings: object) -> Class:
    c = await class_in_session(make_parley)
    f = c.h.world.facilitator
    if settings:
        await c.slash(f, "round settings", **settings)
    await c.slash(f, "round start")
    await c.slash(f, "round next")
    await c.slash(f, "round next")
    return c


def caucus_threads(c: Class) -> dict[str, int]:
    """Thread name → id, for the caucus threads Parley created."""
    found = {}
    for request in c.h.requests("POST", "/channels/{channel_id}/threads"):
        name = (request.response or {}).get("name", "")
        if request.status < 400 and name.startswith("🤝 Caucus"):
            found[name] = int(request.response["id"])
    return found


async def test_a_requested_caucus_opens_when_the_facilitator_approves(
    make_parley: ParleyFactory,
) -> None:
    c = await caucus_phase(make_parley, open_caucuses=False)
    w, h = c.h.world, c.h
    assert "Ask for a caucus with `/caucus request`" in c.said()[-1]
    japan, rok, us = [await c.member_of(a) for a in ("japan", "rok", "us")]

    asked = await c.slash(japan, "caucus request", partner="seoul")
    assert final_text(asked).startswith("Request 1 sent")
    request = h.sent_messages(w.plenary, include_interactions=False)[-1]
    assert request.content == (
        "🤝 **Caucus request 1:** **Japan 🇯🇵** would like to meet **South Korea 🇰🇷** in "
        "private. Facilitator: approve or decline."
    )
    approve = f"parley:round:{c.sid}:caucus:1:approve"
    assert request.custom_ids == [approve, f"parley:round:{c.sid}:caucus:1:decline"]

    denied = await h.click(rok, request, approve)
    assert "Only facilitators can approve" in final_text(denied)
    assert caucus_threads(c) == {}

    await h.click(w.facilitator, request, approve)
    edited = h.message(request)
    assert edited["content"].endswith("✅ Approved by facilitator.") and not edited["components"]
    thread = caucus_threads(c)["🤝 Caucus 1: South Korea–Japan"]
    assert c.said()[-1] == f"🤝 **Caucus 1** is open: <#{thread}> (South Korea–Japan)."
    assert thread_members(h, thread) >= {japan.id, rok.id, w.facilitator.id}
    assert us.id not in thread_members(h, thread)
    channels = {i.channel_id: i for i in await c.bot.sessions.channels(c.sid)}
    assert channels[thread].kind == "caucus" and channels[thread].label == (
        "Caucus 1: South Korea–Japan"
    )

    again = await c.slash(rok, "caucus request", partner="japan")
    assert "These delegations already meet in caucus 1." in final_text(again)
    ambiguous = await c.slash(us, "caucus request", partner="korea")
    assert "could be North Korea 🇰🇵 or South Korea 🇰🇷" in final_text(ambiguous)
    await c.slash(us, "caucus request", partner="dprk")
    second = h.sent_messages(w.plenary, include_interactions=False)[-1]
    await h.click(w.facilitator, second, f"parley:round:{c.sid}:caucus:2:decline")
    assert h.message(second)["content"].endswith("❌ Declined by facilitator.")

    await h.send_message(thread, rok, "We can live with a freeze.")
    await c.slash(us, "caucus request", partner="china")  # still waiting when the phase ends
    await c.slash(w.facilitator, "round next")
    meta = h.store.channel(thread)["thread_metadata"]
    assert meta["archived"] and meta["locked"]
    book = (await c.bot.rounds.round(c.sid)).caucuses
    assert [r.status for r in book.requests] == ["approved", "declined", "lapsed"]
    entry = next(e for e in await c.transcript() if e.content == "We can live with a freeze.")
    assert (entry.channel_kind, entry.phase) == ("caucus", "3. Bilateral caucuses")

    late = await c.slash(japan, "caucus request", partner="china")  # plenary: still allowed
    assert final_text(late).startswith("Request 4 sent")


async def test_the_facilitator_opens_closes_and_opens_the_suggested_caucuses(
    make_parley: ParleyFactory,
) -> None:
    c = await caucus_phase(make_parley, open_caucuses=False)
    f = c.h.world.facilitator
    opened = await c.slash(f, "caucus open", first="us", second="china")
    names = caucus_threads(c)
    thread = names["🤝 Caucus 1: United States–China"]
    assert final_text(opened) == f"Opened caucus 1: <#{thread}> (United States–China)."
    closed = await c.slash(f, "caucus close", number=1)
    assert c.said()[-1] == "🤝 Caucus 1 (United States–China) is closed."
    assert "Phase 3 — Bilateral caucuses" in final_text(closed)
    assert c.h.store.channel(thread)["thread_metadata"]["archived"]

    suggested = await c.slash(f, "caucus suggested")
    assert sorted(caucus_threads(c)) == [
        "🤝 Caucus 1: United States–China",
        "🤝 Caucus 2: United States–North Korea",
        "🤝 Caucus 3: South Korea–Japan",
        "🤝 Caucus 4: China–Russia",
    ]
    assert final_text(suggested).startswith("Opened caucus 2:")
    again = await c.slash(f, "caucus suggested")
    assert final_text(again) == "Every suggested caucus is already open."
    status = await c.slash(c.h.world.students[0], "phase")
    assert "🤝 Caucuses:" in final_text(status) and "China–Russia" in final_text(status)


async def test_ending_the_session_ends_the_round_and_closes_the_caucuses(
    make_parley: ParleyFactory,
) -> None:
    c = await caucus_phase(make_parley)  # the suggested caucuses open with the phase
    threads = list(caucus_threads(c).values())
    assert len(threads) == 3
    await c.slash(c.h.world.facilitator, "session end")
    for thread in threads:
        assert c.h.store.channel(thread)["thread_metadata"]["archived"]
    assert c.phase_events()[-1] == ("parley_phase_ended", (c.sid, 2, "caucus"))
    assert await c.bot.timers.pending(c.sid) == []
    count = len(c.said())
    await c.advance(3600)
    assert len(c.said()) == count  # nothing fires for an ended session
    assert (await c.bot.rounds.round(c.sid)).status == "finished"


async def test_without_thread_permissions_caucuses_are_kept_and_the_facilitator_is_told(
    make_parley: ParleyFactory,
) -> None:
    c = await class_in_session(make_parley)
    w, h = c.h.world, c.h
    h.set_overwrite(
        w.plenary, h.bot_role(w.guild), deny=discord.Permissions(create_private_threads=True)
    )
    await h.settle()
    f = w.facilitator
    await c.slash(f, "round start")
    await c.slash(f, "round next")
    told = await c.slash(f, "round next")
    assert "Parley needs **Create Private Threads**" in final_text(told)
    assert "no thread: see the notice above" in c.said()[-1]
    assert len((await c.bot.rounds.round(c.sid)).caucuses.open_caucuses()) == 3
