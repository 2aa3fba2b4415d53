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

Work that completes *outside* the loop is tracked explicitly, not guessed from a quiet
period: every aiosqlite call (its worker thread) and asyncpg round trip (see
``OUTSIDE_CALLS``), every ``run_in_executor`` /
``asyncio.to_thread`` future, and whatever a project registers in
:attr:`TaskTracker.busy_checks` (Parley: its SQLite writer process). While any of it is in
flight settle() keeps waiting - for the bot's background tasks too, since what they do with
the answer (fire a timer, spawn a handler) is work the test is waiting for. So a slow
machine only makes settle() slower, never wrong. The wall-clock ``max_wait`` is a safety
net against real hangs (default 120 s) and reports what is still pending.
"""

from __future__ import annotations

import asyncio
import fnmatch
import functools
import importlib
import inspect
import itertools
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


# How often settle() looks for progress made outside the loop.
QUIET_SLICE = 0.002
# How long settle() may take before it reports a hang (wall clock; a safety net only).
DEFAULT_MAX_WAIT = 120.0


class SettleTimeout(AssertionError):
    pass


def _callable_name(func: Any, args: tuple[Any, ...] = ()) -> str:
    """``Event.wait`` for ``to_thread(event.wait)`` (a partial of ``Context.run``)."""
    while isinstance(func, functools.partial):
        func, args = func.func, func.args
    if getattr(func, "__name__", "") == "run" and args and callable(args[0]):
        return _callable_name(args[0], args[1:])
    return str(getattr(func, "__qualname__", func))


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
        # Calls in flight outside the loop (aiosqlite's thread, executors): token -> label.
        self.outside: dict[int, str] = {}
        self._tokens = itertools.count()
        self._executor_patched = False

    # -- installation ----------------------------------------------------

    def install(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._previous = loop.get_task_factory()
        loop.set_task_factory(self._factory)  # type: ignore[arg-type]
        self._factory_installed = True
        _ACTIVE[loop] = self
        _patch_drivers()
        if "run_in_executor" not in vars(loop):
            original = loop.run_in_executor
            setattr(loop, "run_in_executor", self._tracked_executor(original))  # noqa: B010
            self._executor_patched = True

    def uninstall(self) -> None:
        if self._loop is not None and self._factory_installed:
            if self._loop.get_task_factory() is self._factory:
                self._loop.set_task_factory(self._previous)
            self._factory_installed = False
        if self._loop is not None and _ACTIVE.get(self._loop) is self:
            del _ACTIVE[self._loop]
            _unpatch_drivers()
        if self._loop is not None and self._executor_patched:
            vars(self._loop).pop("run_in_executor", None)
            self._executor_patched = False

    # -- work outside the loop -------------------------------------------

    def begin_outside(self, label: str) -> int:
        """Note one call that will be answered from outside the loop; returns its token."""
        token = next(self._tokens)
        self.outside[token] = label
        return token

    def end_outside(self, token: int) -> None:
        self.outside.pop(token, None)

    def _tracked_executor(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def run_in_executor(executor: Any, func: Callable[..., Any], *args: Any) -> Any:
            future = original(executor, func, *args)
            token = self.begin_outside(f"executor: {_callable_name(func, args)}")
            future.add_done_callback(lambda _: self.end_outside(token))
            return future

        return run_in_executor

    def busy_outside(self) -> list[str]:
        """What the loop is waiting for from outside: calls in flight and busy checks."""
        busy = list(self.outside.values())
        busy += [f"busy check {check!r}" for check in self.busy_checks if check()]
        return busy

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
        self,
        *,
        max_wait: float = DEFAULT_MAX_WAIT,
        timer_horizon: float = 1.0,
        quiet_period: float = 0.05,
    ) -> list[asyncio.Task[Any]]:
        """Run the loop until quiescent; returns the still-pending (blocked) tasks.

        Quiescent: no callback is ready, nothing is in flight outside the loop (database
        threads, executors, busy checks), and every tracked task is done or blocked on
        something only the test can provide (not on a timer due within ``timer_horizon``).
        ``max_wait`` only guards against a genuine hang: it raises :class:`SettleTimeout`
        naming what is still pending.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max_wait
        idle_rounds = 0
        while True:
            await asyncio.sleep(0)
            pending = self.pending()
            if loop.time() >= deadline:
                raise SettleTimeout(self._describe(f"not idle after {max_wait:g} s", pending))
            if self.busy_outside():
                # A database thread, an executor or another process is working for the bot.
                idle_rounds = 0
                await asyncio.sleep(QUIET_SLICE)
                continue
            ready = self._ready_count(loop)
            if ready is None:  # not a CPython selector loop: fall back to time-boxed waiting
                if not pending:
                    return []
                _, still = await asyncio.wait(pending, timeout=quiet_period)
                if still and not (set(pending) - still):
                    return list(still)
                continue
            if ready > 0:  # callbacks queued: they may finish tasks or create new ones
                idle_rounds = 0
                continue
            if not pending:
                idle_rounds += 1
                if idle_rounds >= 2:
                    return []
                continue
            idle_rounds = 0
            # nothing runnable: are the pending tasks waiting on a short timer?
            waits = [getattr(t, "_fut_waiter", None) for t in pending]
            when = self._timer_for(loop, waits)
            if when is not None and when - loop.time() <= timer_horizon:
                await asyncio.sleep(max(0.0, when - loop.time()))
                continue
            # Nothing runnable, nothing tracked outside, no short timer: the tasks are blocked
            # (a wait_for no one will satisfy yet). A last look for untracked outside progress
            # (another driver's socket, say) before saying so.
            if await self._progress_within(pending, quiet_period):
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
        if not pending:
            lines.append("  (none)")
        for t in pending:
            lines.append(f"  - {task_label(t)}")
            for frame in t.get_stack(limit=3):
                code = frame.f_code
                lines.append(f"      at {code.co_filename}:{frame.f_lineno} in {code.co_name}")
        outside = self.busy_outside()
        if outside:
            lines.append("waiting outside the loop for:")
            lines += [f"  - {label}" for label in outside]
        return "\n".join(lines)

    async def cancel_all(self) -> None:
        current = asyncio.current_task()
        victims = [t for t in self.tasks if not t.done() and t is not current]
        for t in victims:
            t.cancel()
        if victims:
            await asyncio.gather(*victims, return_exceptions=True)


