"""Waiting in tests for work the harness does not wait for (background tasks, DB threads)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def wait_until(condition: Callable[[], bool], *, limit: float = 120.0) -> None:
    """Let the event loop (and database threads) run until `condition()` holds.

    For work in background tasks the harness does not wait for; `limit` (seconds) only bounds
    a failing test (generous, so a busy machine cannot fail a passing one)."""
    try:
        async with asyncio.timeout(limit):
            while not condition():  # noqa: ASYNC110 (the work runs in DB threads too)
                await asyncio.sleep(0.005)
    except TimeoutError:
        raise AssertionError("condition not reached in time") from None
