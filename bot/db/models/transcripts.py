"""Transcripts: every message of a live session's channels and threads, with its edits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base
from bot.db.types import BigIntPK, Snowflake


class TranscriptMessage(Base):
    """One Discord message as the class saw it; `content` is the current text.

    Deleted messages keep their content (for the facilitator) and get `deleted_at`. Earlier
    versions of edited messages are in `transcript_revisions`.
    """

    __tablename__ = "transcript_messages"
    __table_args__ = (
        Index("ix_transcript_messages_session_id_message_id", "session_id", "message_id"),
        Index("ix_transcript_messages_channel_id_message_id", "channel_id", "message_id"),
    )

    message_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    session_id: Mapped[int] = mapped_column(ForeignKey("class_sessions.id", ondelete="CASCADE"))
    phase: Mapped[str | None] = mapped_column(String(64))
    channel_id: Mapped[int] = mapped_column(Snowflake)
    channel_kind: Mapped[str] = mapped_column(String(16))
    author_id: Mapped[int] = mapped_column(Snowflake)
    author_name: Mapped[str] = mapped_column(String(100))
    actor_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column()
    content: Mapped[str] = mapped_column(Text)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    reply_to_id: Mapped[int | None] = mapped_column(Snowflake)
    is_facilitator: Mapped[bool] = mapped_column(default=False)
    is_bot: Mapped[bool] = mapped_column(default=False)
    edited_at: Mapped[datetime | None] = mapped_column()
    deleted_at: Mapped[datetime | None] = mapped_column()


class TranscriptRevision(Base):
    """An earlier version of an edited message: its text until `replaced_at`."""

    __tablename__ = "transcript_revisions"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("transcript_messages.message_id", ondelete="CASCADE"), index=True
    )
    content: Mapped[str] = mapped_column(Text)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    replaced_at: Mapped[datetime] = mapped_column()
