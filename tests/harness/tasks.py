"""Tracking every task the bot spawns, and waiting for quiescence.

discord.py runs handlers in tasks it creates itself (``discord.py: on_message``,
``CommandTree-invoker``, ``discord-ui-view-dispatch-…``, ``discord-ui-modal-dispatch-…``,
``discord-ui-dynamic-item-…``), so an injected event has *not* been handled when the
parser returns. A task factory installed on the running loop records every task
created while the harness is active; :meth:`TaskTracker.settle` then runs the loop
until the system is quiescent:

* every tracked, non-background task is done, or
* the remaining ones are blocked on something no one is going to set
  (``bot.wait_for(...)`` for a message the test has not sent yet, an ``Event``...)
  and no ready callbacks remain - except short timers (``asyncio.sleep(0.2)`` in a
  handler), which are waited for in real time when due within ``timer_horizon``.

Background tasks (``tasks.loop`` loops, view timeouts, ``delete_after`` sleeps) are
never waited for; they are cancelled when the harness closes.
"""

from __future__ import annotations

import asyncio
import fnmatch
from collections.abc import Callable, Coroutine, Iterable
from contextvars import Context
from typing import Any, cast

DEFAULT_BACKGROUND = (
    "parley-bg:*",  # the bot's own long-lived tasks (timer dispatcher, transcript writer)
    "Loop._loop",  # discord.ext.tasks
    "BaseView.__timeout_task_impl",
    "ConnectionState._delay_ready",
    "*.inner_call",  # InteractionResponse.send_message(delete_after=...)
    "*Message.delete.<locals>.delete",  # message.delete(delay=...)
    "*delete_after*",
)


# How often, and for how long in all, settle() looks for progress made outside the loop.
QUIET_SLICE = 0.002


class SettleTimeout(AssertionError):
    pass


def task_label(task: asyncio.Task[Any]) -> str:
    coro = task.get_coro()
    qual = getattr(coro, "__qualname__", type(coro).__name__)
    return f"{task.get_name()} ({qual})"


