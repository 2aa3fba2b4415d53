"""Fixtures that put the real Parley bot on the wire-level harness.

`make_parley()` builds a ParleyBot on a migrated SQLite file database (shared by every bot made in
the same test) and starts it in the classroom world. `make_parley(restart_of=h)` is a restart:
`h`'s bot shuts down and a new one connects to the same database *and* the same fake Discord
(messages posted meanwhile with `h.post_while_offline(...)` are in channel history). Pass
`clock=FakeClock(...)` to drive timers. Tests drive the bot through `tests.harness` and assert on
what it sent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

import pytest
import pytest_asyncio

from bot.client import ParleyBot
from bot.clock import Clock
from bot.content.loader import load_scenarios
from bot.content.models import Scenario
from bot.db.engine import Database
from bot.db.migrate import upgrade
from bot.errors import UserFacingError
from bot.settings import Settings
from cogs import EXTENSIONS
from tests.harness import WireHarness
from tests.harness import errors as harness_errors
from tests.harness.plugin import HarnessFactory

# Parley answers bad input by raising UserFacingError; the central handler turns it into a reply.
harness_errors.USER_ERROR_TYPES = (UserFacingError,)


class ParleyFactory(Protocol):
    def __call__(
        self,
        *,
        students: int | None = 3,
        extensions: Iterable[str] = EXTENSIONS,
        settings: Settings | None = None,
        clock: Clock | None = None,
        restart_of: WireHarness | None = None,
        **options: Any,
    ) -> Any: ...


@pytest.fixture(scope="session")
def scenarios() -> Mapping[str, Scenario]:
    return load_scenarios()


def parley_settings(tmp_path: Path, **overrides: Any) -> Settings:
    """Settings that ignore the developer's .env and environment-specific values."""
    values: dict[str, Any] = {"data_dir": tmp_path, "discord_token": None, "dev_guild_id": None}
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest_asyncio.fixture
async def parley_database(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'parley.sqlite3'}")
    await upgrade(database.engine)
    yield database
    await database.dispose()


@pytest_asyncio.fixture
async def make_parley(
    harness_factory: HarnessFactory,
    parley_database: Database,
    scenarios: Mapping[str, Scenario],
    tmp_path: Path,
) -> AsyncIterator[ParleyFactory]:
    async def make(
        *,
        students: int | None = 3,
        extensions: Iterable[str] = EXTENSIONS,
        settings: Settings | None = None,
        clock: Clock | None = None,
        restart_of: WireHarness | None = None,
        **options: Any,
    ) -> WireHarness:
        """`restart_of=h`: shut `h`'s bot down (if it still runs), then start a new bot on the
        same database and the same fake Discord, as after a restart."""
        if restart_of is not None:
            await restart_of.close()
            options["store_from"] = restart_of
        bot = ParleyBot(
            settings or parley_settings(tmp_path),
            parley_database,
            scenarios=scenarios,
            extensions=extensions,
            sync_on_start=False,
            clock=clock,
        )
        return await harness_factory(bot, students=students, **options)

    yield make


@pytest_asyncio.fixture
async def parley(make_parley: ParleyFactory) -> WireHarness:
    """The whole bot, every extension, a classroom with three students."""
    harness: WireHarness = await make_parley()
    return harness
