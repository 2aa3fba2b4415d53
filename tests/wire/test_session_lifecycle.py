"""A session from `/session create` to `/session end`, through discord.py's real dispatch."""

from __future__ import annotations

import discord

from cogs.sessions.flow import CARD_EDIT_DELAY
from tests.harness import WireHarness
from tests.parley_fixtures import ParleyFactory
from tests.wire.sessions_kit import (
    card_edits,
    card_fields,
    card_now,
    click_all,
    control_id,
    final_text,
    join_id,
    service,
    start_session,
    thread_members,
)


async def test_create_posts_a_public_card_and_a_private_panel(parley: WireHarness) -> None:
    w = parley.world
    started = await start_session(parley)

    card = started.card
    assert not card.ephemeral and card.channel_id == w.plenary.id
    embed = card.embed
    assert embed is not None and "Hanoi 2019" in embed["title"]
    assert "Press Join" in embed["description"]
    assert card.custom_ids == [
        join_id(started.session_id),
        f"parley:session:{started.session_id}:mine",
        f"parley:session:{started.session_id}:leave",
    ]
    names = [f["name"] for f in embed["fields"]]
    assert names[:6] == [
        "🇺🇸 United States",
        "🇰🇵 North Korea",
        "🇰🇷 South Korea",
        "🇯🇵 Japan",
        "🇨🇳 China",
        "🇷🇺 Russia",
    ]
    assert card.allows_no_mentions

    panel = started.panel
    assert panel.ephemeral
    assert control_id(started.session_id, "random") in panel.custom_ids
    assert control_id(started.session_id, "self-pick") in panel.custom_ids
    assert control_id(started.session_id, "end") in panel.custom_ids

    session = await service(parley).live_session_for_channel(w.plenary.id)
    assert session is not None and session.card_message_id == card.message_id
    channels = await service(parley).channels(session.id)
    assert [(c.channel_id, c.kind) for c in channels] == [(w.plenary.id, "plenary")]


async def test_one_live_session_per_channel(parley: WireHarness) -> None:
    await start_session(parley)
    again = await parley.slash(
        parley.world.facilitator, "session create", options={"scenario": "hanoi-2019"}
    )
    assert again.response.ephemeral
    assert "already has a live session" in again.response.content


async def test_scenario_autocomplete_offers_the_loaded_scenarios(parley: WireHarness) -> None:
    choices = await parley.choices(
        parley.world.facilitator, "session create", focused="scenario", value="han"
    )
    assert choices == [{"name": "Hanoi 2019", "value": "hanoi-2019"}]


async def test_thirty_clicks_at_once_become_few_card_edits_showing_the_final_count(
    make_parley: ParleyFactory,
) -> None:
    h = await make_parley(students=30, card_edit_delay=None)  # production debounce
    assert h.bot.session_flow.cards.delay == CARD_EDIT_DELAY  # type: ignore[attr-defined]
    started = await start_session(h)

    results = await click_all(h, h.world.students, started.card, join_id(started.session_id))

    assert all("You're in" in final_text(r) for r in results)
    assert all(r.response.ephemeral for r in results)
    edits = card_edits(h, started)
    assert 1 <= len(edits) <= 3, len(edits)  # debounced: not thirty edits
    assert card_fields(h, started)["Class"] == "30 joined"
    assert len(await service(h).participants(started.session_id)) == 30


async def test_join_twice_leave_and_status(parley: WireHarness) -> None:
    w = parley.world
    started = await start_session(parley)
    first = await parley.slash(w.students[0], "session join")
    again = await parley.slash(w.students[0], "session join")
    assert "You're in!" in final_text(first)
    assert "already in" in final_text(again)

    status = await parley.slash(w.students[1], "session status")
    assert status.response.ephemeral
    assert "1 joined" in status.response.embed["description"]

    left = await parley.slash(w.students[0], "session leave")
    assert "You left the session" in final_text(left)
    assert await service(parley).participants(started.session_id) == []
    not_in = await parley.slash(w.students[0], "session leave")
    assert "not in this session" in final_text(not_in)


async def test_commands_outside_a_session_channel_say_what_to_do(parley: WireHarness) -> None:
    result = await parley.slash(parley.world.students[0], "session join")
    assert result.response.ephemeral
    assert "no live session in this channel" in result.response.content


