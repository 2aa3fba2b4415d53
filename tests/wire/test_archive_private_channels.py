"""Opening private delegation channels to the class after the debrief: one read-only overwrite
per delegation role (six calls, not one per student)."""

from __future__ import annotations

import discord

from tests.parley_fixtures import ParleyFactory
from tests.wire.sessions_kit import click_all, join_id, service, start_session


async def test_the_archive_of_private_channels_opens_by_role(make_parley: ParleyFactory) -> None:
    h = await make_parley(students=12)
    w = h.world
    await h.slash(w.facilitator, "parley config private-space", options={"kind": "channel"})
    started = await start_session(h)
    sid = started.session_id
    await click_all(h, w.students, started.card, join_id(sid))
    await h.slash(w.facilitator, "session assignment", options={"mode": "random", "seed": 9})
    delegations = [d for d in await service(h).delegations(sid) if d.status == "active"]
    roles = {d.actor_id: d.role_id for d in delegations}
    assert all(roles.values())  # Parley could make a role per delegation

    debrief = await h.slash(w.facilitator, "debrief")
    before = len(h.requests("PUT", "/channels/{channel_id}/permissions/{target}"))
    opened = await h.click(w.facilitator, debrief, f"parley:debrief:{sid}:archive")
    assert "Opened to the class, read-only" in opened.messages[-1].text()
    puts = h.requests("PUT", "/channels/{channel_id}/permissions/{target}")[before:]
    assert len(puts) == len(delegations) * (len(delegations) - 1)  # roles only, no students

    for d in delegations:
        assert d.space_channel_id is not None
        overwrites = {
            int(o["id"]): o for o in h.store.channel(d.space_channel_id)["permission_overwrites"]
        }
        for other in delegations:
            if other.actor_id == d.actor_id:
                continue
            seen = overwrites[roles[other.actor_id] or 0]
            allow, deny = (
                discord.Permissions(int(seen["allow"])),
                discord.Permissions(int(seen["deny"])),
            )
            assert allow.view_channel and allow.read_message_history and deny.send_messages
