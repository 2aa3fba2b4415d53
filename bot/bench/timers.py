"""`parley bench timers`: how late timers fire, with 10,000 pending across sessions.

10,000 timers (by default) across 100 sessions are persisted with due times spread evenly over a
window of a few seconds, on the real clock, and fired by Parley's timer service: one dispatcher
task, each timer marked done in the database after its handler ran. For each firing, lateness is
the wall-clock time the handler started minus the due time. The baseline, in the same run: the
obvious design, one asyncio task per timer sleeping until it is due (nothing persisted).

Reported: lateness p50, p99 and max; asyncio tasks (long-lived, created, most alive at once);
how long scheduling took. Target: p99 lateness ≤ 20 ms with one dispatcher. The JSON result is
the last line on stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Callable, Coroutine
from contextvars import Context
from datetime import datetime, timedelta
from typing import Any

from bot.cli.parley import freeze_startup_heap
from bot.clock import SystemClock
from bot.db import bench_storage
from bot.services.timers import DueTimer, TimerService, TimerSpec

TARGET_P99_MS = 20.0
KIND = "bench"


def build_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--timers", type=int, default=10_000, help="pending timers (10000)")
    parser.add_argument("--sessions", type=int, default=100, help="sessions they belong to")
    parser.add_argument(
        "--window", type=float, default=10.0, help="seconds over which they fall due (10)"
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="measure on PostgreSQL (a temporary schema in this database) instead of SQLite",
    )
    parser.add_argument("--json", action="store_true", help="print only the JSON result")
    return parser


def run(args: argparse.Namespace) -> int:
    result = asyncio.run(
        measure(
            timers=args.timers,
            sessions=args.sessions,
            window=args.window,
            postgres_url=args.postgres,
        )
    )
    if not args.json:
        print(report(result))
    print(json.dumps(result))
    return 0


class TaskCounter:
    """Counts the asyncio tasks created while installed, and the most alive at once."""

    def __init__(self) -> None:
        self.created = 0
        self.handlers = 0  # tasks that run a timer's handler
        self.alive = 0
        self.peak = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._previous: Any = None

    def _factory(
        self,
        loop: asyncio.AbstractEventLoop,
        coro: Coroutine[Any, Any, Any],
        context: Context | None = None,
    ) -> asyncio.Task[Any]:
        task: asyncio.Task[Any] = asyncio.Task(coro, loop=loop, context=context)
        self.created += 1
        if getattr(coro, "__qualname__", "").endswith("_run_handler"):
            self.handlers += 1
        self.alive += 1
        self.peak = max(self.peak, self.alive)
        task.add_done_callback(self._done)
        return task

    def _done(self, _task: asyncio.Task[Any]) -> None:
        self.alive -= 1

    def __enter__(self) -> TaskCounter:
        self._loop = asyncio.get_running_loop()
        self._previous = self._loop.get_task_factory()
        self._loop.set_task_factory(self._factory)  # type: ignore[arg-type]
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._loop is not None
        self._loop.set_task_factory(self._previous)


def _percentile(values: list[float], q: float) -> float:
    index = min(len(values) - 1, max(0, round(q * (len(values) - 1))))
    return values[index]


def _summary(lateness_ms: list[float]) -> dict[str, float]:
    values = sorted(lateness_ms)
    return {
        "p50_ms": round(_percentile(values, 0.5), 2),
        "p99_ms": round(_percentile(values, 0.99), 2),
        "max_ms": round(values[-1], 2),
    }


async def _wait(done: asyncio.Event, count: Callable[[], int], total: int, limit: float) -> None:
    try:
        await asyncio.wait_for(done.wait(), limit)
    except TimeoutError:
        raise RuntimeError(f"only {count()} of {total} timers fired in {limit:.0f} s") from None


async def measure(
    *, timers: int, sessions: int, window: float, postgres_url: str | None = None
) -> dict[str, Any]:
    clock = SystemClock()
    async with bench_storage.scratch_database(postgres_url) as database:
        session_ids = [
            await bench_storage.create_session(
                database,
                guild_id=1000 + i,
                channel_id=2000 + i,
                created_by=1,
                participants=[],
                channels=[],
            )
            for i in range(sessions)
        ]

        # Parley: persisted timers, one dispatcher.
        lateness: list[float] = []
        done = asyncio.Event()

        async def handler(timer: DueTimer) -> None:
            lateness.append((clock.now() - timer.due_at).total_seconds() * 1000)
            if len(lateness) == timers:
                done.set()

        service = TimerService(database, clock)
        service.register(KIND, handler)
        freeze_startup_heap()  # as `parley run` does
        with TaskCounter() as tasks:
            service.start()
            lead = 2.0 + timers / 20_000  # time to persist them before the first is due
            first_due = clock.now() + timedelta(seconds=lead)
            specs = [
                TimerSpec(
                    KIND,
                    first_due + timedelta(seconds=window * i / timers),
                    {"n": i},
                    f"bench:{i}",
                    session_ids[i % sessions],
                )
                for i in range(timers)
            ]
            started = time.perf_counter()
            await service.schedule_many(specs)
            schedule_seconds = time.perf_counter() - started
            if clock.now() >= first_due:
                raise RuntimeError("scheduling took longer than the lead time; use fewer timers")
            await _wait(done, lambda: len(lateness), timers, lead + window + 60)
            await service.wait_idle()
            pending = await service.pending()
            await service.stop()
        if pending:
            raise RuntimeError(f"{len(pending)} timers were not marked done")
        parley = {
            **_summary(lateness),
            "fired": len(lateness),
            "schedule_seconds": round(schedule_seconds, 3),
            "dispatcher_tasks": 1,
            "tasks_created": tasks.created,
            "handler_tasks": tasks.handlers,
            "tasks_alive_peak": tasks.peak,
            "dispatcher_wakeups": service.wakeups,
            "target_p99_ms": TARGET_P99_MS,
            "met": _summary(lateness)["p99_ms"] <= TARGET_P99_MS,
        }

    # Baseline: one sleeping task per timer, in memory only.
    base_lateness: list[float] = []
    base_done = asyncio.Event()

    async def sleeper(due: datetime) -> None:
        await asyncio.sleep(max(0.0, (due - clock.now()).total_seconds()))
        base_lateness.append((clock.now() - due).total_seconds() * 1000)
        if len(base_lateness) == timers:
            base_done.set()

    with TaskCounter() as base_tasks:
        first_due = clock.now() + timedelta(seconds=1.0)
        keep = [
            asyncio.create_task(sleeper(first_due + timedelta(seconds=window * i / timers)))
            for i in range(timers)
        ]
        await _wait(base_done, lambda: len(base_lateness), timers, window + 60)
        await asyncio.gather(*keep)
    baseline = {
        **_summary(base_lateness),
        "fired": len(base_lateness),
        "tasks_created": base_tasks.created,
        "tasks_alive_peak": base_tasks.peak,
        "persisted": False,
    }
    return {
        "benchmark": "timers",
        "database": "postgresql" if postgres_url else "sqlite",
        "timers": timers,
        "sessions": sessions,
        "window_s": window,
        "parley": parley,
        "baseline_task_per_timer": baseline,
    }


def report(r: dict[str, Any]) -> str:
    p, b = r["parley"], r["baseline_task_per_timer"]
    verdict = "met" if p["met"] else "NOT MET"
    return "\n".join(
        [
            f"Timers: {r['timers']} pending across {r['sessions']} sessions, due over "
            f"{r['window_s']:.0f} s, {r['database']}",
            f"  Parley (persisted, one dispatcher): lateness p50 {p['p50_ms']} ms, "
            f"p99 {p['p99_ms']} ms, max {p['max_ms']} ms "
            f"(target p99 <= {p['target_p99_ms']:.0f} ms: {verdict})",
            f"    tasks: {p['dispatcher_tasks']} long-lived (the dispatcher); "
            f"{p['handler_tasks']} short ones running handlers, "
            f"{p['tasks_created'] - p['handler_tasks'] - 1} by SQLAlchemy; at most "
            f"{p['tasks_alive_peak']} alive at once; scheduling {r['timers']} took "
            f"{p['schedule_seconds']} s",
            f"  baseline (one sleeping task per timer, nothing persisted): p50 {b['p50_ms']} ms, "
            f"p99 {b['p99_ms']} ms, max {b['max_ms']} ms; {b['tasks_alive_peak']} tasks alive",
        ]
    )


__all__ = ["build_parser", "measure", "run"]
