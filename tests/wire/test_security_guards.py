"""Guards that explain themselves: settings and actions whose consequence a teacher may not see."""

from __future__ import annotations

from tests.harness import WireHarness
from tests.wire.negotiation_kit import seated_class
from tests.wire.sessions_kit import control_id, final_text, service


async def test_everyone_is_refused_as_the_facilitator_role(parley: WireHarness) -> None:
    w = parley.world
    refused = await parley.slash(
        w.facilitator, "parley config facilitator-role", options={"role": w.everyone}
    )
    assert refused.response.ephemeral
    assert "every member of the server" in final_text(refused)
    assert len(final_text(refused)) < 400
    student = await parley.slash(
        w.students[0], "session create", options={"scenario": "hanoi-2019"}
    )
    assert "Only facilitators" in final_text(student)


async def test_a_random_deal_once_briefs_are_out_asks_first(parley: WireHarness) -> None:
    w = parley.world
    seated = await seated_class(parley)
    before = {p.user_id: p.actor_id for p in await service(parley).participants(seated.sid)}

    asked = await parley.slash(
        w.facilitator, "session assignment", options={"mode": "random", "seed": 99}
    )
    assert asked.response.ephemeral
    assert "briefs are" in asked.response.content and "out" in asked.response.content
    confirm = f"parley:session:{seated.sid}:reshuffle:99"
    assert asked.response.custom_ids == [confirm]
    unchanged = {p.user_id: p.actor_id for p in await service(parley).participants(seated.sid)}
    assert unchanged == before  # nothing moved until confirmed

    panel = await parley.slash(w.facilitator, "session panel")
    from_panel = await parley.click(w.facilitator, panel, control_id(seated.sid, "random"))
    assert from_panel.response.custom_ids == [f"parley:session:{seated.sid}:reshuffle"]

    done = await parley.click(w.facilitator, asked, confirm)
    assert "seed **99**" in final_text(done)
    session = await service(parley).get(seated.sid)
    assert session is not None and session.seed == 99


async def test_brief_scenario_is_checked(parley: WireHarness) -> None:
    w = parley.world
    unknown = await parley.slash(w.students[0], "brief", options={"scenario": "atlantis"})
    assert unknown.response.ephemeral
    assert "atlantis" in unknown.response.content and "scenario" in unknown.response.content
    alone = await parley.slash(w.facilitator, "brief", options={"scenario": "hanoi-2019"})
    assert "works with `actor:`" in alone.response.content
    assert alone.response.embeds == []
    both = await parley.slash(
        w.facilitator, "brief", options={"scenario": "hanoi-2019", "actor": "tokyo"}
    )
    assert both.response.embed is not None
