"""pytest plugin: ``pytest_plugins = ["tests.harness.plugin"]`` in ``tests/conftest.py``.

Fixtures
--------
``harness_factory``
    ``h = await harness_factory(bot, students=3)`` builds the standard classroom world
    (``h.world``), starts the harness (``setup_hook`` + READY by default) and returns
    it. At teardown every harness is closed: tasks settled then cancelled, the bot
    closed, patches undone, and unexpected handler errors raised.
    ``harness_factory(new_bot, store_from=h)`` is a restart: the new bot connects to the
    same fake Discord (world, channels, message history) as ``h``; close ``h`` first.
``intents``
    ``discord.Intents`` with guilds, members, messages and message_content on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable
from typing import Any, Protocol

import discord
import pytest
import pytest_asyncio

from .driver import WireHarness
from .world import classroom


class HarnessFactory(Protocol):
    def __call__(
        self,
        bot: discord.Client,
        *,
        students: int | None = 3,
        start: bool = True,
        setup_hook: bool = True,
        ready: bool = True,
        **options: Any,
    ) -> Awaitable[WireHarness]: ...


def default_intents() -> discord.Intents:
    intents = discord.Intents.default()
    intents.members = True
    intents.guilds = True
    intents.messages = True
    intents.message_content = True
    return intents


@pytest.fixture
def intents() -> discord.Intents:
    return default_intents()


@pytest_asyncio.fixture
async def harness_factory() -> AsyncIterator[HarnessFactory]:
    made: list[WireHarness] = []

    async def make(
        bot: discord.Client,
        *,
        students: int | None = 3,
        start: bool = True,
        setup_hook: bool = True,
        ready: bool = True,
        **options: Any,
    ) -> WireHarness:
        h = WireHarness(bot, **options)
        made.append(h)
        if students is not None and not (options.get("store_from") or options.get("restart_of")):
            classroom(h, students=students)  # a restart shares the first harness's world
        if start:
            await h.start(setup_hook=setup_hook, ready=ready)
        return h

    yield make
    errors: list[BaseException] = []
    for h in reversed(made):
        try:
            await h.close()
        except BaseException as exc:
            errors.append(exc)
    if errors:
        raise errors[0]
