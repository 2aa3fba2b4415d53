"""INSERT … ON CONFLICT on both backends (SQLite and PostgreSQL spell it the same in SQL, but
SQLAlchemy offers it per dialect)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def dialect_name(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def insert_for(session: AsyncSession, table: Table) -> Any:
    """`insert(table)` of the session's dialect, which has `on_conflict_do_nothing/update`."""
    return insert_for_dialect(dialect_name(session), table)


def insert_for_dialect(name: str, table: Table) -> Any:
    if name == "sqlite":
        return sqlite.insert(table)
    if name == "postgresql":
        return postgresql.insert(table)
    raise NotImplementedError(f"INSERT … ON CONFLICT is not available on {name}")
