"""Run Alembic migrations from inside Parley, and detect model/migration drift."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.base import Base
from bot.paths import MIGRATIONS_DIR


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def _run_alembic(engine: AsyncEngine, action: Callable[[Config], None]) -> None:
    """Hand Alembic our connection: `command.*` cannot start an event loop inside ours."""

    def _in_sync_context(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        action(config)

    async with engine.begin() as connection:
        await connection.run_sync(_in_sync_context)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the database to `revision` (all migrations by default)."""
    await _run_alembic(engine, lambda config: command.upgrade(config, revision))


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    await _run_alembic(engine, lambda config: command.downgrade(config, revision))


async def current_revision(engine: AsyncEngine) -> str | None:
    def _current(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as connection:
        return await connection.run_sync(_current)


async def drift(engine: AsyncEngine, metadata: MetaData = Base.metadata) -> list[Any]:
    """Differences between the models and a database migrated to head; empty means in step."""

    def _compare(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True, "render_as_batch": connection.dialect.name == "sqlite"},
        )
        return list(compare_metadata(context, metadata))

    async with engine.connect() as connection:
        return await connection.run_sync(_compare)
