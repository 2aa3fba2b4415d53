"""Class sessions: one class running one scenario in one channel."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, TimestampMixin
from bot.db.types import BigIntPK, Snowflake


class ClassSession(TimestampMixin, Base):
    """One class running one scenario in one channel (the plenary)."""

    __tablename__ = "class_sessions"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake, index=True)
    channel_id: Mapped[int] = mapped_column(Snowflake, index=True)
    scenario_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_by: Mapped[int] = mapped_column(Snowflake)
    ended_at: Mapped[datetime | None] = mapped_column()
