"""Rounds: where each session is in its plan, and every floor turn for the gradebook.

One `SessionRound` row per session holds the round as `bot.domain.round_state.Round` stores it:
the plan, the current phase, its clock, its floor and the caucus book, each as JSON (they are
small, always read and written whole, and their shape is the domain's). A restarted bot reads
this row and knows everything the class saw: the deadline is absolute, a pause keeps the exact
time left. `FloorTurn` rows are written once per finished turn (idempotent on session, phase and
turn number), so "seconds on the floor per student" is one SUM.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, TimestampMixin
from bot.db.types import BigIntPK, Snowflake


class SessionRound(TimestampMixin, Base):
    """A session's round. ``status``: "planning" (not started), "running" or "finished".

    ``phase_index`` (0-based) and ``clock`` are set while running. ``time_up_said``: "Time." was
    announced for the current phase and the class waits for the facilitator. ``plenary_lock``
    keeps the plenary's permission overwrite as it was before Parley locked it (to restore).
    """

    __tablename__ = "session_rounds"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("class_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[str] = mapped_column(String(16), default="planning")
    plan: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    phase_index: Mapped[int | None] = mapped_column(Integer)
    clock: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    floor: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    caucus_book: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    caucus_threads: Mapped[list[list[int]]] = mapped_column(JSON, default=list)
    time_up_said: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    warned: Mapped[list[list[Any]]] = mapped_column(JSON, default=list)
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    plenary_lock: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class FloorTurn(Base):
    """One finished turn on the floor: who, in which phase, for how long (pauses excluded).

    ``user_id`` is NULL for a delegation's turn in which no member spoke (it counts for the
    delegation only). ``number`` counts the turns of one phase from 0.
    """

    __tablename__ = "floor_turns"
    __table_args__ = (UniqueConstraint("session_id", "phase_index", "number"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("class_sessions.id", ondelete="CASCADE"), index=True
    )
    phase_index: Mapped[int] = mapped_column(Integer)
    phase_kind: Mapped[str] = mapped_column(String(32))
    number: Mapped[int] = mapped_column(Integer)
    actor_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int | None] = mapped_column(Snowflake)
    source: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime | None] = mapped_column()
    ended_at: Mapped[datetime] = mapped_column()
    granted_seconds: Mapped[int] = mapped_column(Integer)
    used_us: Mapped[int] = mapped_column(BigInteger)
