"""Time as an injectable dependency, so timers can be tested (and benchmarked) without waiting.

Everything in Parley that waits for class time (the timer dispatcher, and through it phase ends,
warnings and speaking turns) asks a `Clock`, never `asyncio.sleep` or `datetime.now` directly.

* `SystemClock` is the real thing: wall-clock UTC for `now()`, the event loop for waiting.
* `FakeClock` only moves when a test (or a benchmark) calls `advance()`. Callbacks fire in due
  order with `now()` equal to their due time, and after each one the clock waits for the code it
  woke to settle (see `add_settler`), so a 50-minute class plan runs in milliseconds and always
  the same way.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = ["Clock", "ClockHandle", "FakeClock", "SystemClock"]


Settler = Callable[[], Awaitable[None]]


class ClockHandle(Protocol):
    def cancel(self) -> None: ...


class Clock(Protocol):
    """What the timer service needs from time."""

    # The longest single wait the caller should do before checking `now()` again (None: no
    # limit). A wall clock can jump (NTP, a laptop waking from sleep) while the event loop's
    # monotonic timer does not see it; re-checking bounds the error.
    max_wait: float | None

    def now(self) -> datetime:
        """Aware UTC."""
        ...

    def call_at(self, when: datetime, callback: Callable[[], object]) -> ClockHandle:
        """Run `callback` (synchronously, on the loop) once `now() >= when`."""
        ...

    async def sleep_until(self, when: datetime) -> None: ...

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` of class time (returns at once for zero or less)."""
        ...

    def add_settler(self, settler: Settler) -> None:
        """`settler()` is awaited after each step of a clock that moves in steps (the timer
        service registers "until I am idle"); a clock that runs on its own ignores it."""
        ...

    def remove_settler(self, settler: Settler) -> None: ...


def _aware(when: datetime) -> datetime:
    if when.tzinfo is None:
        raise ValueError(f"naive datetime {when!r}; use timezone-aware UTC")
    return when.astimezone(UTC)


class SystemClock:
    """Wall-clock UTC; waits on the running event loop."""

    max_wait: float | None = 30.0

    def now(self) -> datetime:
        return datetime.now(UTC)

    def call_at(self, when: datetime, callback: Callable[[], object]) -> ClockHandle:
        delay = (_aware(when) - self.now()).total_seconds()
        return asyncio.get_running_loop().call_later(max(0.0, delay), callback)

    async def sleep_until(self, when: datetime) -> None:
        while True:
            delay = (_aware(when) - self.now()).total_seconds()
            if delay <= 0:
                return
            await asyncio.sleep(min(delay, self.max_wait or delay))

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))

    def add_settler(self, settler: Settler) -> None:
        """Nothing to do: wall-clock time does not move in steps that wait for anyone."""

    def remove_settler(self, settler: Settler) -> None:
        """Nothing to do (see `add_settler`)."""


@dataclass(order=True)
class _Scheduled:
    when: datetime
    seq: int
    callback: Callable[[], object] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True


DEFAULT_START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # a Monday, 9 a.m.: class time


class FakeClock:
    """A clock that moves only when told to. Deterministic: no real waiting at all."""

    max_wait: float | None = None

    def __init__(self, start: datetime = DEFAULT_START) -> None:
        self._now = _aware(start)
        self._heap: list[_Scheduled] = []
        self._seq = itertools.count()
        self._settlers: list[Settler] = []
        self._lock = asyncio.Lock()

    def now(self) -> datetime:
        return self._now

    def call_at(self, when: datetime, callback: Callable[[], object]) -> ClockHandle:
        item = _Scheduled(_aware(when), next(self._seq), callback)
        heapq.heappush(self._heap, item)
        return item

    async def sleep_until(self, when: datetime) -> None:
        if _aware(when) <= self._now:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def wake() -> None:
            if not future.done():
                future.set_result(None)

        handle = self.call_at(when, wake)
        try:
            await future
        finally:
            handle.cancel()

    async def sleep(self, seconds: float) -> None:
        await self.sleep_until(self._now + timedelta(seconds=seconds))

    def add_settler(self, settler: Settler) -> None:
        """`settler()` is awaited after every callback fired (e.g. "the dispatcher is idle")."""
        if settler not in self._settlers:
            self._settlers.append(settler)

    def remove_settler(self, settler: Settler) -> None:
        if settler in self._settlers:
            self._settlers.remove(settler)

    @property
    def sleepers(self) -> int:
        """How many callbacks and sleeps are waiting for time to pass."""
        return sum(1 for item in self._heap if not item.cancelled)

    @property
    def next_due(self) -> datetime | None:
        """When the earliest callback still waiting is due (None if none)."""
        self._drop_cancelled()
        return self._heap[0].when if self._heap else None

    def _drop_cancelled(self) -> None:
        while self._heap and self._heap[0].cancelled:
            heapq.heappop(self._heap)

    async def settle(self) -> None:
        """Let woken tasks run until everything registered says it is idle."""
        for _ in range(3):
            await asyncio.sleep(0)
        for settler in list(self._settlers):
            await settler()

    async def advance(self, delta: timedelta | float) -> None:
        """Move time forward, firing every callback due on the way, in order, at its own time."""
        if not isinstance(delta, timedelta):
            delta = timedelta(seconds=delta)
        if delta < timedelta(0):
            raise ValueError("a clock cannot go backwards")
        await self.advance_to(self._now + delta)

    async def advance_to(self, target: datetime) -> None:
        target = _aware(target)
        async with self._lock:
            await self.settle()
            while True:
                self._drop_cancelled()
                if not self._heap or self._heap[0].when > target:
                    break
                item = heapq.heappop(self._heap)
                self._now = max(self._now, item.when)
                item.callback()
                await self.settle()
            self._now = max(self._now, target)
            await self.settle()