async def test_random_deal_opens_private_threads_with_members_facilitator_and_brief(
    make_parley: ParleyFactory,
) -> None:
    h = await make_parley(students=12)
    w = h.world
    started = await start_session(h)
    await click_all(h, w.students, started.card, join_id(started.session_id))

    dealt = await h.click(w.facilitator, started.panel, control_id(started.session_id, "random"))
    report = final_text(dealt)
    assert "Dealt at random with seed" in report
    assert "United States 🇺🇸 2" in report

    delegations = await service(h).delegations(started.session_id)
    channels = {c.actor_id: c for c in await service(h).channels(started.session_id)}
    for d in delegations:
        assert d.status == "active" and len(d.members) == 2
        assert d.space_channel_id is not None
        assert channels[d.actor_id].kind == "delegation"
        thread = h.store.channel(d.space_channel_id)
        assert thread["type"] == 12  # a private thread
        assert int(thread["parent_id"]) == w.plenary.id
        assert thread_members(h, d.space_channel_id) == {
            *d.member_ids,
            w.facilitator.id,
            h.application_id,
        }
        posted = h.sent_messages(d.space_channel_id)
        assert any(any(e["title"].endswith("Overview") for e in m.embeds) for m in posted), (
            "the brief is posted in the delegation's thread"
        )
        welcome = posted[-1]
        assert welcome.pings.users == frozenset(d.member_ids)  # names and pings its members
        assert d.role_id is not None  # Parley may manage roles here: a role per delegation
        role_holders = {
            uid
            for uid, m in h.store.guild(w.guild.id).members.items()
            if str(d.role_id) in m["roles"]
        }
        assert role_holders == set(d.member_ids)
    fields = card_fields(h, started)
    assert fields["🇯🇵 Japan"] == "2 of 2 · full"
    assert "Delegations are set" in card_now(h, started)["embeds"][0]["description"]


async def test_late_joiner_goes_to_the_smallest_delegation_and_its_thread(
    make_parley: ParleyFactory,
) -> None:
    h = await make_parley(students=8)
    w = h.world
    started = await start_session(h)
    await click_all(h, w.students[:7], started.card, join_id(started.session_id))
    await h.slash(w.facilitator, "session assignment", options={"mode": "random", "seed": 4242})

    late = await h.click(w.students[7], started.card, join_id(started.session_id))

    assert "You are **North Korea 🇰🇵**" in final_text(late)  # US has 2, DPRK first of the 1s
    dprk = next(d for d in await service(h).delegations(started.session_id) if d.actor_id == "dprk")
    assert w.students[7].id in dprk.member_ids
    assert dprk.space_channel_id is not None
    assert w.students[7].id in thread_members(h, dprk.space_channel_id)
    assert late.messages[-1].embed["title"] == "🇰🇵 North Korea · Overview"


async def test_leaving_takes_a_student_out_of_the_thread(make_parley: ParleyFactory) -> None:
    h = await make_parley(students=6)
    w = h.world
    started = await start_session(h)
    await click_all(h, w.students, started.card, join_id(started.session_id))
    await h.slash(w.facilitator, "session assignment", options={"mode": "random", "seed": 1})
    actor = await service(h).actor_of(started.session_id, w.students[0].id)
    space = next(
        d.space_channel_id
        for d in await service(h).delegations(started.session_id)
        if d.actor_id == actor
    )
    assert space is not None and w.students[0].id in thread_members(h, space)

    await h.click(w.students[0], started.card, f"parley:session:{started.session_id}:leave")

    assert w.students[0].id not in thread_members(h, space)
    assert card_fields(h, started)["Class"] == "5 joined"


