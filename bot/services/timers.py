"""One timer service for every deadline of every session.

Every timer is a row in `timers` (kind, due time, JSON payload, optional session, a unique
idempotency key). One dispatcher task (`parley-bg:timers`) sleeps until the earliest pending timer
is due and is woken early whenever a timer is added, moved or cancelled. Features register one
handler per kind (`register("phase_end", handler)`) — phase ends, warnings, speaking turns —
and schedule with `schedule(kind, due_at, payload, key=...)`. (Quiz races keep a task of their
own; `bot/services/quiz_race.py` says why.)

Delivery is **at least once**: a timer is marked done only after its handler returned. If the
handler raises, it is retried with exponential backoff (1 s, 2 s, 4 s …) and after
`max_attempts` marked failed and logged. If Parley stops while a handler runs, or between the
handler's success and the write that records it, the timer fires again after the restart. So
**handlers must be idempotent**: check the state they are about to change (a phase that already
ended is not ended twice; an announcement already posted for this key is not posted twice).

After a restart pending timers simply stay in the table: the dispatcher picks them up with their
true remaining time, and those that fell due while Parley was offline fire at once with
`DueTimer.late = True`, so the announcement can say it is late.

Unlike RoboDanny's reminder cog (our anchor), no timer lives only in memory and no row is
deleted before its handler ran. A small in-memory lookahead (the next few hundred pending rows)
spares the database a query per firing; any change through this service invalidates it. The
firing path does not wait for the database: handlers run in their own short tasks, and refilling
the lookahead and recording outcomes happen beside the dispatcher (`parley bench timers`).

One dispatcher per database: several bot *processes* sharing one PostgreSQL database would each
fire every timer (AutoShardedBot runs all shards in one process, which is how Parley runs).
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import functools
import logging
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Collection, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock, ClockHandle
from bot.db.engine import Database
from bot.db.repositories.timers import NewTimer, Outcome
from bot.domain.timers import (
    DEFAULT_MAX_ATTEMPTS,
    PENDING,
    DueTimer,
    TimerRecord,
    is_late,
    retry_delay,
)

__all__ = ["DueTimer", "TimerHandler", "TimerRecord", "TimerService", "TimerSpec"]

log = logging.getLogger(__name__)

TimerHandler = Callable[[DueTimer], Awaitable[None]]

DISPATCHER_TASK_NAME = "parley-bg:timers"
DEFAULT_LOOKAHEAD = 256
DEFAULT_HANDLER_TIMEOUT = 60.0
ERROR_PAUSE = 1.0  # real seconds to wait after the database refused a dispatcher query


@dataclass(frozen=True)
class TimerSpec:
    """One timer to schedule with `schedule_many`."""

    kind: str
    due_at: datetime
    payload: dict[str, Any]
    key: str
    session_id: int | None = None


@dataclass(frozen=True)
class _Kind:
    handler: TimerHandler
    max_attempts: int


def _check_aware(when: datetime) -> None:
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(f"naive datetime {when!r}; timers need timezone-aware UTC")


class TimerService:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        *,
        ready: Callable[[], Awaitable[Any]] | None = None,
        lookahead: int = DEFAULT_LOOKAHEAD,
        handler_timeout: float = DEFAULT_HANDLER_TIMEOUT,
    ) -> None:
        self._db = database
        self.clock = clock
        self._ready = ready
        self._lookahead_size = lookahead
        self.handler_timeout = handler_timeout
        self._kinds: dict[str, _Kind] = {}
        self._ahead: deque[TimerRecord] = deque()
        self._ahead_complete = False  # the lookahead holds every pending timer
        self._generation = 0  # bumped by every change; the lookahead is valid for one
        self._loaded_generation = -1
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._running: dict[int, TimerRecord] = {}  # the records of the timers in flight
        self._reloading = False
        self._outcomes: list[Outcome] = []
        self._recorder: asyncio.Task[None] | None = None  # writing outcomes
        self._refill: asyncio.Task[None] | None = None  # extending the lookahead
        self._task: asyncio.Task[None] | None = None
        self._online = False
        self.online_since: datetime | None = None
        self.sleeping_until: datetime | None = None
        self.fired = 0
        self.wakeups = 0

    # -- handlers -----------------------------------------------------------------------------

    def register(
        self, kind: str, handler: TimerHandler, *, max_attempts: int = DEFAULT_MAX_ATTEMPTS
    ) -> None:
        """`handler` runs for every timer of `kind` (replacing an earlier one). Idempotent!"""
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._kinds[kind] = _Kind(handler, max_attempts)
        self._changed()

    def unregister(self, kind: str) -> None:
        """Timers of `kind` stay pending until a handler is registered again."""
        if self._kinds.pop(kind, None) is not None:
            self._changed()

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self._kinds)

    # -- scheduling ---------------------------------------------------------------------------

    async def schedule(
        self,
        kind: str,
        due_at: datetime,
        payload: dict[str, Any] | None = None,
        *,
        key: str | None = None,
        session_id: int | None = None,
        replace: bool = False,
    ) -> TimerRecord:
        """Persist a timer. An existing `key` is kept as it is (idempotent), or with
        `replace=True` reset to these values and pending again."""
        _check_aware(due_at)
        timer = NewTimer(
            key=key or f"{kind}:{uuid.uuid4().hex}",
            kind=kind,
            due_at=due_at,
            payload=dict(payload or {}),
            session_id=session_id,
        )
        async with self._db.transaction() as tx:
            record = await tx.timers.add(timer, replace=replace)
        self._changed(record.due_at, patch=lambda: self._patch_in(record))
        return record

    async def schedule_many(self, specs: Iterable[TimerSpec]) -> int:
        """Persist many timers in one transaction; keys that exist are left alone."""
        timers = []
        for spec in specs:
            _check_aware(spec.due_at)
            timers.append(
                NewTimer(spec.key, spec.kind, spec.due_at, dict(spec.payload), spec.session_id)
            )
        async with self._db.transaction() as tx:
            await tx.timers.add_many(timers)
        if timers:
            self._changed(min(t.due_at for t in timers))
        return len(timers)

    async def cancel(self, key: str) -> bool:
        """Cancel a pending timer; False if there is none under this key."""
        async with self._db.transaction() as tx:
            cancelled = await tx.timers.cancel(key)
        if cancelled:
            self._changed(patch=lambda: self._patch_out(key))
        return cancelled

    async def cancel_session(self, session_id: int, kinds: Collection[str] | None = None) -> int:
        """Cancel a session's pending timers (of some kinds only, if given)."""
        async with self._db.transaction() as tx:
            count = await tx.timers.cancel_session(session_id, kinds)
        if count:
            self._changed()
        return count

    async def reschedule(self, key: str, due_at: datetime) -> bool:
        """Move a pending timer; False if there is none under this key."""
        _check_aware(due_at)
        async with self._db.transaction() as tx:
            moved = await tx.timers.reschedule(key, due_at)
        if moved:
            self._changed(due_at, patch=lambda: self._patch_moved(key, due_at))
        return moved

    async def get(self, key: str) -> TimerRecord | None:
        async with self._db.transaction() as tx:
            return await tx.timers.get(key)

    async def pending(self, session_id: int | None = None) -> list[TimerRecord]:
        """Pending timers, earliest first (of one session, if given)."""
        async with self._db.transaction() as tx:
            return await tx.timers.pending(session_id)

    def changed(self, due_at: datetime | None = None) -> None:
        """Timers were written through ``tx.timers`` inside the caller's own transaction (so a
        state change and its timers commit together), which has now committed: look again.
        ``due_at``: the earliest timer written, if any."""
        self._changed(due_at)

    def _changed(
        self, due_at: datetime | None = None, *, patch: Callable[[], bool] | None = None
    ) -> None:
        """The table changed: the lookahead is stale, unless `patch` can bring it up to date in
        memory (no reload needed: one query fewer for each timer scheduled or cancelled)."""
        valid = self._loaded_generation == self._generation
        self._generation += 1
        idle = not self._reloading and self._refill is None
        if patch is not None and valid and idle and patch():
            self._loaded_generation = self._generation
        if due_at is None or self.sleeping_until is None or due_at < self.sleeping_until:
            self._poke()
        # A later timer needs no wake-up: the lookahead is up to date before the next firing.

    def _covers(self, due_at: datetime, timer_id: int) -> bool:
        """Whether a timer at this place belongs in the lookahead (it holds a prefix)."""
        if self._ahead_complete:
            return True
        if not self._ahead:
            return False
        tail = self._ahead[-1]
        return (due_at, timer_id) < (tail.due_at, tail.id)

    def _patch_in(self, record: TimerRecord) -> bool:
        if record.status != PENDING or record.kind not in self._kinds:
            return True  # nothing the dispatcher would fire
        if any(t.id == record.id for t in self._ahead) or record.id in self._in_flight:
            return False  # replaced, or running: let a reload sort it out
        if self._covers(record.due_at, record.id):
            keys = [(t.due_at, t.id) for t in self._ahead]
            self._ahead.insert(bisect.bisect(keys, (record.due_at, record.id)), record)
        return True

    def _patch_out(self, key: str) -> bool:
        if any(running.key == key for running in self._running.values()):
            return False
        for timer in self._ahead:
            if timer.key == key:
                self._ahead.remove(timer)
                break
        return True

    def _patch_moved(self, key: str, due_at: datetime) -> bool:
        found = next((t for t in self._ahead if t.key == key), None)
        if found is None or any(running.key == key for running in self._running.values()):
            return False  # not at hand: reload
        self._ahead.remove(found)
        return self._patch_in(replace(found, due_at=due_at))

    def _poke(self) -> None:
        self._idle.clear()
        self._wake.set()

    # -- lifecycle ----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        """Start the dispatcher (after `ready`, if given, has completed)."""
        if self.running:
            return
        self._task = asyncio.create_task(self._run(), name=DISPATCHER_TASK_NAME)
        # A clock that moves in steps (tests' FakeClock) waits for the dispatcher after each.
        self.clock.add_settler(self.wait_idle)

    async def stop(self) -> None:
        """Stop dispatching. Handlers still running are cancelled; their timers stay pending."""
        self.clock.remove_settler(self.wait_idle)
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._cancel_refill()
        recorder, self._recorder = self._recorder, None
        if recorder is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await recorder  # let a write in progress finish
        handlers = list(self._in_flight.values())
        for handler_task in handlers:
            handler_task.cancel()
        if handlers:
            await asyncio.gather(*handlers, return_exceptions=True)
        if self._outcomes:
            try:
                await self._write_outcomes()
            except Exception:
                log.exception("Could not record the last timer outcomes; they will fire again")
        self._in_flight.clear()
        self._running.clear()
        self._online = False
        self.sleeping_until = None

    async def wait_idle(self) -> None:
        """Return once every due timer has fired and been recorded (for tests and the
        FakeClock, which awaits this after each step)."""
        task = self._task
        if task is None or task.done() or not self._online:
            return
        idle = asyncio.ensure_future(self._idle.wait())
        try:
            await asyncio.wait({idle, task}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            idle.cancel()

    # -- the dispatcher -----------------------------------------------------------------------

    async def _run(self) -> None:
        if self._ready is not None:
            await self._ready()
        self.online_since = self.clock.now()
        self._online = True
        await self._warn_about_unhandled_kinds()
        while True:
            try:
                await self._step()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("Timer dispatcher hit an error; retrying in %.0f s", ERROR_PAUSE)
                self._loaded_generation = -1
                await asyncio.sleep(ERROR_PAUSE)

    async def _step(self) -> None:
        """One turn: fire what is due, then sleep. The firing path never waits for the
        database unless the lookahead was invalidated (a timer added, moved or cancelled):
        refilling the lookahead and recording outcomes run beside it, in short helper tasks."""
        self._wake.clear()
        if self._loaded_generation != self._generation or (
            not self._ahead and not self._ahead_complete and self._refill is None
        ):
            await self._reload()
        now = self.clock.now()
        fired = False
        while self._ahead and self._ahead[0].due_at <= now:
            self._fire(self._ahead.popleft(), now)
            fired = True
        self._start_helpers()
        if fired:
            return  # look again: more may have fallen due meanwhile
        await self._sleep(now)

    def _start_helpers(self) -> None:
        if self._outcomes and self._recorder is None:
            self._recorder = asyncio.create_task(self._record(), name="parley-timers:record")
        if (
            self._refill is None
            and not self._ahead_complete
            and len(self._ahead) <= self._lookahead_size // 4
            and self._loaded_generation == self._generation
        ):
            self._refill = asyncio.create_task(self._refill_ahead(), name="parley-timers:refill")

    def _busy(self) -> bool:
        return bool(self._in_flight or self._outcomes or self._recorder or self._refill)

    async def _sleep(self, now: datetime) -> None:
        next_due = self._ahead[0].due_at if self._ahead else None
        self.sleeping_until = next_due
        handle: ClockHandle | None = None
        if next_due is not None:
            wake_at = next_due
            if self.clock.max_wait is not None:
                wake_at = min(wake_at, now + timedelta(seconds=self.clock.max_wait))
            handle = self.clock.call_at(wake_at, self._poke)
        if not self._busy() and not self._wake.is_set():
            self._idle.set()
        try:
            await self._wake.wait()
        finally:
            if handle is not None:
                handle.cancel()
            self.sleeping_until = None
            self.wakeups += 1

    async def _reload(self) -> None:
        """Replace the lookahead with the earliest pending timers (waits for a running refill,
        whose result would be stale)."""
        await self._cancel_refill()
        generation = self._generation
        self._reloading = True
        try:
            async with self._db.transaction() as tx:
                rows = await tx.timers.upcoming(
                    self._kinds, limit=self._lookahead_size, exclude=self._in_flight.keys()
                )
        finally:
            self._reloading = False
        self._ahead = deque(rows)
        self._ahead_complete = len(rows) < self._lookahead_size
        self._loaded_generation = generation

    async def _refill_ahead(self) -> None:
        """Append the timers that come after the lookahead's last one, before it runs dry."""
        try:
            generation = self._generation
            after = (self._ahead[-1].due_at, self._ahead[-1].id) if self._ahead else None
            if after is None:
                return  # nothing to continue from: the next turn reloads
            async with self._db.transaction() as tx:
                rows = await tx.timers.upcoming(
                    self._kinds,
                    limit=self._lookahead_size,
                    exclude=self._in_flight.keys(),
                    after=after,
                )
            if generation == self._generation == self._loaded_generation:
                self._ahead.extend(rows)
                self._ahead_complete = len(rows) < self._lookahead_size
        except Exception:
            log.exception("Could not refill the timer lookahead; reloading it")
            self._loaded_generation = -1
        finally:
            self._refill = None
            self._poke()

    async def _cancel_refill(self) -> None:
        refill, self._refill = self._refill, None
        if refill is not None:
            refill.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await refill

    async def _record(self) -> None:
        """Write the outcomes gathered so far (one transaction), beside the dispatcher."""
        try:
            await self._write_outcomes()
        except Exception:
            log.exception("Could not record timer outcomes; retrying in %.0f s", ERROR_PAUSE)
            await asyncio.sleep(ERROR_PAUSE)
        finally:
            self._recorder = None
            self._poke()

    def _fire(self, record: TimerRecord, now: datetime) -> None:
        kind = self._kinds.get(record.kind)
        if kind is None:  # unregistered since the lookahead was loaded
            return
        due = DueTimer(
            key=record.key,
            kind=record.kind,
            due_at=record.due_at,
            fired_at=now,
            payload=dict(record.payload),
            session_id=record.session_id,
            attempt=record.attempts + 1,
            late=is_late(record.due_at, now, self.online_since),
        )
        task = asyncio.create_task(
            self._run_handler(record, kind, due), name=f"parley-timer:{record.kind}:{record.key}"
        )
        self._in_flight[record.id] = task
        self._running[record.id] = record
        self.fired += 1

    async def _run_handler(self, record: TimerRecord, kind: _Kind, due: DueTimer) -> None:
        error: str | None = None
        failure: Exception | None = None
        try:
            async with asyncio.timeout(self.handler_timeout):
                await kind.handler(due)
        except asyncio.CancelledError:
            raise  # shutting down: the timer stays pending and fires after the restart
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"[:2000]
            failure = exc
        attempts = record.attempts + 1
        if error is None:
            outcome = Outcome(record.id, record.due_at, attempts, due.fired_at)
        elif attempts < kind.max_attempts:
            retry_at = self.clock.now() + retry_delay(attempts)
            log.warning(
                "Timer %s (%s) failed on attempt %d/%d; retrying at %s",
                record.key,
                record.kind,
                attempts,
                kind.max_attempts,
                retry_at.isoformat(),
                exc_info=failure,
            )
            outcome = Outcome(record.id, record.due_at, attempts, due.fired_at, error, retry_at)
        else:
            log.error(
                "Timer %s (%s) failed %d times; giving up (marked failed)",
                record.key,
                record.kind,
                attempts,
                exc_info=failure,
            )
            outcome = Outcome(record.id, record.due_at, attempts, due.fired_at, error)
        self._outcomes.append(outcome)
        self._poke()

    async def _write_outcomes(self) -> None:
        outcomes, self._outcomes = self._outcomes, []
        try:
            async with self._db.transaction() as tx:
                await tx.timers.record(outcomes)
        except BaseException:
            self._outcomes[:0] = outcomes
            raise
        for outcome in outcomes:
            record = self._running.pop(outcome.id, None)
            self._in_flight.pop(outcome.id, None)
            if outcome.retry_at is not None and record is not None:
                # Back in the lookahead at its retry time (a change made to it while it ran
                # has already invalidated the lookahead, so a reload will find it instead).
                retried = replace(record, due_at=outcome.retry_at, attempts=outcome.attempts)
                self._changed(outcome.retry_at, patch=functools.partial(self._patch_in, retried))

    async def _warn_about_unhandled_kinds(self) -> None:
        try:
            async with self._db.transaction() as tx:
                pending = await tx.timers.pending_kinds()
        except Exception:
            log.exception("Could not list pending timer kinds")
            return
        for kind in sorted(set(pending) - set(self._kinds)):
            log.warning(
                "%d pending timer(s) of kind %r have no handler (did an extension fail to "
                "load?); they wait until one is registered",
                pending[kind],
                kind,
            )
