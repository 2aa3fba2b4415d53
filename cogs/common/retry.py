"""Posting to Discord when Discord fails: retry what passes, explain what a person must fix.

One policy for every post and edit a class depends on (announcements, caucus requests, race
questions):

* **Transient** failures (5xx, 429 that discord.py gave up on, a dropped connection, a request
  that hangs) are retried with exponential back-off and jitter (tenacity), at most
  `RetryPolicy.attempts` times and never past a deadline: a phase announcement is not worth
  posting after the phase ended, so `deliver(..., deadline=phase_end)` stops before it (each
  attempt is also cut off at the deadline).
* **Permanent** refusals (403 Missing Permissions / Missing Access, 404 Unknown Channel /
  Message) are not retried: `refusal()` turns them into one sentence for the facilitator naming
  the permission or the channel to fix, and `Refusals` keeps each cause from being said twice.
* Anything else (a 400 for a message over a limit, a bug) is neither: it is re-raised at once.

discord.py already retries 429 (sleeping `retry_after`) and 500/502/504 (five tries) inside one
call; this policy sits above that, so a call that still fails is one that discord.py gave up on.
No I/O of its own: the caller passes the operation, the clock and (in tests) the sleep.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Literal, TypeVar

import aiohttp
import discord
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)
from tenacity.stop import stop_base

from bot.clock import Clock

__all__ = [
    "DEFAULT_POLICY",
    "Paced",
    "Refusal",
    "Refusals",
    "RetryPolicy",
    "TooLate",
    "classify",
    "deliver",
    "each_paced",
    "is_transient",
    "refusal",
]

log = logging.getLogger(__name__)

T = TypeVar("T")
Kind = Literal["transient", "permanent", "other"]

MISSING_PERMISSIONS = 50013
MISSING_ACCESS = 50001
UNKNOWN_CHANNEL = 10003
UNKNOWN_MESSAGE = 10008


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try. Waits grow `initial · 2ⁿ` (plus up to `jitter` s), capped at `maximum`."""

    attempts: int = 4
    initial: float = 1.0
    maximum: float = 8.0
    jitter: float = 1.0
    attempt_timeout: float = 30.0
    """One attempt may take this long (discord.py's own 5xx retries included) before it is
    abandoned as a hang and counted as a transient failure."""
    per_second: float = 10.0
    """Per-student steps (`each_paced`) start at most this many calls a second (0: no pacing)."""
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep


DEFAULT_POLICY = RetryPolicy()


class TooLate(Exception):
    """The deadline passed before the operation succeeded; the last failure is `__cause__`."""


def classify(error: BaseException) -> Kind:
    """Is `error` worth another try, a refusal a person must fix, or neither?"""
    if isinstance(error, discord.RateLimited):
        return "transient"
    if isinstance(error, discord.HTTPException):
        if error.status >= 500 or error.status == 429:
            return "transient"
        if error.status in (403, 404):
            return "permanent"
        return "other"
    if isinstance(error, aiohttp.ClientError | OSError | TimeoutError):
        return "transient"
    return "other"


def is_transient(error: BaseException) -> bool:
    return classify(error) == "transient"


class _StopAtDeadline(stop_base):
    """Stop when the next wait would end at or after the deadline (class time, injected clock)."""

    def __init__(self, clock: Clock, deadline: datetime | None) -> None:
        self.clock = clock
        self.deadline = deadline
        self.fired = False

    def __call__(self, retry_state: RetryCallState) -> bool:
        if self.deadline is None:
            return False
        left = (self.deadline - self.clock.now()).total_seconds()
        self.fired = left <= retry_state.upcoming_sleep
        return self.fired


