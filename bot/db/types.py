"""Column types shared by every model."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import BigInteger, DateTime, Dialect, Integer
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend.

    aiosqlite hands back naive datetimes for `DateTime(timezone=True)` while PostgreSQL hands back
    aware ones; normalising here means no other code ever sees a naive datetime.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given; use timezone-aware UTC")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            # SQLite stores text; one fixed format keeps ORDER BY and comparisons correct.
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        aware = cast(datetime, value)
        if aware.tzinfo is None:
            return aware.replace(tzinfo=UTC)
        return aware.astimezone(UTC)


# Discord snowflakes exceed 2**31: BIGINT everywhere (SQLite integers are 64-bit anyway).
Snowflake = BigInteger

# Surrogate keys: BIGINT on PostgreSQL, but plain INTEGER on SQLite so it is the ROWID alias and
# autoincrements (SQLite only does that for a column declared exactly INTEGER PRIMARY KEY).
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")