async def test_end_closes_the_card_threads_and_roles_and_frees_the_channel(
    make_parley: ParleyFactory,
) -> None:
    h = await make_parley(students=6)
    w = h.world
    started = await start_session(h)
    await click_all(h, w.students, started.card, join_id(started.session_id))
    await h.slash(w.facilitator, "session assignment", options={"mode": "random", "seed": 7})
    delegations = await service(h).delegations(started.session_id)

    confirm = await h.click(w.facilitator, started.panel, control_id(started.session_id, "end"))
    assert confirm.response.ephemeral
    ended = await h.click(w.facilitator, confirm, control_id(started.session_id, "end-confirm"))

    assert "has ended" in final_text(ended)
    card = card_now(h, started)
    assert card["components"] == []
    assert "has ended" in card["embeds"][0]["description"]
    for d in delegations:
        assert d.space_channel_id is not None
        meta = h.store.channel(d.space_channel_id)["thread_metadata"]
        assert meta["archived"] and meta["locked"]
        assert d.role_id not in h.store.guild(w.guild.id).roles
    assert await service(h).live_session_for_channel(w.plenary.id) is None
    sid = started.session_id
    events = [(name, args) for name, args in h.events if name.startswith("parley_")]
    assert ("parley_session_created", (sid,)) in events  # what rounds and the debrief listen to
    assert ("parley_assignment_changed", (sid,)) in events
    assert events[-1] == ("parley_session_ended", (sid,))
    info = await service(h).get(started.session_id)
    assert info is not None and info.status == "ended" and info.ended_at is not None
    # the card has no buttons left; the command says there is nothing to join here
    late = await h.slash(w.students[0], "session join")
    assert "no live session in this channel" in final_text(late)
    # a new session can start in the same channel
    again = await start_session(h)
    assert again.session_id != started.session_id


async def test_private_channels_when_the_server_prefers_them(make_parley: ParleyFactory) -> None:
    h = await make_parley(students=2)
    w = h.world
    await h.slash(w.facilitator, "parley config private-space", options={"kind": "channel"})
    started = await start_session(h)
    await click_all(h, w.students, started.card, join_id(started.session_id))
    await h.slash(w.facilitator, "session assignment", options={"mode": "random", "seed": 9})

    for d in await service(h).delegations(started.session_id):
        if d.status != "active":
            continue
        assert d.space_channel_id is not None
        channel = h.store.channel(d.space_channel_id)
        assert channel["type"] == 0  # a text channel
        overwrites = {int(o["id"]): o for o in channel["permission_overwrites"]}
        everyone = overwrites[w.guild.id]
        assert int(everyone["deny"]) & discord.Permissions(view_channel=True).value
        for uid in [*d.member_ids, w.facilitator.id]:
            allow = discord.Permissions(int(overwrites[uid]["allow"]))
            assert allow.view_channel and allow.send_messages
        others = set(u.id for u in w.students) - set(d.member_ids)
        assert not others & set(overwrites)


async def test_missing_thread_permission_is_named_and_the_class_carries_on(
    make_parley: ParleyFactory,
) -> None:
    h = await make_parley(students=4)
    w = h.world
    h.set_overwrite(
        w.plenary, h.bot_role(w.guild), deny=discord.Permissions(create_private_threads=True)
    )
    await h.settle()
    started = await start_session(h)
    await click_all(h, w.students, started.card, join_id(started.session_id))

    dealt = await h.click(w.facilitator, started.panel, control_id(started.session_id, "random"))

    report = final_text(dealt)
    assert "Dealt at random" in report
    assert "Parley needs **Create Private Threads**" in report
    assert h.requests("POST", "/channels/{channel_id}/threads") == []
    mine = await h.click(w.students[0], started.card, f"parley:session:{started.session_id}:mine")
    assert "You are **" in final_text(mine)  # the brief still opens privately
    assert mine.response.ephemeral


async def test_manage_roles_missing_means_no_roles_and_a_tip(make_parley: ParleyFactory) -> None:
    h = await make_parley(students=2)
    w = h.world
    h.store.guild(w.guild.id).roles[h.bot_role(w.guild).id]["permissions"] = str(
        discord.Permissions(
            int(h.store.guild(w.guild.id).roles[h.bot_role(w.guild).id]["permissions"])
        ).value
        & ~discord.Permissions(manage_roles=True).value
    )
    h.deliver(
        "GUILD_ROLE_UPDATE",
        {
            "guild_id": str(w.guild.id),
            "role": h.store.guild(w.guild.id).roles[h.bot_role(w.guild).id],
        },
    )
    await h.settle()
    started = await start_session(h)
    await click_all(h, w.students, started.card, join_id(started.session_id))
    dealt = await h.click(w.facilitator, started.panel, control_id(started.session_id, "random"))
    assert "Manage Roles" in final_text(dealt)
    assert h.requests("POST", "/guilds/{guild_id}/roles") == []
    assert all(d.role_id is None for d in await service(h).delegations(started.session_id))
