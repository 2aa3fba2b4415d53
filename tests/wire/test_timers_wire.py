"""The timer service inside the running bot: restarts, lateness, retries, all on the fake clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.client import ParleyBot
from bot.clock import FakeClock
from cogs import EXTENSIONS
from tests.harness import WireHarness
from tests.parley_fixtures import ParleyFactory
from tests.wire.timer_probe import KIND

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
WITH_PROBE = (*EXTENSIONS, "tests.wire.timer_probe")


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def said(h: WireHarness) -> list[str]:
    return [m.content for m in h.sent_messages(h.world.plenary)]


async def schedule(h: WireHarness, what: str, due: datetime) -> None:
    bot: ParleyBot = h.bot  # type: ignore[assignment]
    await bot.timers.schedule(
        KIND, due, {"channel_id": h.world.plenary.id, "what": what}, key=f"probe:{what}"
    )


async def test_a_restart_resumes_timers_and_announces_overdue_ones_as_late(
    make_parley: ParleyFactory,
) -> None:
    clock = FakeClock(T0)
    first = await make_parley(clock=clock, extensions=WITH_PROBE)
    await schedule(first, "the vote", T0 + minutes(10))
    await schedule(first, "final statements", T0 + minutes(2))
    await clock.advance(minutes(1))
    assert said(first) == []

    await first.close()  # the laptop lid closes at 09:01 …
    await clock.advance(minutes(4))  # … and opens at 09:05
    second = await make_parley(restart_of=first, clock=clock, extensions=WITH_PROBE)
    await clock.advance(0)
    await second.settle()
    assert said(second) == ["Time for final statements (late: Parley was offline when it was due)."]

    await clock.advance(minutes(5) - timedelta(milliseconds=1))
    await second.settle()
    assert len(said(second)) == 1  # the vote is still 1 ms away
    await clock.advance(timedelta(milliseconds=1))
    await second.settle()
    assert said(second)[1:] == ["Time for the vote."]
    bot: ParleyBot = second.bot  # type: ignore[assignment]
    assert await bot.timers.pending() == []
    second.assert_no_pings()


async def test_an_earlier_timer_wakes_the_dispatcher_in_the_running_bot(
    make_parley: ParleyFactory,
) -> None:
    clock = FakeClock(T0)
    h = await make_parley(clock=clock, extensions=WITH_PROBE)
    bot: ParleyBot = h.bot  # type: ignore[assignment]
    await schedule(h, "the debrief", T0 + minutes(45))
    await clock.advance(0)
    assert bot.timers.sleeping_until == T0 + minutes(45)
    await schedule(h, "a warning", T0 + minutes(5))
    await clock.advance(minutes(5))
    await h.settle()
    assert said(h) == ["Time for a warning."]
    assert bot.timers.sleeping_until == T0 + minutes(45)


async def test_a_failing_handler_is_retried_and_only_then_marked_done(
    make_parley: ParleyFactory,
) -> None:
    clock = FakeClock(T0)
    h = await make_parley(clock=clock, extensions=WITH_PROBE)
    bot: ParleyBot = h.bot  # type: ignore[assignment]
    await schedule(h, "caucuses", T0 + minutes(1))
    h.api.fail("POST", "/channels/{channel_id}/messages", status=503, code=0, times=1)

    await clock.advance(minutes(1))
    await h.settle()
    assert said(h) == []
    stored = await bot.timers.get("probe:caucuses")
    assert stored is not None and (stored.status, stored.attempts) == ("pending", 1)

    await clock.advance(timedelta(seconds=1))  # the retry, 1 s later, gets through
    await h.settle()
    assert said(h) == ["Time for caucuses."]
    stored = await bot.timers.get("probe:caucuses")
    assert stored is not None and (stored.status, stored.attempts) == ("done", 2)
