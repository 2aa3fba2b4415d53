"""Guards that explain themselves: settings and actions whose consequence a teacher may not see."""

from __future__ import annotations

from tests.harness import WireHarness
from tests.wire.sessions_kit import final_text


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
