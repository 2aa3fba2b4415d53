"""Every extension loads, and no two commands share a name."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

import pytest
from discord import app_commands

from bot.client import ParleyBot
from bot.content.models import Scenario
from bot.db.engine import Database
from cogs import EXTENSIONS
from tests.parley_fixtures import parley_settings


def walk(command: app_commands.Command | app_commands.Group) -> list[str]:  # type: ignore[type-arg]
    names = [command.qualified_name]
    if isinstance(command, app_commands.Group):
        for child in command.commands:
            names += walk(child)
    return names


@pytest.fixture
async def loaded_bot(tmp_path: Path, scenarios: Mapping[str, Scenario]) -> AsyncIterator[ParleyBot]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}")
    bot = ParleyBot(
        parley_settings(tmp_path),
        database,
        scenarios=scenarios,
        sync_on_start=False,
    )
    await bot._async_setup_hook()
    await bot.setup_hook()
    yield bot
    await bot.close()
    await database.dispose()


async def test_every_extension_loads(loaded_bot: ParleyBot) -> None:
    assert loaded_bot.failed_extensions == {}
    assert set(loaded_bot.extensions) == set(EXTENSIONS)


async def test_no_command_name_collisions(loaded_bot: ParleyBot) -> None:
    names: list[str] = []
    for command in loaded_bot.tree.get_commands():
        names += walk(command)  # type: ignore[arg-type]
    duplicates = [name for name, count in Counter(names).items() if count > 1]
    assert duplicates == []
    assert len(loaded_bot.tree.get_commands()) <= 100  # Discord's limit of top-level commands


async def test_a_broken_extension_is_logged_and_the_others_still_load(
    tmp_path: Path, scenarios: object
) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}")
    bot = ParleyBot(
        parley_settings(tmp_path),
        database,
        scenarios=scenarios,  # type: ignore[arg-type]
        extensions=("cogs.does_not_exist", *EXTENSIONS),
        sync_on_start=False,
    )
    await bot._async_setup_hook()
    await bot.setup_hook()
    try:
        assert list(bot.failed_extensions) == ["cogs.does_not_exist"]
        assert set(bot.extensions) == set(EXTENSIONS)
    finally:
        await bot.close()
        await database.dispose()
