"""Speaking order in the plenary: /hand, /yield, the facilitator's /floor give, auto-next, and
the floor time each student is credited with."""

from __future__ import annotations

import traceback
from datetime import timedelta
from typing import Any

import pytest

from tests.parley_fixtures import ParleyFactory
from tests.wire.rounds_kit import Class, class_in_session, countdown
from tests.wire.sessions_kit import final_text


async def plenary(make_parley: ParleyFactory) -> Class:
    c = await class_in_session(make_parley)
    f = c.h.world.facilitator
    await c.slash(f, "round start")
    for _ in range(3):
        await c.slash(f, "round next")
    assert "✋ To speak, raise your hand with `/hand` (1 min per turn)." in c.said()[-1]
    return c


async def test_hands_queue_delegations_and_the_floor_passes_by_itself(
    make_parley: ParleyFactory,
) -> None:
    c = await plenary(make_parley)
    w = c.h.world
    japan, china, russia = [await c.member_of(a) for a in ("japan", "china", "russia")]
    start = c.clock.now()

    raised = await c.slash(japan, "hand")
    assert final_text(raised).startswith("🎤 You have the floor now")
    announced = c.h.sent_messages(w.plenary, include_interactions=False)[-1]
    deadline = start + timedelta(seconds=60)
    assert announced.content == (
        f"🎤 <@{japan.id}> (**Japan 🇯🇵**) has the floor for 1 min, until {countdown(deadline)} "
        f"(<t:{int(deadline.timestamp())}:t>)."
    )
    assert announced.pings.users == {japan.id}  # the student called is notified, nobody else

    queued = await c.slash(china, "hand")
    assert final_text(queued) == (
        "✋ Your delegation's hand is up: number 1 in the queue. `/hand` again to lower it."
    )
    await c.slash(russia, "hand")
    lowered = await c.slash(russia, "hand")
    assert final_text(lowered) == "Your delegation's hand is down."

    await c.h.send_message(w.plenary, japan, "Japan insists on the abductees.")
    await c.advance(20)
    await c.slash(japan, "yield")
    assert c.said()[-1].startswith(f"🎤 <@{china.id}> (**China 🇨🇳**) has the floor for 1 min")
    await c.advance(60)
    assert c.said()[-1] == (
        "⏱️ Time for **China 🇨🇳**.\nThe floor is open: raise your hand with `/hand` to speak."
    )

    given = await c.slash(w.facilitator, "floor give", delegation="north korea", time="30")
    assert c.said()[-1].startswith("🎤 **North Korea 🇰🇵** has the floor for 30 s")
    assert "North Korea" in final_text(given)
    dprk = await c.member_of("dprk")
    await c.h.send_message(w.plenary, dprk, "Sanctions relief first.")
    await c.advance(30)

    seconds = await c.bot.rounds.floor_seconds(c.sid)
    assert seconds == {japan.id: 20.0, china.id: 60.0, dprk.id: 30.0}
    turns = await c.bot.rounds.floor_turns(c.sid)
    assert [(t.actor_id, t.reason) for t in turns if t.phase_kind == "plenary"] == [
        ("japan", "yielded"),
        ("china", "time"),
        ("dprk", "time"),
    ]
    queue = await c.slash(w.facilitator, "floor queue")
    assert "Phase 4 — Plenary on the deliverables" in final_text(queue)