# ---------------------------------------------------------------------------
# Database drivers: calls answered from outside the loop
# ---------------------------------------------------------------------------

# (module, class or None, coroutine function): aiosqlite's funnels to its worker thread, and
# asyncpg's round trips to the server (answered on a socket the loop only watches).
OUTSIDE_CALLS: tuple[tuple[str, str | None, str], ...] = (
    ("aiosqlite.core", "Connection", "_execute"),
    ("aiosqlite.core", "Connection", "_connect"),
    # close() waits for the worker thread to stop after the last query (aiosqlite 0.22)
    ("aiosqlite.core", "Connection", "close"),
    ("asyncpg.connection", "Connection", "_get_statement"),
    ("asyncpg.connection", "Connection", "execute"),
    ("asyncpg.connection", "Connection", "executemany"),
    ("asyncpg.connection", "Connection", "_execute"),
    ("asyncpg.connection", "Connection", "close"),
    ("asyncpg.connection", "Connection", "reset"),
    ("asyncpg.prepared_stmt", "PreparedStatement", "fetch"),
    ("asyncpg.prepared_stmt", "PreparedStatement", "fetchrow"),
    ("asyncpg.prepared_stmt", "PreparedStatement", "fetchval"),
    ("asyncpg.prepared_stmt", "PreparedStatement", "executemany"),
    ("asyncpg", None, "connect"),
)

_ACTIVE: dict[asyncio.AbstractEventLoop, TaskTracker] = {}
_ORIGINALS: dict[tuple[object, str], Any] = {}


def _tracked_call(original: Any, label: str) -> Any:
    @functools.wraps(original)
    async def call(*args: Any, **kwargs: Any) -> Any:
        tracker = _ACTIVE.get(asyncio.get_running_loop())
        if tracker is None:
            return await original(*args, **kwargs)
        token = tracker.begin_outside(label)
        try:
            return await original(*args, **kwargs)
        finally:
            tracker.end_outside(token)

    return call


def _patch_drivers() -> None:
    """Wrap the drivers' calls to their thread/server (while any harness is active)."""
    if _ORIGINALS:
        return
    for module_name, class_name, name in OUTSIDE_CALLS:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        owner: Any = module if class_name is None else getattr(module, class_name, None)
        original = None if owner is None else vars(owner).get(name)
        if original is None or not inspect.iscoroutinefunction(original):
            continue
        _ORIGINALS[(owner, name)] = original
        label = f"{module_name.split('.')[0]} {class_name + '.' if class_name else ''}{name}"
        setattr(owner, name, _tracked_call(original, label))


def _unpatch_drivers() -> None:
    if _ACTIVE:
        return
    for (owner, name), original in _ORIGINALS.items():
        setattr(owner, name, original)
    _ORIGINALS.clear()
