"""Each delegation's private space (a thread, or a channel) and its optional Discord role.

Spaces are made lazily, the first time a delegation gets a member, and recorded in the database
(`SessionService.attach_space`), so a restart reuses them. A lock per delegation stops thirty
simultaneous picks from opening thirty threads. When Parley lacks a permission it says which one,
for the facilitator, and carries on: assignment and `/brief` work without any space at all.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import discord

from bot.content.models import Actor, Scenario
from bot.services.sessions import DelegationInfo, Move, SessionInfo
from cogs.common.interactions import NO_MENTIONS
from cogs.common.pages import full_brief_messages, open_pages_view
from cogs.common.retry import each_paced

if TYPE_CHECKING:
    from bot.client import ParleyBot

log = logging.getLogger(__name__)

THREAD_ARCHIVE_MINUTES: Literal[10080] = 10080  # a week: a session may span several lessons
SpaceChannel = discord.Thread | discord.TextChannel


@dataclass
class Notices:
    """Things the facilitator should know (a missing permission), said once per session."""

    items: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        if text not in self.items:
            self.items.append(text)


def _perm_names(names: Iterable[str]) -> str:
    return ", ".join(f"**{n.replace('_', ' ').title()}**" for n in names)


class DelegationSpaces:
    def __init__(self, bot: ParleyBot) -> None:
        self.bot = bot
        self._locks: defaultdict[tuple[int, str], asyncio.Lock] = defaultdict(asyncio.Lock)

    # --- lookups -----------------------------------------------------------------------------

    def _guild(self, session: SessionInfo) -> discord.Guild | None:
        return self.bot.get_guild(session.guild_id)

    def _plenary(self, guild: discord.Guild, session: SessionInfo) -> discord.TextChannel | None:
        channel = guild.get_channel(session.channel_id)
        return channel if isinstance(channel, discord.TextChannel) else None

    async def channel(self, channel_id: int) -> SpaceChannel | None:
        found = self.bot.get_channel(channel_id)
        if isinstance(found, discord.Thread | discord.TextChannel):
            return found
        try:
            fetched = await self.bot.fetch_channel(channel_id)
        except (discord.NotFound, discord.Forbidden):
            return None
        return fetched if isinstance(fetched, discord.Thread | discord.TextChannel) else None

    async def _member(self, guild: discord.Guild, user_id: int) -> discord.Member | None:
        member = guild.get_member(user_id)
        if member is not None:
            return member
        try:
            return await guild.fetch_member(user_id)
        except discord.HTTPException:
            return None

    # --- mirroring assignment ----------------------------------------------------------------

    async def sync(
        self, session: SessionInfo, moves: Sequence[Move], notices: Notices
    ) -> dict[str, int]:
        """Mirror actor changes in spaces and roles; returns actor → space channel id."""
        guild = self._guild(session)
        if guild is None:
            return {}
        scenario = self.bot.sessions.scenario(session.scenario_id)
        roster = await self.bot.sessions.roster(session.id)
        by_actor = {d.actor_id: d for d in roster.delegations}
        changed = [m for m in moves if m.changed]
        for move in changed:
            if move.old_actor is not None:
                await self._remove(guild, session, by_actor[move.old_actor], move.user_id, notices)
        arrivals: dict[str, list[int]] = defaultdict(list)
        for move in changed:
            if move.new_actor is not None:
                arrivals[move.new_actor].append(move.user_id)
        spaces: dict[str, int] = {}
        for actor_id, user_ids in arrivals.items():
            delegation = by_actor[actor_id]
            space = await self.ensure(session, scenario, delegation, notices)
            role = await self._ensure_role(guild, session, scenario, delegation, notices)
            if space is not None:
                await self._add(space, guild, user_ids, scenario.actor(actor_id), notices)
            if role is not None:
                await self._give_role(guild, role, user_ids, scenario.actor(actor_id), notices)
            if space is not None:
                spaces[actor_id] = space.id
                await self._welcome(space, scenario.actor(actor_id), user_ids, notices)
        for actor_id, delegation in by_actor.items():
            if delegation.space_channel_id is not None:
                spaces.setdefault(actor_id, delegation.space_channel_id)
        return spaces

    async def ensure(
        self,
        session: SessionInfo,
        scenario: Scenario,
        delegation: DelegationInfo,
        notices: Notices,
    ) -> SpaceChannel | None:
        """The delegation's space, created (with the brief posted in it) if it has none yet."""
        async with self._locks[(session.id, delegation.actor_id)]:
            fresh = (await self.bot.sessions.roster(session.id)).delegation(delegation.actor_id)
            if fresh.space_channel_id is not None:
                return await self.channel(fresh.space_channel_id)
            guild = self._guild(session)
            plenary = self._plenary(guild, session) if guild else None
            if guild is None or plenary is None:
                return None
            actor = scenario.actor(delegation.actor_id)
            space = await self._create(guild, plenary, session, actor, notices)
            if space is None:
                return None
            label = f"{actor.name} delegation"
            if not await self.bot.sessions.attach_space(session.id, actor.id, space.id, label):
                # Another Parley process made one first: keep theirs.
                await self._discard(space)
                existing = (await self.bot.sessions.roster(session.id)).delegation(actor.id)
                return await self.channel(existing.space_channel_id or 0)
            await self._post_brief(space, scenario, actor, notices)
            return space

    async def _create(
        self,
        guild: discord.Guild,
        plenary: discord.TextChannel,
        session: SessionInfo,
        actor: Actor,
        notices: Notices,
    ) -> SpaceChannel | None:
        me = guild.me
        name = f"{actor.flag} {actor.name} delegation"[:100]
        if session.space_kind == "channel":
            missing = [
                p
                for p in ("manage_channels", "manage_roles")
                if not getattr(guild.me.guild_permissions, p)
            ]
            if not missing:
                try:
                    return await self._create_channel(guild, plenary, session, actor)
                except discord.Forbidden:
                    missing = ["manage_channels"]
            notices.add(
                f"Parley needs {_perm_names(missing)} to give each delegation a private channel, "
                "so it uses private threads instead."
            )
        perms = plenary.permissions_for(me)
        missing = [
            p
            for p in ("view_channel", "create_private_threads", "send_messages_in_threads")
            if not getattr(perms, p)
        ]
        if missing:
            notices.add(
                f"Parley needs {_perm_names(missing)} in {plenary.mention} to open a private "
                "thread for each delegation. Delegations carry on without one: students read "
                "their brief with `/brief`."
            )
            return None
        try:
            thread = await plenary.create_thread(
                name=name,
                type=discord.ChannelType.private_thread,
                invitable=False,
                auto_archive_duration=THREAD_ARCHIVE_MINUTES,
                reason=f"Parley session #{session.id}: {actor.name} delegation",
            )
        except discord.Forbidden:
            notices.add(
                f"Discord refused Parley **Create Private Threads** in {plenary.mention}: "
                "delegations carry on without private threads."
            )
            return None
        await self._add_facilitator(thread, guild, session, notices)
        return thread

    async def _create_channel(
        self,
        guild: discord.Guild,
        plenary: discord.TextChannel,
        session: SessionInfo,
        actor: Actor,
    ) -> discord.TextChannel:
        allow = discord.PermissionOverwrite(
            view_channel=True, send_messages=True, read_message_history=True
        )
        overwrites: dict[
            discord.Role | discord.Member | discord.Object, discord.PermissionOverwrite
        ] = {
            guild.default_role: discord.PermissionOverwrite(view_channel=False),
            guild.me: discord.PermissionOverwrite(
                view_channel=True,
                send_messages=True,
                read_message_history=True,
                embed_links=True,
                manage_channels=True,
            ),
        }
        creator = guild.get_member(session.created_by)
        if creator is not None:
            overwrites[creator] = allow
        settings = await self.bot.guild_config.get(guild.id)
        if settings.facilitator_role_id is not None:
            role = guild.get_role(settings.facilitator_role_id)
            if role is not None:
                overwrites[role] = allow
        return await guild.create_text_channel(
            name=f"{actor.id}-delegation",
            category=plenary.category,
            overwrites=overwrites,
            topic=f"Private space of the {actor.name} delegation (Parley session #{session.id})",
            reason=f"Parley session #{session.id}: {actor.name} delegation",
        )

    async def _add_facilitator(
        self, thread: discord.Thread, guild: discord.Guild, session: SessionInfo, notices: Notices
    ) -> None:
        try:
            await thread.add_user(discord.Object(session.created_by))
        except discord.HTTPException:
            log.warning("Could not add facilitator %s to thread %s", session.created_by, thread.id)

    async def _discard(self, space: SpaceChannel) -> None:
        try:
            await space.delete()
        except discord.HTTPException:
            log.warning("Could not delete duplicate space %s", space.id)

    async def _post_brief(
        self, space: SpaceChannel, scenario: Scenario, actor: Actor, notices: Notices
    ) -> None:
        groups = full_brief_messages(scenario, actor.id)
        try:
            await space.send(
                f"{actor.flag} **Private space of the {actor.name} delegation.** Only your "
                "delegation and your facilitators can read this. Plan here; your confidential "
                "brief follows.",
                allowed_mentions=NO_MENTIONS,
            )
            for i, embeds in enumerate(groups):
                last = i == len(groups) - 1
                await space.send(
                    embeds=embeds,
                    view=open_pages_view(scenario.id, actor.id) if last else discord.utils.MISSING,
                    allowed_mentions=NO_MENTIONS,
                )
        except discord.Forbidden:
            notices.add(
                f"Parley could not post the {actor.name} brief in {space.mention}: it needs "
                "**Send Messages in Threads** and **Embed Links** there."
            )

    async def _add(
        self,
        space: SpaceChannel,
        guild: discord.Guild,
        user_ids: Sequence[int],
        actor: Actor,
        notices: Notices,
    ) -> None:
        """One call per student: paced, retried, stopped at the first refusal."""

        async def admit(user_id: int) -> None:
            if isinstance(space, discord.Thread):
                await space.add_user(discord.Object(user_id))
                return
            member = await self._member(guild, user_id)
            if member is not None:
                await space.set_permissions(
                    member, view_channel=True, send_messages=True, read_message_history=True
                )

        added = await each_paced(
            user_ids,
            admit,
            clock=self.bot.clock,
            policy=self.bot.retry_policy,
            what=f"add a student to the {actor.name} space",
        )
        if isinstance(added.stopped_by, discord.Forbidden):
            need = "Manage Threads" if isinstance(space, discord.Thread) else "Manage Roles"
            notices.add(
                f"Parley could not add students to the {actor.name} space ({space.mention}): it "
                f"needs **{need}**. Add them by hand, or grant it and reassign."
            )
        for user_id, error in added.failed:
            log.warning("Could not add %s to space %s: %r", user_id, space.id, error)

    async def _remove(
        self,
        guild: discord.Guild,
        session: SessionInfo,
        delegation: DelegationInfo,
        user_id: int,
        notices: Notices,
    ) -> None:
        if delegation.space_channel_id is not None:
            space = await self.channel(delegation.space_channel_id)
            try:
                if isinstance(space, discord.Thread):
                    await space.remove_user(discord.Object(user_id))
                elif isinstance(space, discord.TextChannel):
                    member = await self._member(guild, user_id)
                    if member is not None:
                        await space.set_permissions(member, overwrite=None)
            except discord.Forbidden:
                notices.add(
                    "Parley could not take a student out of a delegation's private space: it "
                    "needs **Manage Threads** (threads) or **Manage Roles** (channels)."
                )
            except discord.HTTPException:
                log.exception(
                    "Could not remove %s from space %s", user_id, delegation.space_channel_id
                )
        if delegation.role_id is not None:
            member = await self._member(guild, user_id)
            role = guild.get_role(delegation.role_id)
            if member is not None and role is not None and role in member.roles:
                try:
                    await member.remove_roles(role, reason=f"Parley session #{session.id}")
                except discord.HTTPException:
                    notices.add(
                        "Parley could not remove a delegation role: it needs **Manage Roles**."
                    )

    async def _welcome(
        self, space: SpaceChannel, actor: Actor, user_ids: Sequence[int], notices: Notices
    ) -> None:
        mentions = ", ".join(f"<@{uid}>" for uid in user_ids)
        try:
            await space.send(
                f"Welcome {mentions}: you are the **{actor.name}** {actor.flag} delegation. "
                "Your brief is above (or press 📖 for pages).",
                allowed_mentions=discord.AllowedMentions(
                    users=[discord.Object(uid) for uid in user_ids], everyone=False, roles=False
                ),
            )
        except discord.HTTPException:
            log.warning("Could not welcome members in space %s", space.id)

    # --- roles -------------------------------------------------------------------------------

    async def _ensure_role(
        self,
        guild: discord.Guild,
        session: SessionInfo,
        scenario: Scenario,
        delegation: DelegationInfo,
        notices: Notices,
    ) -> discord.Role | None:
        """A role per delegation, only when Parley may manage roles (it is optional)."""
        if not guild.me.guild_permissions.manage_roles:
            return None
        async with self._locks[(session.id, f"role:{delegation.actor_id}")]:
            fresh = (await self.bot.sessions.roster(session.id)).delegation(delegation.actor_id)
            if fresh.role_id is not None:
                return guild.get_role(fresh.role_id)
            actor = scenario.actor(delegation.actor_id)
            try:
                role = await guild.create_role(
                    name=f"{actor.name} delegation"[:100],
                    colour=discord.Colour(actor.colour),
                    mentionable=False,
                    reason=f"Parley session #{session.id}",
                )
            except discord.HTTPException:
                notices.add("Parley could not create delegation roles: it needs **Manage Roles**.")
                return None
            if not await self.bot.sessions.attach_role(session.id, actor.id, role.id):
                await role.delete(reason="Parley: duplicate delegation role")
                return guild.get_role(fresh.role_id or 0)
            return role

    async def _give_role(
        self,
        guild: discord.Guild,
        role: discord.Role,
        user_ids: Sequence[int],
        actor: Actor,
        notices: Notices,
    ) -> None:
        """One call per student: paced, retried, stopped at the first refusal."""

        async def grant(user_id: int) -> None:
            member = await self._member(guild, user_id)
            if member is not None:
                await member.add_roles(role, reason=f"Parley: {actor.name} delegation")

        given = await each_paced(
            user_ids,
            grant,
            clock=self.bot.clock,
            policy=self.bot.retry_policy,
            what=f"give the {actor.name} role",
        )
        if given.failed:
            notices.add(
                "Parley could not give delegation roles: it needs **Manage Roles**, and its own "
                "role must be above the delegation roles."
            )

    # --- the end -----------------------------------------------------------------------------

    async def close(self, session: SessionInfo, notices: Notices) -> None:
        """Tell each space the session ended, archive the threads, delete the roles."""
        guild = self._guild(session)
        if guild is None:
            return
        roster = await self.bot.sessions.roster(session.id)
        for delegation in roster.delegations:
            if delegation.space_channel_id is not None:
                space = await self.channel(delegation.space_channel_id)
                if space is not None:
                    try:
                        await space.send(
                            "This session has ended. The conversation stays here for the debrief.",
                            allowed_mentions=NO_MENTIONS,
                        )
                        if isinstance(space, discord.Thread):
                            await space.edit(archived=True, locked=True)
                    except discord.HTTPException:
                        log.warning("Could not close space %s", space.id)
            if delegation.role_id is not None:
                role = guild.get_role(delegation.role_id)
                if role is not None:
                    try:
                        await role.delete(reason=f"Parley session #{session.id} ended")
                    except discord.HTTPException:
                        notices.add(
                            "Parley could not delete the delegation roles: it needs "
                            "**Manage Roles**. Delete them by hand if you like."
                        )
