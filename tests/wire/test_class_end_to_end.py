"""The pieces together: the real round engine opens and closes the vote, statements give floor
time, and the debrief and gradebook see both — one class from Start to the gradebook."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from bot.content.loader import load_scenarios
from bot.content.models import Scenario
from tests.first_edition import with_first_edition_objectives
from tests.parley_fixtures import ParleyFactory
from tests.wire.negotiation_kit import ballots, cards, gradebook_rows
from tests.wire.rounds_kit import class_in_session

PROPOSAL = "Open a liaison office in Pyongyang within a year."


@pytest.fixture(scope="session")
def scenarios() -> Mapping[str, Scenario]:
    """Hanoi as the first edition played it (text proposals adopted or not): this test drives
    that path end to end; the game's own end-to-end tests use packs with schedules."""
    shipped = load_scenarios()
    return {**shipped, "hanoi-2019": with_first_edition_objectives(shipped["hanoi-2019"])}


async def test_rounds_drive_the_vote_and_the_gradebook_shows_floor_time(
    make_parley: ParleyFactory,
) -> None:
    c = await class_in_session(make_parley, students=6)
    h, w, sid = c.h, c.h.world, c.sid
    us = await c.member_of("us")
    dprk = await c.member_of("dprk")
    await c.slash(w.facilitator, "round start")  # preparation: 6 min
    early = await c.slash(us, "propose", item="liaison-office", text=PROPOSAL)
    assert "during caucus and plenary phases" in early.messages[-1].text()  # the engine's phase
    await c.advance(6 * 60)  # opening statements walk the delegations, 60 s each
    for actor in ("us", "dprk", "rok", "japan", "china", "russia"):
        speaker = await c.member_of(actor)
        await h.send_message(w.plenary, speaker, f"Opening statement of {actor}.")
        await c.advance(60)
    await c.slash(w.facilitator, "round skip")  # caucuses → plenary
    await c.slash(us, "propose", item="liaison-office", text=PROPOSAL)
    assert sorted(cards(h, w.plenary)) == [1]  # tabled in the plenary phase
    await c.slash(w.facilitator, "round skip")  # plenary → final statements
    await c.slash(w.facilitator, "round skip")  # → vote
    phase = await c.bot.rounds.current_phase(sid)
    assert phase is not None and phase.kind == "vote"

    # The vote phase opened the vote by itself: one ballot per proposal in the plenary.
    [ballot] = ballots(h, w.plenary).values()
    for voter in (us, dprk):
        result = await h.click(voter, ballot, f"parley:vote:{sid}:1:yes")
        assert result.response.ephemeral
    await c.advance(3 * 60)  # the vote phase ends: the vote closes and is decided
    assert h.message(ballot)["content"] == "Vote closed — proposal 1: ✅ adopted."

    debrief = await c.slash(w.facilitator, "debrief")
    assert debrief.responded
    grade = await c.slash(w.facilitator, "session gradebook")
    [attachment] = grade.messages[-1].files
    rows = {int(r["user_id"]): r for r in gradebook_rows(attachment.data)}
    floor = {user: int(row["floor_seconds"]) for user, row in rows.items()}
    # Each delegation's 60-second opening statement is credited to the member who spoke in it;
    # the gradebook shows the engine's figures.
    recorded = await c.bot.rounds.floor_seconds(sid)
    assert {round(recorded[(await c.member_of(a)).id]) for a in ("us", "dprk", "rok")} == {60}
    assert {user: round(seconds) for user, seconds in recorded.items() if seconds} == {
        user: seconds for user, seconds in floor.items() if seconds
    }
    assert int(rows[us.id]["proposals"]) == 1
    assert int(rows[us.id]["votes"]) >= 1 and int(rows[dprk.id]["votes"]) >= 1