async def test_the_floor_has_rules_and_says_them(make_parley: ParleyFactory) -> None:
    c = await class_in_session(make_parley, students=3)
    w = c.h.world
    student = w.students[0]
    early = await c.slash(student, "hand")
    assert final_text(early) == "The round has not started yet: start it with `/round start`."
    await c.slash(w.facilitator, "round start")
    preparing = await c.slash(student, "hand")
    assert final_text(preparing).startswith("Nobody takes the floor in Preparation")
    nobody = await c.slash(w.facilitator, "hand")
    assert "You don't have a delegation in this session" in final_text(nobody)
    await c.slash(w.facilitator, "round next")  # opening statements: the floor walks by itself
    statements = await c.slash(student, "hand")
    assert "no need to raise your hand" in final_text(statements)
    not_yours = await c.slash(student, "yield")
    actor = await c.bot.sessions.actor_of(c.sid, student.id)
    if actor != "us":
        assert final_text(not_yours) == "Your delegation doesn't have the floor."
    unknown = await c.slash(w.facilitator, "floor give", delegation="atlantis")
    assert "“atlantis” is not a delegation in Hanoi 2019" in final_text(unknown)
    ambiguous = await c.slash(w.facilitator, "floor give", delegation="korea")
    assert "could be North Korea 🇰🇵 or South Korea 🇰🇷" in final_text(ambiguous)
    choices = await c.h.choices(w.facilitator, "floor give", focused="delegation", value="tok")
    assert choices[0]["value"] == "japan"


async def test_pausing_the_class_stops_the_speaker_too(make_parley: ParleyFactory) -> None:
    c = await plenary(make_parley)
    japan = await c.member_of("japan")
    await c.slash(japan, "hand")
    await c.advance(20)
    await c.press("round-pause")
    await c.advance(300)
    resumed = c.clock.now()
    await c.press("round-resume")
    await c.advance(39)
    assert "Time for **Japan" not in c.said()[-1]
    await c.advance(1)
    assert c.said()[-1].startswith("⏱️ Time for **Japan 🇯🇵**.")
    assert c.clock.now() == resumed + timedelta(seconds=40)
    assert (await c.bot.rounds.floor_seconds(c.sid))[japan.id] == 60.0


async def test_without_auto_next_the_facilitator_calls_each_hand(
    make_parley: ParleyFactory,
) -> None:
    c = await plenary(make_parley)
    f = c.h.world.facilitator
    await c.slash(f, "round settings", next_speaker=False)
    japan, china = [await c.member_of(a) for a in ("japan", "china")]
    first = await c.slash(japan, "hand")
    assert "number 1 in the queue" in final_text(first)
    await c.slash(china, "hand")
    await c.slash(f, "floor give")
    assert c.said()[-1].startswith(f"🎤 <@{japan.id}> (**Japan 🇯🇵**) has the floor for 1 min")
    assert "Next: China 🇨🇳." in c.said()[-1]
    await c.advance(60)
    assert c.said()[-1] == "⏱️ Time for **Japan 🇯🇵**."  # China waits for the facilitator
    await c.advance(30)
    await c.slash(f, "floor give")
    assert c.said()[-1].startswith(f"🎤 <@{china.id}> (**China 🇨🇳**) has the floor")
    await c.slash(f, "floor give")  # nobody waits: China's turn ends, the floor is free
    assert c.said()[-1] == (
        "⏹️ The facilitator ended **China 🇨🇳**'s turn.\n"
        "The floor is open: raise your hand with `/hand` to speak."
    )
    nobody = await c.slash(f, "floor give")
    assert final_text(nobody) == "Nobody has the floor or is waiting for it."


async def test_a_hand_is_one_lookup_and_one_unit_of_work(
    make_parley: ParleyFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = await plenary(make_parley)
    japan, china = [await c.member_of(a) for a in ("japan", "china")]
    await c.slash(japan, "hand")
    opened: list[str] = []
    database = c.bot.database
    real = database.transaction

    def counting() -> Any:
        opened.append("".join(traceback.format_stack(limit=4)[:-1]))
        return real()

    monkeypatch.setattr(database, "transaction", counting)
    queued = await c.slash(china, "hand")
    assert "number 1 in the queue" in final_text(queued)
    # Which session is live in this channel; then the change itself, which reads who China's
    # student plays in the same transaction (before: four transactions over two services).
    assert len(opened) == 2, "\n---\n".join(opened)
