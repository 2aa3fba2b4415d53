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
from cogs.common.retry import RetryPolicy
from tests.harness import WireHarness
from tests.harness import errors as harness_errors
from tests.harness.plugin import HarnessFactory

# Parley answers bad input by raising UserFacingError; the central handler turns it into a reply.
harness_errors.USER_ERROR_TYPES = (UserFacingError,)


TEST_RETRY_POLICY = RetryPolicy(
    attempts=4, initial=0.01, maximum=0.05, jitter=0.01, attempt_timeout=10.0, per_second=0
)
"""Retries of failed posts wait milliseconds in tests, and per-student steps are not paced (the
pacing has tests of its own: tests/cogs/test_retry.py, tests/wire/test_class_rest_calls.py)."""

TEST_CARD_EDIT_DELAY = 0.05
"""Session cards wait this long for more changes before an edit in tests (production: 0.75 s),
so each settle does not sleep; the debounce test uses the production value."""


class ParleyFactory(Protocol):
    def __call__(
        self,
        *,
        students: int | None = 3,
        extensions: Iterable[str] = EXTENSIONS,
        settings: Settings | None = None,
        restart_of: WireHarness | None = None,
        card_edit_delay: float | None = TEST_CARD_EDIT_DELAY,
        clock: Clock | None = None,
        **options: Any,
    ) -> Any: ...


@pytest.fixture(scope="session")
def scenarios() -> Mapping[str, Scenario]:
    return load_scenarios()


def parley_settings(tmp_path: Path, **overrides: Any) -> Settings:
    """Settings that ignore the developer's .env and environment-specific values.

    The daily retention sweep is off (``retention_days=0``): it is a timer, and a pending timer
    sleeps on a test's fake clock, which tests that wait for *their* sleeper would mistake for
    it. tests/services/test_privacy.py drives the sweep; tests/wire/test_privacy_wire.py turns
    it on to see it scheduled."""
    values: dict[str, Any] = {
        "data_dir": tmp_path,
        "discord_token": None,
        "dev_guild_id": None,
        "retention_days": 0,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


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
        restart_of: WireHarness | None = None,
        card_edit_delay: float | None = TEST_CARD_EDIT_DELAY,
        clock: Clock | None = None,
        **options: Any,
    ) -> WireHarness:
        """A Parley bot on the harness; ``restart_of=h`` stops h's bot and starts a new one
        on the same database and the same fake Discord (same guild, channels, messages).

        ``card_edit_delay=None`` keeps the production debounce of session-card edits;
        ``clock`` (a FakeClock) drives timers without waiting.
        """
        bot = ParleyBot(
            settings or parley_settings(tmp_path),
            parley_database,
            scenarios=scenarios,
            extensions=extensions,
            sync_on_start=False,
            clock=clock,
        )
        bot.retry_policy = TEST_RETRY_POLICY
        if card_edit_delay is not None:
            bot.session_flow.cards.delay = card_edit_delay
        start = options.pop("start", True)  # start=False: the test adjusts the bot, then starts
        start_options = {k: options.pop(k) for k in ("setup_hook", "ready") if k in options}
        if restart_of is None:
            h = await harness_factory(bot, students=students, start=False, **options)
        else:
            await restart_of.close()
            h = await harness_factory(
                bot, students=None, start=False, restart_of=restart_of, **options
            )
        # A batch of transcript rows in the SQLite writer process is work in progress.
        h.tasks.busy_checks.append(lambda: bot.transcripts.writer.writing)
        if start:
            await h.start(**start_options)
        return h

    yield make


@pytest_asyncio.fixture
async def parley(make_parley: ParleyFactory) -> WireHarness:
    """The whole bot, every extension, a classroom with three students."""
    harness: WireHarness = await make_parley()
    return harness