async def deliver(
    operation: Callable[[], Awaitable[T]],
    *,
    clock: Clock,
    policy: RetryPolicy = DEFAULT_POLICY,
    deadline: datetime | None = None,
    what: str = "a Discord call",
) -> T:
    """Run `operation`, retrying transient failures within `policy` and before `deadline`.

    Raises `TooLate` if the deadline passed first (the last error as its cause), else the last
    error itself: a permanent or unexpected one at once, a transient one after the last try.
    """

    def remaining() -> float | None:
        if deadline is None:
            return None
        return (deadline - clock.now()).total_seconds()

    async def attempt() -> T:
        left = remaining()
        if left is not None and left <= 0:
            raise TooLate(f"{what}: the deadline passed")
        limit = policy.attempt_timeout if left is None else min(policy.attempt_timeout, left)
        async with asyncio.timeout(limit):
            return await operation()

    def before_sleep(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        log.warning(
            "%s failed (attempt %s: %r); retrying in %.1f s",
            what,
            state.attempt_number,
            error,
            state.upcoming_sleep,
        )

    at_deadline = _StopAtDeadline(clock, deadline)
    retrying = AsyncRetrying(
        retry=retry_if_exception(is_transient),
        wait=wait_exponential_jitter(
            multiplier=policy.initial, max=policy.maximum, jitter=policy.jitter
        ),
        stop=at_deadline | stop_after_attempt(policy.attempts),
        sleep=policy.sleep,
        before_sleep=before_sleep,
        reraise=True,
    )
    try:
        return await retrying(attempt)
    except TooLate:
        raise
    except Exception as error:
        if at_deadline.fired and is_transient(error):
            raise TooLate(f"{what}: no time left to try again before the deadline") from error
        raise


@dataclass
class Paced:
    """What `each_paced` did: how many succeeded, which failed (and why), and the permanent
    refusal that stopped it early, if any."""

    done: int = 0
    failed: list[tuple[object, BaseException]] = field(default_factory=list)
    stopped_by: discord.HTTPException | None = None
    skipped: int = 0


async def each_paced(
    items: Iterable[T],
    call: Callable[[T], Awaitable[object]],
    *,
    clock: Clock,
    per_second: float | None = None,
    policy: RetryPolicy = DEFAULT_POLICY,
    what: str = "a per-student call",
) -> Paced:
    """One call per item (a student added to a thread), paced and retried, for steps whose REST
    calls grow with the class.

    Discord allows a bot 50 requests a second in all, and counts 403s and 429s towards a ban of
    10,000 invalid requests in 10 minutes. So calls start at most `per_second` a second (60
    students at 10/s take 6 s, leaving room for everything else the class does meanwhile), each
    transient failure is retried under `policy` (`per_second` defaults to the policy's), and the
    first permanent refusal (403/404)
    stops the step: the next 59 calls would be refused the same way.
    """
    outcome = Paced()
    pending = list(items)
    rate = policy.per_second if per_second is None else per_second
    gap = 1.0 / rate if rate > 0 else 0.0
    for index, item in enumerate(pending):
        if index and gap:
            await policy.sleep(gap)
        try:
            await deliver(partial(call, item), clock=clock, policy=policy, what=what)
        except discord.HTTPException as error:
            if classify(error) == "permanent":
                outcome.stopped_by = error
                outcome.skipped = len(pending) - index - 1
                outcome.failed.append((item, error))
                return outcome
            outcome.failed.append((item, error))
            continue
        except (TooLate, aiohttp.ClientError, OSError, TimeoutError) as error:
            outcome.failed.append((item, error))
            continue
        outcome.done += 1
    return outcome


# --- telling the facilitator -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Refusal:
    """A permanent failure, said once: `cause` identifies it, `text` tells what to fix."""

    cause: str
    text: str


def _bold(names: Iterable[str]) -> str:
    shown = [f"**{n}**" for n in names]
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def refusal(
    error: discord.HTTPException,
    *,
    action: str,
    place: str,
    place_key: object,
    permissions: Iterable[str] = ("View Channel", "Send Messages"),
) -> Refusal:
    """One sentence for the facilitator about a 403/404 (`classify(error) == "permanent"`).

    `action` says what Parley tried ("post the phase announcement"), `place` where (a channel
    mention), `permissions` what that needs; `place_key` (a channel id) keys the cause, so the
    same refusal in the same place is said once.
    """
    code = error.code
    cause = f"{error.status}:{code}:{place_key}"
    if error.status == 403 and code == MISSING_ACCESS:
        text = (
            f"Parley could not {action}: it cannot see {place} (Missing Access). Give Parley "
            f"**View Channel** there (for a private thread, add Parley to it)."
        )
    elif error.status == 403:
        text = (
            f"Parley could not {action}: Discord says it lacks a permission in {place}. Give "
            f"Parley's role {_bold(permissions)} there (channel settings → Permissions)."
        )
    elif code == UNKNOWN_CHANNEL:
        text = (
            f"Parley could not {action}: {place} no longer exists for Parley (deleted, or "
            "Parley was removed from it). Run the session in a channel Parley can use."
        )
    elif code == UNKNOWN_MESSAGE:
        text = (
            f"Parley could not {action}: the message it needed in {place} was deleted. "
            "Nothing to fix; Parley carries on without it."
        )
    else:
        text = f"Parley could not {action} in {place}: Discord said “{error.text or error.status}”."
    return Refusal(cause, text)


@dataclass
class Refusals:
    """The causes already told, so each is said once (per session, say)."""

    told: set[str] = field(default_factory=set)

    def first_time(self, found: Refusal) -> bool:
        if found.cause in self.told:
            return False
        self.told.add(found.cause)
        return True
