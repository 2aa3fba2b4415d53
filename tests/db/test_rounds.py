"""Rounds on both backends: the round row, floor turns, and the service keeping the round and its
timers in one transaction."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FakeClock
from bot.content.models import Scenario
from bot.db.engine import Database
from bot.domain.round_plan import RoundPlan
from bot.domain.round_state import FinishedTurn
from bot.domain.speaking import SpokenTurn
from bot.services.rounds import RoundService
from bot.services.sessions import SessionService
from bot.services.timers import TimerService
from tests.session_rows import end_session, make_session

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def turn(actor: str, user: int | None, seconds: float, number: int, index: int = 3) -> FinishedTurn:
    spoken = SpokenTurn(
        actor=actor,
        user_id=user,
        source="queue",
        started_at=T0,
        ended_at=T0 + timedelta(seconds=seconds),
        granted=60,
        used=timedelta(seconds=seconds),
        reason="time",
    )
    return FinishedTurn(index, "plenary", number, spoken)


async def test_the_round_row_stores_the_plan_and_reads_back_whole(
    database: Database, scenarios: Mapping[str, Scenario]
) -> None:
    session_id = await make_session(database)
    plan = RoundPlan.from_scenario(scenarios["hanoi-2019"]).to_list()
    async with database.transaction() as tx:
        row = await tx.rounds.add(session_id, plan)
        assert row.status == "planning" and row.phase_index is None
    async with database.transaction() as tx:
        row = await tx.rounds.get_for_update(session_id)
        assert row is not None and row.plan == plan
        row.clock = {"deadline": "2026-01-05T09:06:00+00:00"}
        row.caucus_threads = [[1, 1_576_740_461_643_694_111]]  # snowflakes survive JSON
    async with database.transaction() as tx:
        row = await tx.rounds.get(session_id)
        assert row is not None and row.caucus_threads == [[1, 1_576_740_461_643_694_111]]
        assert row.clock == {"deadline": "2026-01-05T09:06:00+00:00"}


async def test_floor_turns_are_recorded_once_and_summed_per_student(database: Database) -> None:
    session_id = await make_session(database)
    turns = [turn("japan", 11, 20.5, 0), turn("china", 21, 60, 1), turn("us", None, 45, 2)]
    async with database.transaction() as tx:
        await tx.rounds.record_turns(session_id, turns)
    async with database.transaction() as tx:
        await tx.rounds.record_turns(session_id, [*turns, turn("japan", 11, 10, 3)])
    async with database.transaction() as tx:
        assert await tx.rounds.floor_us_by_user(session_id) == {11: 30_500_000, 21: 60_000_000}
        stored = await tx.rounds.turns(session_id)
    assert [(t.number, t.actor_id, t.used_seconds) for t in stored] == [
        (0, "japan", 20.5),
        (1, "china", 60.0),
        (2, "us", 45.0),
        (3, "japan", 10.0),
    ]
    assert stored[0].started_at == T0 and stored[0].ended_at == T0 + timedelta(seconds=20.5)


async def test_only_rounds_of_live_sessions_are_resumed(
    database: Database, scenarios: Mapping[str, Scenario]
) -> None:
    plan = RoundPlan.from_scenario(scenarios["hanoi-2019"]).to_list()
    live, ended = (
        await make_session(database, channel_id=1),
        await make_session(database, channel_id=2),
    )
    async with database.transaction() as tx:
        await tx.rounds.add(live, plan)
        await tx.rounds.add(ended, plan)
    await end_session(database, ended)
    async with database.transaction() as tx:
        found = await tx.rounds.of_live_sessions()
    assert [r.session_id for r, _ in found] == [live]


@pytest.fixture
async def classroom(
    database: Database, scenarios: Mapping[str, Scenario]
) -> tuple[RoundService, TimerService, FakeClock, int]:
    """Six students dealt to six delegations, and a round service on a fake clock."""
    sessions = SessionService(database, scenarios)
    session = await sessions.create(
        guild_id=1, channel_id=100, scenario_id="hanoi-2019", created_by=7
    )
    for user in range(11, 17):
        await sessions.join(session.id, user, f"student{user}")
    await sessions.deal_random(session.id, seed=5)
    clock = FakeClock(T0)
    timers = TimerService(database, clock)  # not started: we look at the table only
    return RoundService(database, scenarios, clock=clock, timers=timers), timers, clock, session.id


async def pending(timers: TimerService, session_id: int) -> list[tuple[str, datetime]]:
    return [(t.key, t.due_at) for t in await timers.pending(session_id)]


async def test_every_change_leaves_exactly_the_timers_its_state_needs(
    classroom: tuple[RoundService, TimerService, FakeClock, int],
) -> None:
    rounds, timers, clock, sid = classroom
    at = lambda seconds: T0 + timedelta(seconds=seconds)  # noqa: E731
    await rounds.start(sid)
    assert await pending(timers, sid) == [
        (f"round:{sid}:0:warning:60", at(300)),
        (f"round:{sid}:0:warning:30", at(330)),
        (f"round:{sid}:0:phase_end", at(360)),
    ]
    await clock.advance(100)
    await rounds.pause(sid)
    assert await pending(timers, sid) == []
    await clock.advance(50)
    await rounds.resume(sid)
    assert await pending(timers, sid) == [
        (f"round:{sid}:0:warning:60", at(350)),
        (f"round:{sid}:0:warning:30", at(380)),
        (f"round:{sid}:0:phase_end", at(410)),
    ]
    await rounds.next(sid)  # opening statements: the first speaker's turn, and the phase
    assert await pending(timers, sid) == [
        (f"round:{sid}:1:turn_end:0", at(210)),
        (f"round:{sid}:1:warning:60", at(450)),
        (f"round:{sid}:1:warning:30", at(480)),
        (f"round:{sid}:1:phase_end", at(510)),
    ]
    await rounds.end(sid)
    assert await pending(timers, sid) == []


async def test_simultaneous_hands_are_all_queued(
    classroom: tuple[RoundService, TimerService, FakeClock, int],
) -> None:
    rounds, _, _, sid = classroom
    await rounds.start(sid)
    for _ in range(3):
        await rounds.next(sid)
    await asyncio.gather(*(rounds.hand(sid, user, "raise") for user in range(11, 17)))
    floor = (await rounds.round(sid)).floor
    assert floor is not None and floor.current is not None
    assert len(floor.queue) == 5
    assert {h.actor for h in floor.queue} | {floor.current.actor} == {
        "us",
        "dprk",
        "rok",
        "japan",
        "china",
        "russia",
    }
