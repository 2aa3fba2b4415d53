"""A clock tests move by hand: `now()` is whatever the test says, and `sleep()` returns when the
test advances time past its end, so timed code runs without real waiting."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
        self._sleepers: list[tuple[datetime, asyncio.Future[None]]] = []

    def now(self) -> datetime:
        return self._now

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (self._now + timedelta(seconds=seconds), future)
        self._sleepers.append(entry)
        try:
            await future
        finally:
            if entry in self._sleepers:
                self._sleepers.remove(entry)

    @property
    def sleepers(self) -> int:
        """How many sleeps are waiting for time to pass."""
        return sum(1 for _, f in self._sleepers if not f.done())

    def next_wake(self) -> datetime | None:
        pending = [when for when, f in self._sleepers if not f.done()]
        return min(pending, default=None)

    def advance(self, delta: timedelta | float) -> None:
        """Move time on and wake every sleep that has ended."""
        if not isinstance(delta, timedelta):
            delta = timedelta(seconds=delta)
        self._now += delta
        for when, future in list(self._sleepers):
            if when <= self._now and not future.done():
                future.set_result(None)


async def wait_until(condition: Callable[[], bool], *, limit: float = 10.0) -> None:
    """Let the event loop (and database threads) run until `condition()` holds.

    For work in background tasks the harness does not wait for; `limit` (seconds) only bounds
    a failing test, it is never what a passing test waits for."""
    try:
        async with asyncio.timeout(limit):
            while not condition():  # noqa: ASYNC110 (the work runs in DB threads too)
                await asyncio.sleep(0.005)
    except TimeoutError:
        raise AssertionError("condition not reached in time") from None
