"""Class sessions: one class running one scenario in one channel."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
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


class Participant(TimestampMixin, Base):
    """A member of a session: a student (with an actor once assigned) or a facilitator."""

    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("class_sessions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(Snowflake)
    display_name: Mapped[str] = mapped_column(String(100))
    actor_id: Mapped[str | None] = mapped_column(String(32))
    left_at: Mapped[datetime | None] = mapped_column()


class SessionChannel(TimestampMixin, Base):
    """A channel or thread that belongs to a session: what the transcript records, and why.

    kind: "plenary", "delegation" (actor_id set) or "caucus" (actors in `label`).
    """

    __tablename__ = "session_channels"

    channel_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("class_sessions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str | None] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(100), default="")
