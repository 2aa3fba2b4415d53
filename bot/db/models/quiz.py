"""Quizzes: Leitner cards, solo quiz runs and their attempts, imported banks, class races and the
per-server leaderboard.

An item is named by a bank ("hanoi-2019" for a scenario's quiz, "trivia:<name>" for an imported
list) and an item id within it. Nothing here points at content rows, so editing a scenario pack
never breaks stored progress: an item that disappeared is skipped when read back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, TimestampMixin, utcnow
from bot.db.types import BigIntPK, Snowflake


class QuizCard(TimestampMixin, Base):
    """Where one student stands on one item: the Leitner box and when it is next due."""

    __tablename__ = "quiz_cards"
    __table_args__ = (
        UniqueConstraint("user_id", "bank", "item_id"),
        Index("ix_quiz_cards_user_due", "user_id", "due_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(Snowflake)
    bank: Mapped[str] = mapped_column(String(80))
    item_id: Mapped[str] = mapped_column(String(80))
    box: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column()
    last_reviewed_at: Mapped[datetime] = mapped_column()
    reviews: Mapped[int] = mapped_column(Integer, default=0)
    lapses: Mapped[int] = mapped_column(Integer, default=0)


class QuizRun(TimestampMixin, Base):
    """A solo quiz in progress (practice, review or readiness), so it survives a restart.

    `items` is the list of item keys ("bank/item") in the order asked; `position` the index of
    the question on screen. status: "active", "finished" or "replaced" (the student started
    another); an active run untouched for `RUN_IDLE_LIMIT` counts as expired.
    """

    __tablename__ = "quiz_runs"
    __table_args__ = (Index("ix_quiz_runs_user_status", "user_id", "status"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(Snowflake)
    guild_id: Mapped[int | None] = mapped_column(Snowflake)
    kind: Mapped[str] = mapped_column(String(16))
    label: Mapped[str] = mapped_column(String(200))
    items: Mapped[list[str]] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="active")
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuizAttempt(Base):
    """Every answer a student gave outside races. One per question of a run (unique)."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        UniqueConstraint("run_id", "position"),
        Index("ix_quiz_attempts_user_bank", "user_id", "bank"),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    user_id: Mapped[int] = mapped_column(Snowflake)
    guild_id: Mapped[int | None] = mapped_column(Snowflake)
    run_id: Mapped[int | None] = mapped_column(
        ForeignKey("quiz_runs.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    bank: Mapped[str] = mapped_column(String(80))
    item_id: Mapped[str] = mapped_column(String(80))
    answer: Mapped[str] = mapped_column(Text)
    correct: Mapped[bool] = mapped_column(Boolean)
    score: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(String(16))
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuizBank(TimestampMixin, Base):
    """An extra question bank imported from a file (a Red-DiscordBot trivia list)."""

    __tablename__ = "quiz_banks"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    source_format: Mapped[str] = mapped_column(String(32))
    source_file: Mapped[str] = mapped_column(String(255))
    author: Mapped[str | None] = mapped_column(String(200))
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class QuizBankItem(Base):
    """One question of an imported bank: its text and accepted answers."""

    __tablename__ = "quiz_bank_items"
    __table_args__ = (UniqueConstraint("bank_id", "item_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    bank_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_banks.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    question: Mapped[str] = mapped_column(Text)
    answers: Mapped[list[str]] = mapped_column(JSON)


class QuizRace(TimestampMixin, Base):
    """A class race in one channel; the stored state lets a restarted bot carry it on.

    state: "asking" (question `position` open until `deadline`), "closed" (points awarded,
    results not yet posted), "shown" (results posted), "finished". `accepting` is what an
    answer's conditional UPDATE tests, so no answer lands after its question closed.
    """

    __tablename__ = "quiz_races"
    __table_args__ = (
        Index("ix_quiz_races_channel_state", "channel_id", "state"),
        # One unfinished race per channel: two teachers pressing start at once get one race.
        Index(
            "uq_quiz_races_one_unfinished_per_channel",
            "channel_id",
            unique=True,
            sqlite_where=text("state != 'finished'"),
            postgresql_where=text("state != 'finished'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake, index=True)
    channel_id: Mapped[int] = mapped_column(Snowflake)
    started_by: Mapped[int] = mapped_column(Snowflake)
    label: Mapped[str] = mapped_column(String(200))
    items: Mapped[list[str]] = mapped_column(JSON)
    seconds: Mapped[int] = mapped_column(Integer)
    mode: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(16), default="asking")
    accepting: Mapped[bool] = mapped_column(Boolean, default=True)
    deadline: Mapped[datetime | None] = mapped_column()
    question_message_id: Mapped[int | None] = mapped_column(Snowflake)
    answer_count: Mapped[int] = mapped_column(Integer, default=0)
    stop_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    finished_at: Mapped[datetime | None] = mapped_column()


class QuizRaceAnswer(Base):
    """One student's one answer to one race question (the unique constraint enforces it)."""

    __tablename__ = "quiz_race_answers"
    __table_args__ = (UniqueConstraint("race_id", "position", "user_id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    race_id: Mapped[int] = mapped_column(ForeignKey("quiz_races.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(Snowflake)
    answer: Mapped[str] = mapped_column(Text)
    correct: Mapped[bool] = mapped_column(Boolean)
    score: Mapped[float] = mapped_column(Float)
    points: Mapped[int] = mapped_column(Integer, default=0)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuizLeaderboard(Base):
    """All-time race points per student per server, only ever changed by `points + n` upserts."""

    __tablename__ = "quiz_leaderboard"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    points: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    races: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