class TaskTracker:
    def __init__(self) -> None:
        self.tasks: list[asyncio.Task[Any]] = []
        self.background_patterns: list[str] = list(DEFAULT_BACKGROUND)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._previous: Any = None
        self._factory_installed = False
        self.failed: list[asyncio.Task[Any]] = []
        self._checked: set[int] = set()
        # Work that completes outside the loop for longer than the quiet period (another
        # process, say): while any of these says True, settle() keeps waiting.
        self.busy_checks: list[Callable[[], bool]] = []

    # -- installation ----------------------------------------------------

    def install(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._previous = loop.get_task_factory()
        loop.set_task_factory(self._factory)  # type: ignore[arg-type]
        self._factory_installed = True

    def uninstall(self) -> None:
        if self._loop is not None and self._factory_installed:
            if self._loop.get_task_factory() is self._factory:
                self._loop.set_task_factory(self._previous)
            self._factory_installed = False

    def _factory(
        self,
        loop: asyncio.AbstractEventLoop,
        coro: Coroutine[Any, Any, Any],
        context: Context | None = None,
    ) -> asyncio.Task[Any]:
        if self._previous is not None:
            if context is None:
                task = cast("asyncio.Task[Any]", self._previous(loop, coro))
            else:
                task = cast("asyncio.Task[Any]", self._previous(loop, coro, context=context))
        else:
            task = asyncio.Task(coro, loop=loop, context=context)
        self.tasks.append(task)
        return task

    # -- classification --------------------------------------------------

    def is_background(self, task: asyncio.Task[Any]) -> bool:
        coro = task.get_coro()
        qual = getattr(coro, "__qualname__", "")
        name = task.get_name()
        return any(
            fnmatch.fnmatchcase(qual, pat) or fnmatch.fnmatchcase(name, pat)
            for pat in self.background_patterns
        )

    def pending(self) -> list[asyncio.Task[Any]]:
        current = asyncio.current_task()
        return [
            t for t in self.tasks if not t.done() and t is not current and not self.is_background(t)
        ]

    def collect_failures(self) -> list[asyncio.Task[Any]]:
        """Done tasks that ended with an exception (each reported once)."""
        out = []
        keep: list[asyncio.Task[Any]] = []
        for t in self.tasks:
            if not t.done():
                keep.append(t)
                continue
            if id(t) in self._checked:
                continue
            self._checked.add(id(t))
            if not t.cancelled() and t.exception() is not None:
                out.append(t)
        # drop finished tasks so the list does not grow for the whole test
        self.tasks = keep
        self._checked.clear()
        return out

    # -- waiting ---------------------------------------------------------

    @staticmethod
    def _ready_count(loop: asyncio.AbstractEventLoop) -> int | None:
        ready = getattr(loop, "_ready", None)
        return None if ready is None else len(ready)

    @staticmethod
    def _timer_for(loop: asyncio.AbstractEventLoop, waiting_on: Iterable[Any]) -> float | None:
        """When the earliest timer that would wake one of ``waiting_on`` fires."""
        futures = {id(f) for f in waiting_on if f is not None}
        best: float | None = None
        for handle in getattr(loop, "_scheduled", []):
            if handle.cancelled():
                continue
            args = getattr(handle, "_args", ()) or ()
            if any(id(a) in futures for a in args):
                when = handle.when()
                best = when if best is None else min(best, when)
        return best

    async def settle(
        self, *, max_wait: float = 10.0, timer_horizon: float = 1.0, quiet_period: float = 0.05
    ) -> list[asyncio.Task[Any]]:
        """Run the loop until quiescent; returns the still-pending (blocked) tasks."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max_wait
        idle_rounds = 0
        while True:
            await asyncio.sleep(0)
            pending = self.pending()
            if not pending:
                # spin until no callbacks are queued: they may create new tasks
                if (self._ready_count(loop) or 0) == 0:
                    idle_rounds += 1
                    if idle_rounds >= 2:
                        return []
                elif loop.time() >= deadline:
                    raise SettleTimeout(
                        "settle(): callbacks kept being scheduled until the deadline"
                    )
                continue
            idle_rounds = 0
            ready = self._ready_count(loop)
            if ready is None:  # not a CPython selector loop: fall back to time-boxed waiting
                _, still = await asyncio.wait(
                    pending, timeout=min(0.05, max(0.0, deadline - loop.time()))
                )
                if loop.time() >= deadline:
                    return list(still)
                continue
            if ready > 0:
                if loop.time() >= deadline:
                    raise SettleTimeout(self._describe("the bot never went idle", pending))
                continue
            # nothing runnable: are the pending tasks waiting on a short timer?
            waits = [getattr(t, "_fut_waiter", None) for t in pending]
            when = self._timer_for(loop, waits)
            if when is not None and when - loop.time() <= timer_horizon:
                if when > deadline:
                    raise SettleTimeout(
                        self._describe("tasks still sleeping at the settle deadline", pending)
                    )
                await asyncio.sleep(max(0.0, when - loop.time()))
                continue
            # Nothing runnable and no short timer: the tasks may be blocked for good (a
            # wait_for no one will satisfy) or waiting on I/O that completes from outside the
            # loop (aiosqlite's worker thread, an asyncpg socket). Give the outside world a
            # quiet period in real time; any progress means the bot is not idle yet.
            if await self._progress_within(pending, quiet_period) or any(
                busy() for busy in self.busy_checks
            ):
                if loop.time() >= deadline:
                    raise SettleTimeout(self._describe("the bot never went idle", pending))
                continue
            return pending

    async def _progress_within(self, pending: list[asyncio.Task[Any]], quiet_period: float) -> bool:
        """True if a pending task moves on (or new work appears) within ``quiet_period``."""
        loop = asyncio.get_running_loop()
        before = [(t, getattr(t, "_fut_waiter", None)) for t in pending]
        tracked = len(self.tasks)
        end = loop.time() + quiet_period
        while loop.time() < end:
            await asyncio.sleep(QUIET_SLICE)
            if (self._ready_count(loop) or 0) > 0 or len(self.tasks) != tracked:
                return True
            if any(t.done() or getattr(t, "_fut_waiter", None) is not w for t, w in before):
                return True
        return False

    def _describe(self, what: str, pending: list[asyncio.Task[Any]]) -> str:
        lines = [f"settle(): {what}; pending tasks:"]
        for t in pending:
            lines.append(f"  - {task_label(t)}")
            for frame in t.get_stack(limit=3):
                code = frame.f_code
                lines.append(f"      at {code.co_filename}:{frame.f_lineno} in {code.co_name}")
        return "\n".join(lines)

    async def cancel_all(self) -> None:
        current = asyncio.current_task()
        victims = [t for t in self.tasks if not t.done() and t is not current]
        for t in victims:
            t.cancel()
        if victims:
            await asyncio.gather(*victims, return_exceptions=True)
