"""What a transcript is made of: the records the listener produces, and the rows exports read.

Pure: no Discord, no database. The Discord adapter (`cogs/transcripts/capture.py`) turns messages
into these records; the writer stores them; the exporters (`bot/domain/transcript_formats.py`)
turn stored entries back into documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "CHANNEL_KINDS",
    "Attachment",
    "ChannelInfo",
    "IncomingMessage",
    "MessageDeletion",
    "MessageEdit",
    "Revision",
    "TranscriptEntry",
    "TranscriptOp",
    "snowflake_at",
]

CHANNEL_KINDS = ("plenary", "delegation", "caucus")

DISCORD_EPOCH_MS = 1_420_070_400_000


def snowflake_at(when: datetime) -> int:
    """The smallest Discord id created at `when`: "messages after this time" in history queries."""
    ms = int(when.astimezone(UTC).timestamp() * 1000)
    return max(0, (ms - DISCORD_EPOCH_MS) << 22)


@dataclass(frozen=True)
class ChannelInfo:
    """A channel or thread whose messages belong to a session's transcript."""

    channel_id: int
    session_id: int
    kind: str
    actor_id: str | None = None
    label: str = ""


@dataclass(frozen=True)
class Attachment:
    filename: str
    size: int
    content_type: str | None
    url: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "size": self.size,
            "content_type": self.content_type,
            "url": self.url,
        }


@dataclass(slots=True)
class IncomingMessage:
    """A message as Parley saw it arrive (or found it in channel history). Treat as immutable
    (not frozen only because a frozen dataclass is slower to build, once per message).

    `channel_actor_id` is the delegation of the thread it was posted in, used as the author's
    actor for students; otherwise the author's actor comes from the session's participants.
    """

    message_id: int
    session_id: int
    phase: str | None
    channel_id: int
    channel_kind: str
    author_id: int
    author_name: str
    channel_actor_id: str | None
    created_at: datetime
    content: str
    attachments: tuple[Attachment, ...] = ()
    reply_to_id: int | None = None
    is_facilitator: bool = False
    is_bot: bool = False
    edited_at: datetime | None = None


@dataclass(frozen=True)
class MessageEdit:
    """A new version of a message. `message` (the whole message) lets the writer store one it
    has not seen yet (posted while Parley was offline, edited after it came back)."""

    message_id: int
    content: str
    attachments: tuple[Attachment, ...]
    edited_at: datetime
    message: IncomingMessage | None = None


@dataclass(frozen=True)
class MessageDeletion:
    message_ids: tuple[int, ...]
    deleted_at: datetime


TranscriptOp = IncomingMessage | MessageEdit | MessageDeletion


@dataclass(frozen=True)
class Revision:
    """An earlier version of a message: its text until `replaced_at`."""

    content: str
    replaced_at: datetime
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class TranscriptEntry:
    """One stored message, as exports read it."""

    message_id: int
    session_id: int
    phase: str | None
    channel_id: int
    channel_kind: str
    channel_label: str
    author_id: int
    author_name: str
    actor_id: str | None
    created_at: datetime
    content: str
    attachments: tuple[Attachment, ...] = ()
    reply_to_id: int | None = None
    is_facilitator: bool = False
    is_bot: bool = False
    edited_at: datetime | None = None
    deleted_at: datetime | None = None
    revisions: tuple[Revision, ...] = field(default=())

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def role(self) -> str:
        if self.is_bot:
            return "bot"
        return "facilitator" if self.is_facilitator else "student"
