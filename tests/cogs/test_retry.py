"""The shared retry policy: what is retried, how long it waits, where it stops, what it says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import discord
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.clock import FakeClock
from cogs.common.retry import (
    Refusals,
    RetryPolicy,
    TooLate,
    classify,
    deliver,
    each_paced,
    refusal,
)

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


class _Response:
    def __init__(self, status: int) -> None:
        self.status = status
        self.reason = "x"


def http_error(status: int, code: int = 0, message: str = "") -> discord.HTTPException:
    body = {"code": code, "message": message}
    response: Any = _Response(status)
    if status == 403:
        return discord.Forbidden(response, body)
    if status == 404:
        return discord.NotFound(response, body)
    if status >= 500:
        return discord.DiscordServerError(response, body)
    return discord.HTTPException(response, body)


class Script:
    """An operation that fails with the given errors in turn, then returns "ok"."""

    def __init__(self, *errors: BaseException) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


def policy_on(clock: FakeClock, slept: list[float], **kw: Any) -> RetryPolicy:
    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        await clock.advance(timedelta(seconds=seconds))

    return RetryPolicy(sleep=sleep, **kw)


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (http_error(500), "transient"),
        (http_error(502), "transient"),
        (http_error(503), "transient"),
        (http_error(429), "transient"),
        (discord.RateLimited(30.0), "transient"),
        (aiohttp.ClientOSError(104, "reset"), "transient"),
        (aiohttp.ServerDisconnectedError(), "transient"),
        (TimeoutError(), "transient"),
        (http_error(403, 50013, "Missing Permissions"), "permanent"),
        (http_error(403, 50001, "Missing Access"), "permanent"),
        (http_error(404, 10003, "Unknown Channel"), "permanent"),
        (http_error(404, 10008, "Unknown Message"), "permanent"),
        (http_error(400, 50035, "Invalid Form Body"), "other"),
        (ValueError("bug"), "other"),
    ],
)
def test_classify(error: BaseException, kind: str) -> None:
    assert classify(error) == kind


async def test_transient_errors_are_retried_with_growing_waits() -> None:
    clock = FakeClock(T0)
    slept: list[float] = []
    op = Script(http_error(503), aiohttp.ClientOSError(104, "reset"), http_error(500))
    policy = policy_on(clock, slept, attempts=4, initial=1.0, maximum=8.0, jitter=0.5)
    assert await deliver(op, clock=clock, policy=policy) == "ok"
    assert op.calls == 4
    assert len(slept) == 3
    for n, wait in enumerate(slept):
        assert 2**n <= wait <= 2**n + 0.5  # exponential, plus jitter


async def test_permanent_errors_are_not_retried() -> None:
    clock = FakeClock(T0)
    slept: list[float] = []
    op = Script(http_error(403, 50013, "Missing Permissions"))
    with pytest.raises(discord.Forbidden):
        await deliver(op, clock=clock, policy=policy_on(clock, slept))
    assert (op.calls, slept) == (1, [])


async def test_other_errors_are_not_retried() -> None:
    clock = FakeClock(T0)
    slept: list[float] = []
    op = Script(http_error(400, 50035), http_error(400))
    with pytest.raises(discord.HTTPException):
        await deliver(op, clock=clock, policy=policy_on(clock, slept))
    assert op.calls == 1


async def test_gives_up_after_the_attempts() -> None:
    clock = FakeClock(T0)
    slept: list[float] = []
    op = Script(*[http_error(500)] * 10)
    with pytest.raises(discord.DiscordServerError):
        await deliver(op, clock=clock, policy=policy_on(clock, slept, attempts=3))
    assert op.calls == 3


async def test_never_past_the_deadline() -> None:
    clock = FakeClock(T0)
    slept: list[float] = []
    op = Script(*[http_error(503)] * 10)
    policy = policy_on(clock, slept, attempts=10, initial=1.0, maximum=8.0, jitter=0.0)
    with pytest.raises(TooLate) as caught:
        await deliver(op, clock=clock, policy=policy, deadline=T0 + timedelta(seconds=10))
    assert isinstance(caught.value.__cause__, discord.DiscordServerError)
    assert sum(slept) < 10  # waits 1, 2, 4; the next (8) would end after the deadline
    assert clock.now() < T0 + timedelta(seconds=10)
    assert op.calls == 4


async def test_a_passed_deadline_means_no_attempt() -> None:
    clock = FakeClock(T0)
    op = Script()
    with pytest.raises(TooLate):
        await deliver(op, clock=clock, deadline=T0 - timedelta(seconds=1))
    assert op.calls == 0


async def test_a_hanging_attempt_is_cut_off_and_retried() -> None:
    clock = FakeClock(T0)
    slept: list[float] = []
    hung = {"first": True}

    async def op() -> str:
        if hung.pop("first", False):
            import asyncio

            await asyncio.sleep(60)
        return "ok"

    policy = policy_on(clock, slept, attempt_timeout=0.01)
    assert await deliver(op, clock=clock, policy=policy) == "ok"
    assert len(slept) == 1


@settings(max_examples=40, deadline=None)
@given(
    failures=st.integers(min_value=0, max_value=12),
    window=st.integers(min_value=1, max_value=120),
    attempts=st.integers(min_value=1, max_value=8),
)
async def test_bounded_by_attempts_and_deadline(failures: int, window: int, attempts: int) -> None:
    clock = FakeClock(T0)
    slept: list[float] = []
    deadline = T0 + timedelta(seconds=window)
    op = Script(*[http_error(500)] * failures)
    policy = policy_on(clock, slept, attempts=attempts, initial=0.5, maximum=8.0, jitter=0.25)
    try:
        await deliver(op, clock=clock, policy=policy, deadline=deadline)
        succeeded = True
    except (TooLate, discord.DiscordServerError):
        succeeded = False
    assert op.calls <= attempts
    assert clock.now() < deadline  # no attempt ever starts at or after the deadline
    assert succeeded == (op.calls == failures + 1)


def test_refusal_names_the_permission_and_the_place() -> None:
    forbidden = http_error(403, 50013, "Missing Permissions")
    said = refusal(
        forbidden,
        action="post the phase announcement",
        place="<#42>",
        place_key=42,
        permissions=["Send Messages", "Embed Links"],
    )
    assert "**Send Messages** and **Embed Links**" in said.text
    assert "<#42>" in said.text and "post the phase announcement" in said.text
    gone = refusal(http_error(404, 10003, "Unknown Channel"), action="x", place="<#1>", place_key=1)
    assert "no longer exists" in gone.text
    access = refusal(
        http_error(403, 50001, "Missing Access"), action="x", place="<#1>", place_key=1
    )
    assert "**View Channel**" in access.text


def test_each_cause_is_told_once() -> None:
    told = Refusals()
    forbidden = http_error(403, 50013)
    first = refusal(forbidden, action="post", place="<#1>", place_key=1)
    again = refusal(forbidden, action="post a question", place="<#1>", place_key=1)
    elsewhere = refusal(forbidden, action="post", place="<#2>", place_key=2)
    assert told.first_time(first)
    assert not told.first_time(again)
    assert told.first_time(elsewhere)


async def test_each_paced_spaces_calls_and_retries_the_transient() -> None:
    clock = FakeClock(T0)
    slept: list[float] = []
    seen: list[int] = []
    flaky = {3: [http_error(503)]}

    async def add(student: int) -> None:
        errors = flaky.get(student)
        if errors:
            raise errors.pop()
        seen.append(student)

    policy = policy_on(clock, slept, initial=1.0, jitter=0.0)
    outcome = await each_paced(range(6), add, clock=clock, per_second=5, policy=policy)
    assert seen == [0, 1, 2, 3, 4, 5]
    assert (outcome.done, outcome.failed, outcome.stopped_by) == (6, [], None)
    assert slept.count(0.2) == 5  # five gaps of 1/5 s between six starts
    assert 1.0 in slept  # the 503 waited before its retry


async def test_each_paced_stops_at_the_first_refusal() -> None:
    clock = FakeClock(T0)
    slept: list[float] = []
    calls: list[int] = []

    async def add(student: int) -> None:
        calls.append(student)
        if student == 2:
            raise http_error(403, 50013, "Missing Permissions")

    outcome = await each_paced(range(60), add, clock=clock, policy=policy_on(clock, slept))
    assert calls == [0, 1, 2]  # 57 more would be refused the same way (and count as invalid)
    assert outcome.done == 2 and outcome.skipped == 57
    assert outcome.stopped_by is not None and outcome.stopped_by.code == 50013
