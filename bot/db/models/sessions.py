"""Class sessions: one class running one scenario in one channel, its roster and its spaces.

The guarantees a class relies on are constraints here, not checks in Python:
- one live session per channel: ``live_channel_id`` is the channel while the session is live and
  NULL once it ended, under a UNIQUE constraint (NULLs never collide, on SQLite or PostgreSQL);
- a student joins a session once: UNIQUE(session_id, user_id);
- a place in a delegation goes to one student: UNIQUE(session_id, actor_id, seat);
- one delegation row (and so one private space) per actor: UNIQUE(session_id, actor_id).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, TimestampMixin
from bot.db.types import BigIntPK, Snowflake


class ClassSession(TimestampMixin, Base):
    """One class running one scenario in one channel (the plenary).

    status: "open" while live, "ended" afterwards. stage: "joining" (no actors yet),
    "self_pick" (students choose, within caps) or "assigned" (delegations settled; late joiners
    go to the smallest one).
    """

    __tablename__ = "class_sessions"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake, index=True)
    channel_id: Mapped[int] = mapped_column(Snowflake, index=True)
    scenario_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_by: Mapped[int] = mapped_column(Snowflake)
    ended_at: Mapped[datetime | None] = mapped_column()
    live_channel_id: Mapped[int | None] = mapped_column(Snowflake, unique=True)
    stage: Mapped[str] = mapped_column(String(16), default="joining", server_default="joining")
    seed: Mapped[int | None] = mapped_column(Integer)
    space_kind: Mapped[str] = mapped_column(String(16), default="thread", server_default="thread")
    card_message_id: Mapped[int | None] = mapped_column(Snowflake)
    record_cards: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    """False for an article-only class: public-record cards (and what rests on them) hidden."""


class Participant(TimestampMixin, Base):
    """A member of a session: a student (with an actor once assigned) or a facilitator who plays.

    ``seat`` numbers the places of a delegation (0, 1, …); NULL while no actor is assigned.
    ``left_at`` is set when the member leaves; their row stays so a rejoin is the same person.
    """

    __tablename__ = "participants"
    __table_args__ = (
        UniqueConstraint("session_id", "user_id"),
        UniqueConstraint("session_id", "actor_id", "seat"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("class_sessions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(Snowflake)
    display_name: Mapped[str] = mapped_column(String(100))
    actor_id: Mapped[str | None] = mapped_column(String(32))
    left_at: Mapped[datetime | None] = mapped_column()
    seat: Mapped[int | None] = mapped_column(Integer)
    is_facilitator: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class Delegation(TimestampMixin, Base):
    """One actor in one session: whether it is played, and where its delegation meets.

    status: "pending" before assignment, then "active" (played) or "absent" (a small class
    leaves it out). ``space_channel_id`` is the private thread or channel, ``role_id`` the optional
    Discord role; both are set once, by whoever creates them first.
    """

    __tablename__ = "delegations"
    __table_args__ = (UniqueConstraint("session_id", "actor_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("class_sessions.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    space_channel_id: Mapped[int | None] = mapped_column(Snowflake)
    role_id: Mapped[int | None] = mapped_column(Snowflake)


class SessionChannel(TimestampMixin, Base):
    """A channel or thread that belongs to a session: what the transcript records, and why.

    kind: "plenary", "delegation" (actor_id set) or "caucus" (actors in `label`). The key is
    (channel, session): a class channel hosts a new session every week.
    """

    __tablename__ = "session_channels"

    channel_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("class_sessions.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
        index=True,
    )
    kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str | None] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(100), default="")
