"""The quiz tables on real SQLite and real PostgreSQL: constraints, compare-and-set steps, and
the leaderboard's atomic upserts under concurrent transactions."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.db.engine import Database
from bot.db.models.sessions import ClassSession, Participant, SessionChannel
from bot.db.repositories.quiz import DuplicateAttempt
from bot.db.repositories.quiz_race import DuplicateRaceAnswer, LeaderboardDelta

NOW = datetime(2026, 3, 2, 21, 0, tzinfo=UTC)
GUILD = 900_000_000_000_000_001
CHANNEL = 900_000_000_000_000_002


async def save(db: Database, user: int, item: str, box: int, due: datetime) -> None:
    async with db.transaction() as tx:
        await tx.quiz.save_card(
            user, "hanoi-2019", item, box=box, due_at=due, last_reviewed_at=NOW, reviews=1, lapses=0
        )


async def test_cards_are_upserted_and_served_most_overdue_first(database: Database) -> None:
    await save(database, 1, "q-01", 2, NOW - timedelta(hours=1))
    await save(database, 1, "q-02", 1, NOW - timedelta(days=3))
    await save(database, 1, "q-03", 1, NOW + timedelta(days=1))
    await save(database, 2, "q-04", 1, NOW - timedelta(days=9))  # someone else's
    await save(database, 1, "q-01", 3, NOW - timedelta(hours=2))  # updated, not duplicated

    async with database.transaction() as tx:
        due = await tx.quiz.due_cards(1, NOW, limit=10)
        assert [(c.item_id, c.box) for c in due] == [("q-02", 1), ("q-01", 3)]
        assert due[0].due_at == NOW - timedelta(days=3)
        assert due[0].due_at.tzinfo is not None
        assert await tx.quiz.next_due(1, NOW) == NOW + timedelta(days=1)
        assert await tx.quiz.next_due(2, NOW) is None
        assert len(await tx.quiz.cards(1)) == 3


async def new_run(db: Database, user: int = 1, items: int = 3) -> int:
    async with db.transaction() as tx:
        run = await tx.quiz.create_run(
            user_id=user,
            guild_id=GUILD,
            kind="practice",
            label="Practice",
            items=[f"hanoi-2019/q-0{i + 1}" for i in range(items)],
            now=NOW,
        )
        return run.id


def attempt(run_id: int, position: int, correct: bool = True) -> dict[str, object]:
    return {
        "user_id": 1,
        "guild_id": GUILD,
        "run_id": run_id,
        "position": position,
        "kind": "practice",
        "bank": "hanoi-2019",
        "item_id": f"q-0{position + 1}",
        "answer": "Pyongyang",
        "correct": correct,
        "score": 100.0,
        "reason": "exact",
        "answered_at": NOW,
    }


async def test_a_new_run_replaces_the_active_one(database: Database) -> None:
    first = await new_run(database)
    second = await new_run(database)
    async with database.transaction() as tx:
        assert (await tx.quiz.run(first)).status == "replaced"  # type: ignore[union-attr]
        active = await tx.quiz.active_run(1)
        assert active is not None and active.id == second
        assert active.items[0] == "hanoi-2019/q-01"


async def test_one_attempt_per_question_of_a_run(database: Database) -> None:
    run_id = await new_run(database)
    async with database.transaction() as tx:
        await tx.quiz.add_attempt(**attempt(run_id, 0))
    with pytest.raises(DuplicateAttempt):
        async with database.transaction() as tx:
            await tx.quiz.add_attempt(**attempt(run_id, 0, correct=False))
    async with database.transaction() as tx:
        stored = await tx.quiz.run_attempts(run_id)
        assert [(a.position, a.correct) for a in stored] == [(0, True)]
        assert await tx.quiz.tally(1) == {"hanoi-2019/q-01": (1, 1)}


async def test_concurrent_double_answers_store_one(database: Database) -> None:
    run_id = await new_run(database)

    async def answer() -> bool:
        try:
            async with database.transaction() as tx:
                await tx.quiz.add_attempt(**attempt(run_id, 1))
            return True
        except DuplicateAttempt:
            return False

    results = await asyncio.gather(*(answer() for _ in range(8)))
    assert results.count(True) == 1


async def test_advancing_is_a_compare_and_set(database: Database) -> None:
    run_id = await new_run(database, items=2)

    async def advance() -> bool:
        async with database.transaction() as tx:
            return await tx.quiz.advance(run_id, 0, 2, NOW)

    assert sorted(await asyncio.gather(advance(), advance(), advance())) == [False, False, True]
    async with database.transaction() as tx:
        assert await tx.quiz.advance(run_id, 1, 2, NOW)
        run = await tx.quiz.run(run_id)
        assert run is not None and (run.position, run.status) == (2, "finished")


async def test_banks_are_replaced_whole(database: Database) -> None:
    async with database.transaction() as tx:
        _, created = await tx.quiz.replace_bank(
            name="capitals",
            source_format="red-trivia",
            source_file="capitals.yaml",
            author="Ann",
            config={"delay": 20},
            items=[("t-1", "Capital of France?", ["Paris"]), ("t-2", "Of Peru?", ["Lima"])],
        )
        assert created
    async with database.transaction() as tx:
        _, created = await tx.quiz.replace_bank(
            name="capitals",
            source_format="red-trivia",
            source_file="capitals.yaml",
            author=None,
            config={},
            items=[("t-2", "Of Peru?", ["Lima", "lima peru"])],
        )
        assert not created
    async with database.transaction() as tx:
        stored = await tx.quiz.bank("capitals")
        assert stored is not None and stored.author is None
        items = await tx.quiz.bank_items(stored.id)
        assert [(i.item_id, i.answers) for i in items] == [("t-2", ["Lima", "lima peru"])]
        assert await tx.quiz.bank_names("cap") == ["capitals"]
        assert await tx.quiz.bank_names("zzz") == []


async def test_a_students_seat_in_the_live_session_of_a_channel(database: Database) -> None:
    thread = CHANNEL + 10
    async with database.transaction() as tx:
        old = ClassSession(
            guild_id=GUILD,
            channel_id=CHANNEL,
            scenario_id="hanoi-2019",
            status="ended",
            created_by=5,
            ended_at=NOW,
        )
        live = ClassSession(
            guild_id=GUILD, channel_id=CHANNEL, scenario_id="hanoi-2019", created_by=5
        )
        tx.session.add_all([old, live])
        await tx.session.flush()
        tx.session.add_all(
            [
                Participant(session_id=old.id, user_id=1, display_name="a", actor_id="us"),
                Participant(session_id=live.id, user_id=1, display_name="a", actor_id="japan"),
                Participant(session_id=live.id, user_id=2, display_name="b"),
                SessionChannel(
                    channel_id=thread, session_id=live.id, kind="delegation", actor_id="japan"
                ),
            ]
        )
    async with database.transaction() as tx:
        seat = await tx.quiz.seat_in_live_session(CHANNEL, 1)
        assert seat is not None and (seat.joined, seat.actor_id) == (True, "japan")
        in_thread = await tx.quiz.seat_in_live_session(thread, 1)
        assert in_thread is not None and in_thread.actor_id == "japan"
        unassigned = await tx.quiz.seat_in_live_session(CHANNEL, 2)
        assert unassigned is not None and (unassigned.joined, unassigned.actor_id) == (True, None)
        outsider = await tx.quiz.seat_in_live_session(CHANNEL, 3)
        assert outsider is not None and not outsider.joined
        assert await tx.quiz.seat_in_live_session(CHANNEL + 99, 1) is None


# --- races and the leaderboard ------------------------------------------------------------------


async def new_race(db: Database, mode: str = "all") -> int:
    async with db.transaction() as tx:
        race = await tx.quiz_race.create(
            guild_id=GUILD,
            channel_id=CHANNEL,
            started_by=5,
            label="Class race",
            items=["hanoi-2019/q-01", "hanoi-2019/q-02"],
            seconds=30,
            mode=mode,
            position=0,
            state="asking",
            accepting=True,
            deadline=NOW + timedelta(seconds=30),
        )
        return race.id


async def race_answer(db: Database, race_id: int, user: int, correct: bool = True) -> str:
    try:
        async with db.transaction() as tx:
            if not await tx.quiz_race.take_answer_slot(race_id, 0):
                return "closed"
            await tx.quiz_race.add_answer(
                race_id=race_id,
                position=0,
                user_id=user,
                answer="x",
                correct=correct,
                score=100.0,
                answered_at=NOW,
            )
        return "stored"
    except DuplicateRaceAnswer:
        return "duplicate"


async def test_concurrent_race_answers_one_per_student(database: Database) -> None:
    race_id = await new_race(database)
    students = list(range(1, 21))
    # every student clicks twice at once
    results = await asyncio.gather(*(race_answer(database, race_id, u) for u in students * 2))
    assert results.count("stored") == 20 and results.count("duplicate") == 20
    async with database.transaction() as tx:
        answers = await tx.quiz_race.answers(race_id, 0)
        assert sorted(a.user_id for a in answers) == students
        race = await tx.quiz_race.get(race_id)
        assert race is not None and race.answer_count == 20  # the duplicates rolled back


async def test_no_answer_lands_after_the_question_closed(database: Database) -> None:
    race_id = await new_race(database)

    async def close() -> bool:
        async with database.transaction() as tx:
            return await tx.quiz_race.close(race_id, 0)

    outcomes = await asyncio.gather(
        *(race_answer(database, race_id, u) for u in range(1, 11)), close(), close()
    )
    answers, closes = outcomes[:10], outcomes[10:]
    assert sorted(bool(c) for c in closes) == [False, True]  # closed exactly once
    async with database.transaction() as tx:
        stored = {a.user_id for a in await tx.quiz_race.answers(race_id, 0)}
    assert stored == {
        u for u, result in zip(range(1, 11), answers, strict=True) if result == "stored"
    }
    assert await race_answer(database, race_id, 99) == "closed"


async def test_leaderboard_upserts_are_atomic_under_concurrency(database: Database) -> None:
    students = [1, 2, 3, 4, 5]

    async def award(round_no: int) -> None:
        async with database.transaction() as tx:
            await tx.quiz_race.add_to_leaderboard(
                GUILD,
                [LeaderboardDelta(u, points=u, correct=1, answered=1) for u in students]
                + [LeaderboardDelta(1, points=1)],  # the same student twice in one batch
                NOW + timedelta(seconds=round_no),
            )

    await asyncio.gather(*(award(i) for i in range(30)))
    async with database.transaction() as tx:
        await tx.quiz_race.add_to_leaderboard(GUILD + 1, [LeaderboardDelta(1, points=7)], NOW)
        rows = {r.user_id: r for r in await tx.quiz_race.leaderboard(GUILD)}
    assert {u: rows[u].points for u in students} == {1: 60, 2: 60, 3: 90, 4: 120, 5: 150}
    assert {rows[u].correct for u in students} == {30}
    assert {rows[u].answered for u in students} == {30}
    assert rows[1].updated_at.tzinfo is not None


async def test_race_steps_happen_once(database: Database) -> None:
    race_id = await new_race(database)
    async with database.transaction() as tx:
        assert not await tx.quiz_race.open_next(race_id, 0, NOW)  # still asking
        assert await tx.quiz_race.close(race_id, 0)
        assert not await tx.quiz_race.close(race_id, 0)
        assert await tx.quiz_race.mark_shown(race_id, 0)
        assert await tx.quiz_race.open_next(race_id, 0, NOW + timedelta(seconds=60))
        assert not await tx.quiz_race.open_next(race_id, 0, NOW)
        race = await tx.quiz_race.get(race_id)
        assert race is not None and (race.position, race.state, race.accepting) == (
            1,
            "asking",
            True,
        )
        assert await tx.quiz_race.running_in_channel(CHANNEL) is not None
        assert await tx.quiz_race.request_stop(race_id)
        assert await tx.quiz_race.finish(race_id, NOW)
        assert not await tx.quiz_race.finish(race_id, NOW)
        assert not await tx.quiz_race.request_stop(race_id)
        assert await tx.quiz_race.running_in_channel(CHANNEL) is None
        assert await tx.quiz_race.unfinished() == []
