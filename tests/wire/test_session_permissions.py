"""Facilitator controls are checked by Parley itself, not only hidden by Discord."""

from __future__ import annotations

import discord
import pytest

from tests.harness import WireHarness
from tests.wire.sessions_kit import control_id, final_text, service, start_session


@pytest.mark.parametrize(
    ("command", "options", "action"),
    [
        ("session create", {"scenario": "hanoi-2019"}, "start a session"),
        ("session end", {}, "end a session"),
        ("session panel", {}, "open the facilitator panel"),
        ("session assignment", {"mode": "random"}, "hand out delegations"),
    ],
)
async def test_a_student_is_denied_facilitator_commands(
    parley: WireHarness, command: str, options: dict[str, str], action: str
) -> None:
    w = parley.world
    started = await start_session(parley)
    result = await parley.slash(w.students[0], command, options=options)

    assert result.response.ephemeral
    assert result.response.content.startswith(f"Only facilitators can {action}.")
    session = await service(parley).get(started.session_id)
    assert session is not None and session.live and session.stage == "joining"


async def test_a_student_cannot_assign_or_swap(parley: WireHarness) -> None:
    w = parley.world
    started = await start_session(parley)
    assigned = await parley.slash(
        w.students[0], "assign", options={"student": w.students[0], "actor": "us"}
    )
    swapped = await parley.slash(
        w.students[0], "session swap", options={"first": w.students[0], "second": w.students[1]}
    )
    assert assigned.response.content.startswith("Only facilitators can assign actors.")
    assert swapped.response.content.startswith("Only facilitators can swap delegations.")
    assert await service(parley).actor_of(started.session_id, w.students[0].id) is None


async def test_assign_is_hidden_from_students_by_default(parley: WireHarness) -> None:
    command = parley.bot.tree.get_command("assign")  # type: ignore[attr-defined]
    assert command is not None
    schema = command.to_dict(parley.bot.tree)  # type: ignore[attr-defined]
    assert int(schema["default_member_permissions"]) == discord.Permissions(manage_guild=True).value


async def test_a_forged_panel_click_by_a_student_is_refused(parley: WireHarness) -> None:
    w = parley.world
    started = await start_session(parley)
    parley.validate = False  # pretend a modified client sent a click on the facilitator's panel
    try:
        forged = await parley.click(
            w.students[0], started.panel, control_id(started.session_id, "random")
        )
    finally:
        parley.validate = True
    assert "Only facilitators can use the facilitator panel" in final_text(forged)
    session = await service(parley).get(started.session_id)
    assert session is not None and session.stage == "joining"


async def test_the_facilitator_role_setting_grants_the_controls(parley: WireHarness) -> None:
    w = parley.world
    role = parley.add_role(w.guild, "Teachers")
    await parley.slash(w.facilitator, "parley config facilitator-role", options={"role": role})
    parley.give_role(w.students[2], role)
    await parley.settle()
    result = await parley.slash(w.students[2], "session create", options={"scenario": "hanoi-2019"})
    assert "is open" in final_text(result)
