"""Parley restarts mid-class: a new bot on the same database; old buttons keep working."""

from __future__ import annotations

from tests.parley_fixtures import ParleyFactory
from tests.wire.sessions_kit import (
    card_edits,
    card_fields,
    click_all,
    control_id,
    final_text,
    join_id,
    service,
    start_session,
    thread_members,
)


async def test_old_buttons_work_after_a_restart(make_parley: ParleyFactory) -> None:
    before = await make_parley(students=7)
    w = before.world
    started = await start_session(before)
    sid = started.session_id
    await click_all(before, w.students[:6], started.card, join_id(sid))
    first_bot = before.bot

    after = await make_parley(restart_of=before)  # the laptop lid closed and opened again
    assert after.bot is not first_bot and after.store is before.store

    late = await after.click(w.students[6], started.card, join_id(sid))  # the old card's button
    assert "You're in!" in final_text(late)
    assert len(await service(after).participants(sid)) == 7
    assert card_fields(after, started)["Class"] == "7 joined"  # the new bot edited the old card
    assert card_edits(after, started)

    # the facilitator's panel from before the restart still deals
    dealt = await after.click(w.facilitator, started.panel, control_id(sid, "random"))
    assert "Dealt at random" in final_text(dealt)
    us = next(d for d in await service(after).delegations(sid) if d.actor_id == "us")
    assert len(us.members) == 2 and us.space_channel_id is not None
    assert set(us.member_ids) <= thread_members(after, us.space_channel_id)

    # and a brief opened before a second restart still turns its pages
    mine = await after.click(w.students[0], started.card, f"parley:session:{sid}:mine")
    actor = await service(after).actor_of(sid, w.students[0].id)
    again = await make_parley(restart_of=after)
    turned = await again.click(w.students[0], mine, f"parley:brief:hanoi-2019:{actor}:0:next")
    assert turned.response.type_name == "message_update"
    assert "page 2 of" in turned.response.embed["footer"]["text"]
