"""Engine settings and the UTC datetime type, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from bot.db.engine import Database
from bot.db.models import GuildConfig


async def test_sqlite_runs_in_wal_with_foreign_keys_and_busy_timeout(
    database: Database, backend: str
) -> None:
    if backend != "sqlite":
        pytest.skip("SQLite pragmas")
    async with database.engine.connect() as conn:
        assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() == 5000


async def test_datetimes_come_back_aware_utc(database: Database) -> None:
    tokyo = timezone(timedelta(hours=9))
    written = datetime(2019, 2, 28, 14, 5, 30, 123456, tzinfo=tokyo)
    async with database.transaction() as tx:
        tx.session.add(GuildConfig(guild_id=1, created_at=written, updated_at=written))

    async with database.transaction() as tx:
        config = await tx.guild_config.get(1)
        assert config is not None
        await tx.session.refresh(config)

    assert config.created_at.tzinfo is not None
    assert config.created_at.utcoffset() == timedelta(0)
    assert config.created_at == written
    assert config.created_at == datetime(2019, 2, 28, 5, 5, 30, 123456, tzinfo=UTC)


async def test_naive_datetimes_are_refused(database: Database) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        async with database.transaction() as tx:
            tx.session.add(
                GuildConfig(
                    guild_id=2, created_at=datetime(2019, 2, 28), updated_at=datetime.now(UTC)
                )
            )


async def test_snowflakes_above_32_bits_round_trip(database: Database) -> None:
    snowflake = 1_234_567_890_123_456_789
    async with database.transaction() as tx:
        config = await tx.guild_config.get_or_create(snowflake)
        config.facilitator_role_id = snowflake + 1
    async with database.transaction() as tx:
        stored = await tx.guild_config.get(snowflake)
        assert stored is not None and stored.facilitator_role_id == snowflake + 1


async def test_a_failed_unit_of_work_rolls_back(database: Database) -> None:
    with pytest.raises(RuntimeError):
        async with database.transaction() as tx:
            await tx.guild_config.get_or_create(3)
            raise RuntimeError("boom")
    async with database.transaction() as tx:
        assert await tx.guild_config.get(3) is None
