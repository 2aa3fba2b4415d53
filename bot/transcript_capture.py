"""From discord.py messages to transcript records: the Discord side of transcripts.

Kept out of the cog so the listener, backfill and the ingest benchmark share one path, and cheap:
one dictionary lookup for channels no session records, and no database query per message (the
server's facilitator role is cached for `FACILITATOR_CACHE_TTL` seconds).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import TYPE_CHECKING

import discord

from bot.checks import member_has_facilitator_permissions, member_has_facilitator_role
from bot.domain.transcripts import Attachment, ChannelInfo, IncomingMessage, MessageEdit
from bot.services.transcripts import TranscriptService

if TYPE_CHECKING:
    from bot.client import ParleyBot

__all__ = ["RECORDED_TYPES", "TranscriptCapture"]

log = logging.getLogger(__name__)

# What people (and Parley) say; not "X joined the thread", pins and other system notices.
RECORDED_TYPES = frozenset(
    {
        discord.MessageType.default,
        discord.MessageType.reply,
        discord.MessageType.chat_input_command,
        discord.MessageType.context_menu_command,
    }
)
FACILITATOR_CACHE_TTL = 30.0


def _attachments(message: discord.Message) -> tuple[Attachment, ...]:
    return tuple(Attachment(a.filename, a.size, a.content_type, a.url) for a in message.attachments)


class TranscriptCapture:
    """Turns messages in recorded channels into records for the transcript writer."""

    def __init__(self, bot: ParleyBot, service: TranscriptService) -> None:
        self.bot = bot
        self.service = service
        self._roles: dict[int, tuple[float, int | None]] = {}

    async def _facilitator_role_id(self, guild_id: int) -> int | None:
        now = asyncio.get_running_loop().time()
        cached = self._roles.get(guild_id)
        if cached is not None and now - cached[0] < FACILITATOR_CACHE_TTL:
            return cached[1]
        settings = await self.bot.guild_config.get(guild_id)
        self._roles[guild_id] = (now, settings.facilitator_role_id)
        return settings.facilitator_role_id

    async def is_facilitator(self, author: discord.User | discord.Member) -> bool:
        if not isinstance(author, discord.Member) or author.bot:
            return False
        if member_has_facilitator_permissions(author):
            return True
        role_id = await self._facilitator_role_id(author.guild.id)
        return member_has_facilitator_role(author, role_id, self.bot.settings.facilitator_role)

    async def record_for(
        self, message: discord.Message, channel: ChannelInfo
    ) -> IncomingMessage | None:
        """The transcript record of `message`, or None for a system notice."""
        if message.type not in RECORDED_TYPES:
            return None
        author = message.author
        is_bot = author.bot
        is_facilitator = await self.is_facilitator(author)
        reference = message.reference
        return IncomingMessage(
            message_id=message.id,
            session_id=channel.session_id,
            phase=self.service.phase_for(channel.session_id),
            channel_id=channel.channel_id,
            channel_kind=channel.kind,
            author_id=author.id,
            author_name=author.display_name,
            # The thread's delegation speaks for students; facilitators and bots keep their own.
            channel_actor_id=None if (is_bot or is_facilitator) else channel.actor_id,
            created_at=message.created_at,
            content=message.content,
            attachments=_attachments(message),
            reply_to_id=reference.message_id if reference is not None else None,
            is_facilitator=is_facilitator,
            is_bot=is_bot,
            edited_at=message.edited_at,
        )

    async def on_message(self, message: discord.Message) -> bool:
        """Record a new message if its channel is recorded; True if it was."""
        channel = self.service.channel(message.channel.id)
        if channel is None:
            return False
        record = await self.record_for(message, channel)
        if record is None:
            return False
        self.service.record(record)
        return True

    async def on_edit(self, payload: discord.RawMessageUpdateEvent) -> bool:
        """A user's edit (not an embed appearing): the new text, the old kept as a revision."""
        channel = self.service.channel(payload.channel_id)
        if channel is None:
            return False
        data = payload.data
        if data.get("edited_timestamp") is None or "content" not in data:
            return False  # link previews and other updates the author did not make
        message = payload.message
        edited_at: datetime = message.edited_at or self.service.clock.now()
        self.service.record_edit(
            MessageEdit(
                message_id=message.id,
                content=message.content,
                attachments=_attachments(message),
                edited_at=edited_at,
                message=await self.record_for(message, channel),
            )
        )
        return True

    def on_delete(self, channel_id: int, message_ids: set[int] | list[int]) -> bool:
        if self.service.channel(channel_id) is None:
            return False
        self.service.record_deletion(sorted(message_ids))
        return True

    async def backfill(self) -> int:
        """Store what live sessions' channels received while Parley was offline: their history
        after the newest stored message. Idempotent, so messages also seen live count once."""
        stored = 0
        for info, after in await self.service.backfill_plan():
            channel = self.bot.get_channel(info.channel_id)
            try:
                if channel is None:
                    channel = await self.bot.fetch_channel(info.channel_id)
                if not isinstance(channel, discord.abc.Messageable):
                    continue
                async for message in channel.history(
                    limit=None, after=discord.Object(after), oldest_first=True
                ):
                    record = await self.record_for(message, info)
                    if record is not None:
                        self.service.record(record)
                        stored += 1
            except discord.Forbidden:
                log.warning(
                    "Cannot read the history of channel %s (session %s): give Parley "
                    "'Read Message History' there to fill gaps in the transcript",
                    info.channel_id,
                    info.session_id,
                )
            except discord.NotFound:
                log.warning("Channel %s of session %s is gone", info.channel_id, info.session_id)
            except discord.HTTPException:
                log.exception("Backfill of channel %s failed", info.channel_id)
        await self.service.flush()
        return stored
