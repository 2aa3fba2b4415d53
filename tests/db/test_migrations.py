"""The real Alembic migrations, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import MetaData

from bot.db.base import Base
from bot.db.engine import Database
from bot.db.migrate import current_revision, downgrade, drift, head_revision, upgrade
from tests.db_backends import empty_database


async def test_upgrade_reaches_head_and_matches_models(database: Database) -> None:
    assert await current_revision(database.engine) == head_revision()
    assert await drift(database.engine) == []


async def test_downgrade_to_base_and_up_again(backend: str, tmp_path: Path) -> None:
    async with empty_database(backend, tmp_path) as database:
        await upgrade(database.engine)
        await downgrade(database.engine, "base")
        assert await current_revision(database.engine) is None
        await upgrade(database.engine)
        assert await current_revision(database.engine) == head_revision()


async def test_upgrade_twice_is_a_no_op(database: Database) -> None:
    await upgrade(database.engine)
    assert await current_revision(database.engine) == head_revision()


async def test_drift_is_detected_when_a_model_changes_without_a_migration(
    database: Database,
) -> None:
    changed = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["guild_config"].append_column(sa.Column("new_setting", sa.Integer()))

    differences = await drift(database.engine, changed)

    assert any(
        diff[0] == "add_column" and diff[3].name == "new_setting"
        for diff in differences
        if isinstance(diff, tuple)
    ), differences


async def test_drift_is_detected_when_a_table_has_no_migration(database: Database) -> None:
    changed = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(changed)
    sa.Table("unmigrated", changed, sa.Column("id", sa.Integer, primary_key=True))

    differences = await drift(database.engine, changed)

    assert any(d[0] == "add_table" and d[1].name == "unmigrated" for d in differences), differences


async def test_one_unfinished_race_per_channel_survives_old_duplicates(
    backend: str, tmp_path: Path
) -> None:
    """Before the unique index, two races could start in one channel at once; upgrading ends
    all but the newest instead of failing to build the index."""
    async with empty_database(backend, tmp_path) as database:
        await upgrade(database.engine, "de2f3ea18bb4")
        insert = sa.text(
            "INSERT INTO quiz_races (id, guild_id, channel_id, started_by, label, items, seconds, "
            "mode, position, state, accepting, answer_count, stop_requested, created_at, "
            "updated_at) VALUES (:id, 1, :channel, 3, 'race', '[]', 30, 'all', 0, :state, "
            ":accepting, 0, :false, :now, :now)"
        )
        now = "2026-11-29 10:00:00.000000" if backend == "sqlite" else datetime.now(UTC)
        rows = [(1, 7, "asking"), (2, 7, "shown"), (3, 7, "finished"), (4, 8, "asking")]
        async with database.engine.begin() as conn:
            for race_id, channel, state in rows:
                await conn.execute(
                    insert,
                    {
                        "id": race_id,
                        "channel": channel,
                        "state": state,
                        "accepting": state == "asking",
                        "false": False,
                        "now": now,
                    },
                )
        await upgrade(database.engine)
        async with database.engine.begin() as conn:
            states = (await conn.execute(sa.text("SELECT id, state FROM quiz_races"))).all()
        assert sorted(states) == [(1, "finished"), (2, "shown"), (3, "finished"), (4, "asking")]
