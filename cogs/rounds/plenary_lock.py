"""The plenary lock: between phases only facilitators (and Parley) may write in the plenary.
The channel's overwrites before the lock are stored, and restored exactly when it lifts."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.services.rounds import RoundContext, RoundUpdate
from cogs.sessions.delegation_spaces import Notices

if TYPE_CHECKING:
    from bot.client import ParleyBot

log = logging.getLogger(__name__)


class PlenaryLock:
    def __init__(self, bot: ParleyBot) -> None:
        self.bot = bot

    async def apply(self, update: RoundUpdate, notices: Notices) -> bool:
        wanted = update.round.plenary_locked()
        if wanted == update.plenary_locked:
            return wanted
        context = update.context
        saved = await self.bot.rounds.plenary_lock(context.session_id)
        if wanted == (saved is not None):
            return wanted
        guild = self.bot.get_guild(context.guild_id)
        channel = guild.get_channel(context.channel_id) if guild else None
        if guild is None or not isinstance(channel, discord.TextChannel):
            return False
        if wanted:
            saved = await self._lock(guild, channel, context, notices)
            await self.bot.rounds.set_plenary_lock(context.session_id, saved)
            return saved is not None
        assert saved is not None
        await self._unlock(guild, channel, saved)
        await self.bot.rounds.set_plenary_lock(context.session_id, None)
        return False

    async def _lock(
        self,
        guild: discord.Guild,
        channel: discord.TextChannel,
        context: RoundContext,
        notices: Notices,
    ) -> dict[str, Any] | None:
        perms = channel.permissions_for(guild.me)
        missing = [
            name
            for name, has in (
                ("Manage Channels", perms.manage_channels),
                ("Manage Permissions", perms.manage_roles),
            )
            if not has
        ]
        if missing:
            notices.add(
                f"Parley can't lock {channel.mention} between phases: it needs "
                f"{' and '.join(f'**{m}**' for m in missing)} there. The plenary stays open."
            )
            return None
        targets: list[tuple[discord.Role | discord.Member, bool]] = [(guild.me, True)]
        creator = guild.get_member(context.created_by)
        if creator is not None:
            targets.append((creator, True))
        config = await self.bot.guild_config.get(guild.id)
        wanted_name = self.bot.settings.facilitator_role.casefold()
        for role in guild.roles:
            if role.id == config.facilitator_role_id or role.name.casefold() == wanted_name:
                targets.append((role, True))
        targets.append((guild.default_role, False))
        saved: list[list[Any]] = []
        try:
            for target, allowed in targets:
                overwrite = channel.overwrites_for(target)
                saved.append(
                    [
                        "role" if isinstance(target, discord.Role) else "member",
                        target.id,
                        overwrite.send_messages,
                    ]
                )
                overwrite.update(send_messages=allowed)
                await channel.set_permissions(
                    target, overwrite=overwrite, reason="Parley: between phases"
                )
        except discord.HTTPException:
            notices.add(f"Discord refused to lock {channel.mention}; the plenary stays open.")
            await self._unlock(guild, channel, {"targets": saved})
            return None
        return {"targets": saved}

    async def _unlock(
        self, guild: discord.Guild, channel: discord.TextChannel, saved: dict[str, Any]
    ) -> None:
        for kind, target_id, before in reversed(saved.get("targets", [])):
            target: discord.Role | discord.Member | None = (
                guild.get_role(int(target_id))
                if kind == "role"
                else guild.get_member(int(target_id))
            )
            if target is None:
                continue  # the role or member is gone, and its overwrite with it
            overwrite = channel.overwrites_for(target)
            overwrite.update(send_messages=before)
            try:
                await channel.set_permissions(
                    target,
                    overwrite=None if overwrite.is_empty() else overwrite,
                    reason="Parley: the next phase starts",
                )
            except discord.HTTPException:
                log.warning("Could not restore %s's overwrite in %s", target_id, channel.id)
