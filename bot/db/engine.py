"""Engine and the one sessionmaker, with SQLite tuned for a bot that writes while it reads."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.db.diagnose import prepare_sqlite_folder
from bot.db.unit_of_work import Transaction, transaction

SQLITE_BUSY_TIMEOUT_MS = 5_000


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def backend_name(url: str) -> str:
    """'sqlite' or 'postgresql': what `/parley about` shows."""
    return make_url(url).get_backend_name()


def create_engine(
    url: str, *, echo: bool = False, connect_args: dict[str, Any] | None = None
) -> AsyncEngine:
    """Create the engine; for SQLite also check (or create) the file's folder and set the pragmas.

    Raises `DatabaseProblem` when the folder cannot hold the file (see `prepare_sqlite_folder`)."""
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"echo": echo, "connect_args": dict(connect_args or {})}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            prepare_sqlite_folder(Path(database))
        kwargs["connect_args"].setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_async_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """The one sessionmaker; objects stay usable after commit (`expire_on_commit=False`)."""
    return async_sessionmaker(engine, expire_on_commit=False)


class Database:
    """Owns the engine and sessionmaker for the life of the process."""

    def __init__(
        self, url: str, *, echo: bool = False, connect_args: dict[str, Any] | None = None
    ) -> None:
        self.url = url
        self.engine = create_engine(url, echo=echo, connect_args=connect_args)
        self.sessionmaker = create_sessionmaker(self.engine)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """One unit of work: commits when the block ends, rolls back on an exception."""
        async with transaction(self.sessionmaker) as tx:
            yield tx

    @property
    def backend(self) -> str:
        return backend_name(self.url)

    async def dispose(self) -> None:
        await self.engine.dispose()
