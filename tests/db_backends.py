"""Test databases: real SQLite, and real PostgreSQL when PARLEY_TEST_POSTGRES_URL is set.

Each PostgreSQL test gets its own schema (created, migrated, dropped), so tests never see each
other's rows and a newcomer without PostgreSQL still gets a green SQLite run.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.db.engine import Database
from bot.db.migrate import upgrade

POSTGRES_ENV = "PARLEY_TEST_POSTGRES_URL"
BACKENDS = ("sqlite", "postgresql")


def postgres_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


def backend_params() -> list[object]:
    return [
        pytest.param("sqlite", id="sqlite"),
        pytest.param(
            "postgresql",
            id="postgresql",
            marks=[
                pytest.mark.postgres,
                pytest.mark.skipif(postgres_url() is None, reason=f"{POSTGRES_ENV} not set"),
            ],
        ),
    ]


@asynccontextmanager
async def empty_database(backend: str, tmp_path: Path) -> AsyncIterator[Database]:
    """A database with no tables yet, torn down afterwards."""
    if backend == "sqlite":
        database = Database(f"sqlite+aiosqlite:///{tmp_path / 'parley-test.sqlite3'}")
        try:
            yield database
        finally:
            await database.dispose()
        return

    base_url = postgres_url()
    assert base_url is not None
    schema = f"test_{secrets.token_hex(6)}"
    admin = create_async_engine(base_url)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    database = Database(base_url, connect_args={"server_settings": {"search_path": schema}})
    try:
        yield database
    finally:
        await database.dispose()
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


@asynccontextmanager
async def migrated_database(backend: str, tmp_path: Path) -> AsyncIterator[Database]:
    async with empty_database(backend, tmp_path) as database:
        await upgrade(database.engine)
        yield database
