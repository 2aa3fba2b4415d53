"""The injectable clock: a fake one that moves only when told, in order, deterministically."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FakeClock, SystemClock

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


async def test_fake_clock_fires_callbacks_in_due_order_at_their_own_time() -> None:
    clock = FakeClock(T0)
    seen: list[tuple[str, datetime]] = []
    clock.call_at(T0 + timedelta(minutes=5), lambda: seen.append(("b", clock.now())))
    clock.call_at(T0 + timedelta(minutes=1), lambda: seen.append(("a", clock.now())))
    late = clock.call_at(T0 + timedelta(minutes=9), lambda: seen.append(("c", clock.now())))

    await clock.advance(timedelta(minutes=6))

    assert seen == [("a", T0 + timedelta(minutes=1)), ("b", T0 + timedelta(minutes=5))]
    assert clock.now() == T0 + timedelta(minutes=6)
    late.cancel()
    await clock.advance(600)
    assert len(seen) == 2
    assert clock.next_due is None


async def test_sleepers_wake_exactly_when_their_time_comes() -> None:
    clock = FakeClock(T0)
    woke: list[datetime] = []

    async def sleeper(minutes: int) -> None:
        await clock.sleep_until(T0 + timedelta(minutes=minutes))
        woke.append(clock.now())

    tasks = [asyncio.create_task(sleeper(m)) for m in (3, 1, 2)]
    await asyncio.sleep(0)
    await clock.advance(timedelta(seconds=119))
    assert woke == [T0 + timedelta(minutes=1)]
    await clock.advance(timedelta(minutes=5))
    assert woke == [T0 + timedelta(minutes=m) for m in (1, 2, 3)]
    await asyncio.gather(*tasks)


async def test_a_callback_scheduled_while_advancing_fires_in_the_same_advance() -> None:
    clock = FakeClock(T0)
    seen: list[datetime] = []

    def first() -> None:
        seen.append(clock.now())
        clock.call_at(clock.now() + timedelta(seconds=30), lambda: seen.append(clock.now()))

    clock.call_at(T0 + timedelta(seconds=10), first)
    await clock.advance(60)
    assert seen == [T0 + timedelta(seconds=10), T0 + timedelta(seconds=40)]


async def test_settlers_are_awaited_after_each_step() -> None:
    clock = FakeClock(T0)
    order: list[str] = []

    async def settler() -> None:
        order.append(f"settled at {clock.now():%H:%M}")

    clock.add_settler(settler)
    clock.call_at(T0 + timedelta(minutes=1), lambda: order.append("fired"))
    await clock.advance(120)
    assert order == ["settled at 09:00", "fired", "settled at 09:01", "settled at 09:02"]


async def test_clocks_refuse_naive_datetimes_and_going_backwards() -> None:
    clock = FakeClock(T0)
    with pytest.raises(ValueError, match="naive"):
        clock.call_at(datetime(2026, 1, 5, 9, 1), lambda: None)
    with pytest.raises(ValueError, match="backwards"):
        await clock.advance(-1)
    with pytest.raises(ValueError, match="naive"):
        FakeClock(datetime(2026, 1, 1))


async def test_system_clock_is_aware_utc_and_waits_on_the_loop() -> None:
    clock = SystemClock()
    start = clock.now()
    assert start.tzinfo is UTC
    fired = asyncio.Event()
    clock.call_at(start + timedelta(milliseconds=5), fired.set)
    await asyncio.wait_for(fired.wait(), 2)
    await clock.sleep_until(clock.now() + timedelta(milliseconds=5))
    await clock.sleep_until(start)  # in the past: returns at once
    assert clock.now() >= start + timedelta(milliseconds=10)
