"""The timer service on a real database (SQLite and PostgreSQL), driven by the fake clock."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FakeClock
from bot.db.engine import Database
from bot.services.timers import DueTimer, TimerService, TimerSpec
from tests.session_rows import make_session

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


class Recorder:
    """A handler that remembers every firing (and can be told to fail)."""

    def __init__(self, clock: FakeClock, failures: int = 0) -> None:
        self.clock = clock
        self.failures = failures
        self.fired: list[DueTimer] = []
        self.calls = 0

    async def __call__(self, timer: DueTimer) -> None:
        self.calls += 1
        assert self.clock.now() == timer.fired_at
        if self.failures > 0:
            self.failures -= 1
            raise RuntimeError("Discord is having a moment")
        self.fired.append(timer)

    @property
    def keys(self) -> list[str]:
        return [t.key for t in self.fired]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
async def timers(database: Database, clock: FakeClock) -> AsyncIterator[TimerService]:
    service = TimerService(database, clock)
    service.start()
    await asyncio.sleep(0)
    yield service
    await service.stop()


async def test_a_timer_fires_at_its_time_and_not_before(
    timers: TimerService, clock: FakeClock, database: Database
) -> None:
    session_id = await make_session(database)
    handler = Recorder(clock)
    timers.register("phase_end", handler)
    await timers.schedule(
        "phase_end", T0 + minutes(6), {"phase": 0}, key="s:phase:0:end", session_id=session_id
    )

    await clock.advance(minutes(6) - timedelta(milliseconds=1))
    assert handler.fired == []
    await clock.advance(timedelta(milliseconds=1))

    [fired] = handler.fired
    assert (fired.key, fired.payload, fired.session_id) == (
        "s:phase:0:end",
        {"phase": 0},
        session_id,
    )
    assert fired.due_at == fired.fired_at == T0 + minutes(6)
    assert fired.late is False and fired.attempt == 1
    stored = await timers.get("s:phase:0:end")
    assert stored is not None
    assert (stored.status, stored.attempts, stored.fired_at) == ("done", 1, T0 + minutes(6))
    assert await timers.pending(session_id) == []


async def test_the_same_key_schedules_one_timer_unless_replaced(
    timers: TimerService, clock: FakeClock
) -> None:
    handler = Recorder(clock)
    timers.register("warning", handler)
    first = await timers.schedule("warning", T0 + minutes(5), {"left": 60}, key="w")
    again = await timers.schedule("warning", T0 + minutes(1), {"left": 30}, key="w")
    assert again.id == first.id and again.due_at == T0 + minutes(5)
    assert [t.key for t in await timers.pending()] == ["w"]

    replaced = await timers.schedule(
        "warning", T0 + minutes(2), {"left": 30}, key="w", replace=True
    )
    assert replaced.id == first.id and replaced.due_at == T0 + minutes(2)
    await clock.advance(minutes(10))
    assert [(t.payload, t.fired_at) for t in handler.fired] == [({"left": 30}, T0 + minutes(2))]


async def test_an_earlier_timer_wakes_the_sleeping_dispatcher(
    timers: TimerService, clock: FakeClock
) -> None:
    handler = Recorder(clock)
    timers.register("turn_end", handler)
    await timers.schedule("turn_end", T0 + minutes(10), key="late")
    await timers.wait_idle()
    assert timers.sleeping_until == T0 + minutes(10)

    await timers.schedule("turn_end", T0 + minutes(1), key="early")
    await timers.wait_idle()
    assert timers.sleeping_until == T0 + minutes(1)

    await clock.advance(minutes(1))
    assert [(t.key, t.fired_at) for t in handler.fired] == [("early", T0 + minutes(1))]
    assert timers.sleeping_until == T0 + minutes(10)


async def test_cancel_and_reschedule(timers: TimerService, clock: FakeClock) -> None:
    handler = Recorder(clock)
    timers.register("phase_end", handler)
    await timers.schedule("phase_end", T0 + minutes(1), key="cancelled")
    await timers.schedule("phase_end", T0 + minutes(2), key="earlier")
    await timers.schedule("phase_end", T0 + minutes(3), key="later")
    await timers.wait_idle()

    assert await timers.cancel("cancelled") is True
    assert await timers.cancel("cancelled") is False
    assert await timers.reschedule("earlier", T0 + timedelta(seconds=30)) is True
    assert await timers.reschedule("later", T0 + minutes(4)) is True
    assert await timers.reschedule("nope", T0 + minutes(4)) is False
    await clock.advance(minutes(5))

    assert [(t.key, t.fired_at) for t in handler.fired] == [
        ("earlier", T0 + timedelta(seconds=30)),
        ("later", T0 + minutes(4)),
    ]
    cancelled = await timers.get("cancelled")
    assert cancelled is not None and cancelled.status == "cancelled"


async def test_a_failing_handler_is_retried_and_not_marked_done_until_it_succeeds(
    timers: TimerService, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    handler = Recorder(clock, failures=2)
    timers.register("announce", handler)
    await timers.schedule("announce", T0 + minutes(1), key="a")

    with caplog.at_level(logging.WARNING, logger="bot.services.timers"):
        await clock.advance(minutes(1))
    assert handler.calls == 1 and handler.fired == []
    stored = await timers.get("a")
    assert stored is not None
    assert (stored.status, stored.attempts) == ("pending", 1)
    assert stored.due_at == T0 + minutes(1) + timedelta(seconds=1)  # backoff 1 s
    assert "Discord is having a moment" in (stored.last_error or "")
    assert any("attempt 1/5" in r.getMessage() for r in caplog.records)

    await clock.advance(timedelta(seconds=1))  # second attempt fails: next in 2 s
    assert handler.calls == 2
    await clock.advance(timedelta(seconds=2))
    assert handler.calls == 3
    [fired] = handler.fired
    assert fired.attempt == 3
    done = await timers.get("a")
    assert done is not None and (done.status, done.attempts) == ("done", 3)


async def test_a_handler_that_keeps_failing_is_marked_failed_and_logged(
    timers: TimerService, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    handler = Recorder(clock, failures=99)
    timers.register("announce", handler, max_attempts=3)
    await timers.schedule("announce", T0 + minutes(1), key="doomed")
    with caplog.at_level(logging.WARNING, logger="bot.services.timers"):
        await clock.advance(minutes(2))
    assert handler.calls == 3
    stored = await timers.get("doomed")
    assert stored is not None and (stored.status, stored.attempts) == ("failed", 3)
    failed = [r for r in caplog.records if "giving up" in r.getMessage()]
    assert failed and failed[0].exc_info is not None


async def test_after_a_restart_pending_timers_keep_their_time_and_overdue_ones_fire_late(
    database: Database, clock: FakeClock
) -> None:
    before = TimerService(database, clock)
    before.register("phase_end", Recorder(clock))
    before.start()
    await before.schedule("phase_end", T0 + minutes(10), key="resume")
    await before.schedule("phase_end", T0 + minutes(2), key="overdue")
    await clock.advance(minutes(1))
    await before.stop()  # Parley goes offline at 09:01 …

    await clock.advance(minutes(4))  # … and nothing fires while it is down
    after = TimerService(database, clock)
    handler = Recorder(clock)
    after.register("phase_end", handler)
    after.start()  # back at 09:05
    await clock.advance(0)
    [overdue] = handler.fired
    assert (overdue.key, overdue.late, overdue.fired_at) == ("overdue", True, T0 + minutes(5))
    assert overdue.lateness == minutes(3)

    await clock.advance(minutes(5) - timedelta(milliseconds=1))
    assert handler.keys == ["overdue"]
    await clock.advance(timedelta(milliseconds=1))
    assert handler.keys == ["overdue", "resume"]
    assert handler.fired[1].late is False and handler.fired[1].fired_at == T0 + minutes(10)
    await after.stop()


async def test_a_handler_interrupted_by_shutdown_fires_again_after_restart(
    database: Database, clock: FakeClock
) -> None:
    started = asyncio.Event()

    async def hangs(timer: DueTimer) -> None:
        started.set()
        await asyncio.Event().wait()

    before = TimerService(database, clock)
    before.register("phase_end", hangs)
    before.start()
    await before.schedule("phase_end", T0 + minutes(1), key="k")
    advancing = asyncio.create_task(clock.advance(minutes(1)))
    await asyncio.wait_for(started.wait(), 5)  # the handler is running at 09:01 …
    await before.stop()  # … when Parley stops
    advancing.cancel()
    stored = await before.get("k")
    assert stored is not None and stored.status == "pending"  # never marked done

    await clock.advance(minutes(2))
    after = TimerService(database, clock)
    handler = Recorder(clock)
    after.register("phase_end", handler)
    after.start()
    await clock.advance(0)
    assert handler.keys == ["k"] and handler.fired[0].late
    await after.stop()


async def test_timers_of_a_kind_without_handler_wait_for_one(
    timers: TimerService, clock: FakeClock
) -> None:
    await timers.schedule("quiz_question_end", T0 + minutes(1), key="q")
    await clock.advance(minutes(2))
    stored = await timers.get("q")
    assert stored is not None and stored.status == "pending"

    handler = Recorder(clock)
    timers.register("quiz_question_end", handler)
    await clock.advance(0)
    assert handler.keys == ["q"] and handler.fired[0].late


async def test_pending_and_cancel_by_session(
    timers: TimerService, clock: FakeClock, database: Database
) -> None:
    a = await make_session(database)
    b = await make_session(database)
    await timers.schedule_many(
        [
            TimerSpec("phase_end", T0 + minutes(i + 1), {"i": i}, f"{sid}:{i}", sid)
            for sid in (a, b)
            for i in range(3)
        ]
    )
    assert [t.key for t in await timers.pending(a)] == [f"{a}:0", f"{a}:1", f"{a}:2"]
    assert await timers.cancel_session(a, kinds={"phase_end"}) == 3
    assert await timers.pending(a) == []
    assert len(await timers.pending(b)) == 3


async def test_a_fifty_minute_class_plan_runs_on_the_fake_clock(
    timers: TimerService, clock: FakeClock, database: Database
) -> None:
    """Each phase end schedules the next phase and its warnings, as the rounds engine will."""
    plan = [6, 6, 10, 15, 4, 3, 6]  # minutes: the Hanoi default plan
    session_id = await make_session(database)
    log: list[tuple[str, datetime]] = []
    late: list[bool] = []

    async def start_phase(index: int, at: datetime) -> None:
        end = at + minutes(plan[index])
        await timers.schedule(
            "phase_end",
            end,
            {"phase": index},
            key=f"{session_id}:{index}:end",
            session_id=session_id,
        )
        for left in (60, 30):
            await timers.schedule(
                "warning",
                end - timedelta(seconds=left),
                {"phase": index, "left": left},
                key=f"{session_id}:{index}:warn:{left}",
                session_id=session_id,
            )

    async def phase_end(timer: DueTimer) -> None:
        index = timer.payload["phase"]
        log.append((f"end {index}", timer.fired_at))
        late.append(timer.late)
        if index + 1 < len(plan):
            await start_phase(index + 1, timer.due_at)

    async def warning(timer: DueTimer) -> None:
        log.append((f"warn {timer.payload['phase']} {timer.payload['left']}s", timer.fired_at))
        late.append(timer.late)

    timers.register("phase_end", phase_end)
    timers.register("warning", warning)
    await start_phase(0, T0)
    await clock.advance(minutes(50))

    ends = [t for name, t in log if name.startswith("end")]
    assert ends == [T0 + minutes(m) for m in (6, 12, 22, 37, 41, 44, 50)]
    warnings = [(name, t) for name, t in log if name.startswith("warn 3")]
    assert warnings == [
        ("warn 3 60s", T0 + minutes(36)),
        ("warn 3 30s", T0 + minutes(36.5)),
    ]
    assert len(log) == 7 * 3 and not any(late)
    assert await timers.pending(session_id) == []


async def test_a_small_lookahead_stays_exact_through_schedules_moves_and_cancels(
    database: Database, clock: FakeClock
) -> None:
    """The dispatcher patches its in-memory lookahead instead of re-reading the table; whatever
    the mix of operations, timers fire exactly as the table says, in order."""
    import random

    rng = random.Random(12)
    service = TimerService(database, clock, lookahead=4)
    handler = Recorder(clock)
    service.register("phase_end", handler)
    service.start()
    expected: dict[str, datetime] = {}
    try:
        for step in range(60):
            key = f"t{rng.randrange(25)}"
            action = rng.random()
            if action < 0.5:
                due = T0 + timedelta(seconds=rng.randrange(1, 3600))
                record = await service.schedule("phase_end", due, key=key)
                if record.status == "pending":  # a key used before keeps its first timer
                    expected.setdefault(key, record.due_at)
            elif action < 0.75 and key in expected:
                due = T0 + timedelta(seconds=rng.randrange(1, 3600))
                assert await service.reschedule(key, due)
                expected[key] = due
            elif key in expected:
                assert await service.cancel(key)
                del expected[key]
            if step % 10 == 9:
                await service.wait_idle()
        await clock.advance(timedelta(hours=2))
    finally:
        await service.stop()
    fired = [(t.key, t.fired_at) for t in handler.fired]
    assert sorted(fired) == sorted(expected.items())  # each at its own time, none extra
    assert [at for _, at in fired] == sorted(at for _, at in fired)  # in order
    assert len(expected) > 5


async def test_schedule_move_and_cancel_update_the_lookahead_without_rereading(
    timers: TimerService, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    handler = Recorder(clock)
    timers.register("phase_end", handler)
    await timers.schedule("phase_end", T0 + minutes(3), key="c")
    await timers.wait_idle()
    reloads = 0
    real_reload = timers._reload

    async def counting_reload() -> None:
        nonlocal reloads
        reloads += 1
        await real_reload()

    monkeypatch.setattr(timers, "_reload", counting_reload)
    await timers.schedule("phase_end", T0 + minutes(1), key="a")
    await timers.schedule("phase_end", T0 + minutes(2), key="b")
    assert await timers.cancel("a")
    assert await timers.reschedule("c", T0 + minutes(1.5))
    await clock.advance(minutes(5))
    assert [(t.key, t.fired_at) for t in handler.fired] == [
        ("c", T0 + minutes(1.5)),
        ("b", T0 + minutes(2)),
    ]
    assert reloads == 0
