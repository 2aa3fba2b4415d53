"""Timers: every deadline of every session, persisted so a restart loses none."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, TimestampMixin
from bot.db.types import BigIntPK

TIMER_PENDING = "pending"
TIMER_DONE = "done"
TIMER_FAILED = "failed"
TIMER_CANCELLED = "cancelled"


class Timer(TimestampMixin, Base):
    """One deadline. `status` moves pending → done (handler succeeded), failed or cancelled.

    `key` is the caller's idempotency key ("session:12:phase:3:end"): scheduling the same key
    twice yields one timer.
    """

    __tablename__ = "timers"
    __table_args__ = (Index("ix_timers_status_due_at", "status", "due_at"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(64))
    due_at: Mapped[datetime] = mapped_column()
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("class_sessions.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default=TIMER_PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    fired_at: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(Text)
