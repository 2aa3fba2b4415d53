"""The real Alembic migrations, on SQLite and PostgreSQL."""

from __future__ import annotations

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
