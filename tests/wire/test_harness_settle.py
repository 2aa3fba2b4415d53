"""settle() waits on the bot's work, not on the wall clock (tests/harness/tasks.py).

Each test makes the bot wait, before it answers, for work done outside the event loop for much
longer than the harness's quiet period (50 ms): a slow SQLite query in aiosqlite's thread, an
executor job, another process (a busy check). A harness that guessed "idle" from a quiet
period would return before the answer and these tests would fail.
"""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
import discord
import pytest
from discord.ext import commands

from bot.client import ParleyBot
from bot.clock import FakeClock
from cogs import EXTENSIONS
from tests.harness import SettleTimeout, WireHarness
from tests.harness.plugin import HarnessFactory
from tests.parley_fixtures import ParleyFactory
from tests.wire.timer_probe import KIND

SLOW = 0.4  # seconds: eight quiet periods
T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def slow_one() -> int:
    time.sleep(SLOW)
    return 1


async def slow_query(path: Path) -> int:
    """A query whose SQL function sleeps in aiosqlite's worker thread."""
    async with aiosqlite.connect(path) as db:
        await db.create_function("slow_one", 0, slow_one)
        async with db.execute("SELECT slow_one()") as cursor:
            row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


async def test_settle_waits_for_a_slow_database_thread(
    harness_factory: HarnessFactory, intents: discord.Intents, tmp_path: Path
) -> None:
    bot = commands.Bot(command_prefix="!", intents=intents)

    @bot.tree.command(name="count")
    async def count(interaction: discord.Interaction) -> None:
        value = await slow_query(tmp_path / "slow.sqlite3")
        await interaction.response.send_message(f"counted {value}")

    h = await harness_factory(bot)
    r = await h.slash(h.world.students[0], "count")
    assert r.response.content == "counted 1"


async def test_settle_waits_for_database_work_of_background_tasks(
    harness_factory: HarnessFactory, intents: discord.Intents, tmp_path: Path
) -> None:
    """A background task (never waited for while it sleeps) is waited for while its query
    runs: what it does with the answer - here, post a message - is what the test expects."""
    bot = commands.Bot(command_prefix="!", intents=intents)
    wake = asyncio.Event()

    async def announcer(h: WireHarness) -> None:
        while True:
            await wake.wait()
            wake.clear()
            value = await slow_query(tmp_path / "slow.sqlite3")
            channel = bot.get_channel(h.world.plenary.id)
            assert isinstance(channel, discord.TextChannel)
            await channel.send(f"background counted {value}")

    @bot.tree.command(name="nudge")
    async def nudge(interaction: discord.Interaction) -> None:
        wake.set()
        await interaction.response.send_message("nudged", ephemeral=True)

    h = await harness_factory(bot)
    background = asyncio.create_task(announcer(h), name="parley-bg:announcer")
    await h.settle()
    await h.slash(h.world.students[0], "nudge")
    said = [m.content for m in h.sent_messages(h.world.plenary, include_interactions=False)]
    assert said == ["background counted 1"]
    assert not background.done()


async def test_settle_waits_for_executor_jobs(
    harness_factory: HarnessFactory, intents: discord.Intents
) -> None:
    bot = commands.Bot(command_prefix="!", intents=intents)

    @bot.tree.command(name="render")
    async def render(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        value = await asyncio.to_thread(slow_one)
        await interaction.followup.send(f"rendered {value}")

    h = await harness_factory(bot)
    r = await h.slash(h.world.students[0], "render")
    assert [m.content for m in r.followups] == ["rendered 1"]


async def test_busy_checks_keep_settle_waiting(
    harness_factory: HarnessFactory, intents: discord.Intents
) -> None:
    """Work in another process is declared with a busy check (Parley: its SQLite writer)."""
    bot = commands.Bot(command_prefix="!", intents=intents)
    done = threading.Event()
    finished: list[str] = []

    def other_process() -> None:
        time.sleep(SLOW)
        done.set()

    async def collect() -> None:
        while not done.is_set():  # noqa: ASYNC110 (polls what another process reports)
            await asyncio.sleep(0.001)
        finished.append("stored")

    collecting: list[asyncio.Task[None]] = []

    @bot.tree.command(name="store")
    async def store(interaction: discord.Interaction) -> None:
        threading.Thread(target=other_process).start()
        collecting.append(asyncio.create_task(collect(), name="parley-bg:collect"))
        await interaction.response.send_message("storing", ephemeral=True)

    h = await harness_factory(bot)
    h.tasks.busy_checks.append(lambda: not done.is_set())
    await h.slash(h.world.students[0], "store")
    assert done.is_set()
    await h.settle()
    assert finished == ["stored"]


async def test_a_real_hang_is_reported_with_what_is_pending(
    harness_factory: HarnessFactory, intents: discord.Intents
) -> None:
    """The wall-clock limit is a safety net only; when it trips it names the culprits."""
    bot = commands.Bot(command_prefix="!", intents=intents)
    release = threading.Event()

    @bot.tree.command(name="hang")
    async def hang(interaction: discord.Interaction) -> None:
        await asyncio.to_thread(release.wait)
        await interaction.response.send_message("released")

    h = await harness_factory(bot, settle_timeout=0.3)
    try:
        with pytest.raises(SettleTimeout) as caught:
            await h.slash(h.world.students[0], "hang")
    finally:
        release.set()  # the thread ends, whatever happened
    message = str(caught.value)
    assert "CommandTree-invoker" in message
    assert "executor: Event.wait" in message
    h.settle_timeout = 120.0
    await h.settle()


async def test_settle_waits_for_timers_due_on_the_fake_clock(make_parley: ParleyFactory) -> None:
    """A timer that is due when scheduled is fired by the bot's background dispatcher (never
    waited for while it sleeps): settle() waits for its database reload and for the handler
    it spawns, with no clock.advance() and no polling in the test."""
    clock = FakeClock(T0)
    h = await make_parley(clock=clock, extensions=(*EXTENSIONS, "tests.wire.timer_probe"))
    bot = h.bot
    assert isinstance(bot, ParleyBot)
    for n in range(3):
        await bot.timers.schedule(
            KIND, T0, {"channel_id": h.world.plenary.id, "what": f"item {n}"}, key=f"now:{n}"
        )
        await h.settle()
        said = [m.content for m in h.sent_messages(h.world.plenary)]
        assert said == [f"Time for item {i}." for i in range(n + 1)]
