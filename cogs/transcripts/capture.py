"""From discord.py messages to transcript records: the Discord side of transcripts.

Kept out of the cog so the live path, backfill and the ingest benchmark share one code path.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime
from typing import TYPE_CHECKING

import discord

from bot.domain.transcripts import Attachment, ChannelInfo, IncomingMessage, MessageEdit
from bot.services.transcripts import TranscriptService
from cogs.common.checks import member_has_facilitator_permissions

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
FACILITATOR_CACHE_TTL = 30.0  # seconds: a role given or taken shows within this
MEMBER_CACHE_LIMIT = 100_000


_now = time.monotonic


def _attachments(message: discord.Message) -> tuple[Attachment, ...]:
    return tuple(Attachment(a.filename, a.size, a.content_type, a.url) for a in message.attachments)


class TranscriptCapture:
    """Turns messages in recorded channels into records for the transcript writer.

    `observe()` is synchronous (it runs for every message the bot sees): one dictionary lookup
    for channels no session records; otherwise a few attribute reads. Who is a facilitator is
    decided without the database: Manage Server, or one of the server's facilitator roles (the
    configured one and those named like `FACILITATOR_ROLE`); the roles are cached per server and
    refreshed in the background, and each member's answer is kept for
    `FACILITATOR_CACHE_TTL` seconds.
    """

    def __init__(self, bot: ParleyBot, service: TranscriptService) -> None:
        self.bot = bot
        self.service = service
        self._roles: dict[int, tuple[float, frozenset[int]]] = {}
        self._members: dict[tuple[int, int], tuple[float, bool]] = {}
        self._refreshing: dict[int, asyncio.Task[None]] = {}

    # -- who is a facilitator -----------------------------------------------------------------

    async def refresh_facilitator_roles(self, guild_id: int) -> None:
        """Which roles make a facilitator in this server: the one set with `/parley config
        facilitator-role` and any named like `FACILITATOR_ROLE`."""
        try:
            settings = await self.bot.guild_config.get(guild_id)
            roles = set()
            if settings.facilitator_role_id is not None:
                roles.add(settings.facilitator_role_id)
            guild = self.bot.get_guild(guild_id)
            if guild is not None:
                wanted = self.bot.settings.facilitator_role.casefold()
                roles.update(r.id for r in guild.roles if r.name.casefold() == wanted)
            self._roles[guild_id] = (_now(), frozenset(roles))
        finally:
            self._refreshing.pop(guild_id, None)

    def _facilitator_roles(self, guild: discord.Guild) -> frozenset[int]:
        cached = self._roles.get(guild.id)
        if cached is not None and _now() - cached[0] < FACILITATOR_CACHE_TTL:
            return cached[1]
        # Refresh in the background (one query per server at a time); meanwhile answer from
        # what we knew, or from the role names alone.
        if guild.id not in self._refreshing:
            self._refreshing[guild.id] = asyncio.create_task(
                self.refresh_facilitator_roles(guild.id),
                name=f"parley-facilitator-roles:{guild.id}",
            )
        if cached is not None:
            return cached[1]
        wanted = self.bot.settings.facilitator_role.casefold()
        return frozenset(r.id for r in guild.roles if r.name.casefold() == wanted)

    def is_facilitator(self, author: discord.User | discord.Member) -> bool:
        if not isinstance(author, discord.Member) or author.bot:
            return False
        key = (author.guild.id, author.id)
        now = _now()
        cached = self._members.get(key)
        if cached is not None and now - cached[0] < FACILITATOR_CACHE_TTL:
            return cached[1]
        answer = member_has_facilitator_permissions(author) or any(
            author.get_role(r) is not None for r in self._facilitator_roles(author.guild)
        )
        if len(self._members) > MEMBER_CACHE_LIMIT:
            self._members.clear()
        self._members[key] = (now, answer)
        return answer

    # -- records ------------------------------------------------------------------------------

    def record_for(
        self, message: discord.Message, channel: ChannelInfo, *, from_history: bool = False
    ) -> IncomingMessage | None:
        """The transcript record of `message`, or None for a system notice. A message read from
        history (posted while Parley was offline) is filed under the phase running when it was
        posted; a live one under the current phase."""
        if message.type not in RECORDED_TYPES:
            return None
        author = message.author
        is_bot = author.bot
        is_facilitator = self.is_facilitator(author)
        reference = message.reference
        return IncomingMessage(
            message_id=message.id,
            session_id=channel.session_id,
            phase=(
                self.service.phase_at(channel.session_id, message.created_at)
                if from_history
                else self.service.phase_for(channel.session_id)
            ),
            channel_id=channel.channel_id,
            channel_kind=channel.kind,
            author_id=author.id,
            author_name=author.display_name,
            # The thread's delegation speaks for students; facilitators and bots keep their own.
            channel_actor_id=None if (is_bot or is_facilitator) else channel.actor_id,
            created_at=message.created_at,
            content=message.content,
            attachments=_attachments(message) if message.attachments else (),
            reply_to_id=reference.message_id if reference is not None else None,
            is_facilitator=is_facilitator,
            is_bot=is_bot,
            edited_at=message.edited_at,
        )

    def observe(self, message: discord.Message) -> None:
        """Record a new message if its channel is recorded."""
        channel = self.service.channel(message.channel.id)
        if channel is None:
            return
        record = self.record_for(message, channel)
        if record is not None:
            self.service.record(record)

    def on_edit(self, payload: discord.RawMessageUpdateEvent) -> bool:
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
                message=self.record_for(message, channel),
            )
        )
        return True

    def on_delete(self, channel_id: int, message_ids: set[int] | list[int]) -> bool:
        if self.service.channel(channel_id) is None:
            return False
        self.service.record_deletion(sorted(message_ids))
        return True

    async def warm(self) -> None:
        """Load the facilitator role of every server with a recorded channel (at start)."""
        guilds = set()
        for info in self.service.channels():
            channel = self.bot.get_channel(info.channel_id)
            guild = getattr(channel, "guild", None)
            if guild is not None:
                guilds.add(guild.id)
        for guild_id in guilds:
            await self.refresh_facilitator_roles(guild_id)

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
                    record = self.record_for(message, info, from_history=True)
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
