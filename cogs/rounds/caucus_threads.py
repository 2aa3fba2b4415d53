"""Caucus threads: a private thread per caucus, opened (and registered with the session, so the
transcript records it) when a caucus starts, closed and locked when it ends."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Literal

import discord

from bot.domain.caucus import Caucus
from bot.domain.round_state import CaucusClosed, CaucusOpened, PhaseStarted, Round
from bot.services.rounds import RoundContext, RoundUpdate
from bot.services.sessions import actor_label
from cogs.common.interactions import NO_MENTIONS
from cogs.common.retry import each_paced, refusal
from cogs.rounds.views import group_name
from cogs.sessions.delegation_spaces import Notices

if TYPE_CHECKING:
    from bot.client import ParleyBot

log = logging.getLogger(__name__)

CAUCUS_ARCHIVE_MINUTES: Literal[1440] = 1440


class CaucusThreads:
    def __init__(self, bot: ParleyBot) -> None:
        self.bot = bot

    async def sync(self, update: RoundUpdate, notices: Notices) -> dict[int, int]:
        state = update.round
        threads = dict(state.threads)
        for notice in update.notices:
            if isinstance(notice, CaucusClosed):
                thread_id = threads.get(notice.caucus.number)
                if thread_id is not None:
                    await self._close_thread(thread_id)
        opened: list[Caucus] = []
        for notice in update.notices:
            if isinstance(notice, CaucusOpened):
                opened.append(notice.caucus)
            elif isinstance(notice, PhaseStarted):
                opened.extend(notice.caucuses)
        for caucus in opened:
            if caucus.number in threads:
                continue
            thread_id = await self._open_thread(update.context, state, caucus, notices)
            if thread_id is not None:
                threads[caucus.number] = thread_id
                await self.bot.rounds.attach_caucus_thread(
                    update.context.session_id, caucus.number, thread_id
                )
        return threads

    async def _open_thread(
        self, context: RoundContext, state: Round, caucus: Caucus, notices: Notices
    ) -> int | None:
        guild = self.bot.get_guild(context.guild_id)
        plenary = guild.get_channel(context.channel_id) if guild else None
        if guild is None or not isinstance(plenary, discord.TextChannel):
            return None
        perms = plenary.permissions_for(guild.me)
        missing = [
            name.replace("_", " ").title()
            for name in ("view_channel", "create_private_threads", "send_messages_in_threads")
            if not getattr(perms, name)
        ]
        if missing:
            notices.add(
                f"Parley needs {', '.join(f'**{m}**' for m in missing)} in {plenary.mention} to "
                "open caucus threads: meanwhile delegations can meet by voice or in person."
            )
            return None
        scenario = self.bot.rounds.scenario(context.scenario_id)
        names = group_name(scenario, caucus.members)
        try:
            thread = await plenary.create_thread(
                name=f"🤝 Caucus {caucus.number}: {names}"[:100],
                type=discord.ChannelType.private_thread,
                invitable=False,
                auto_archive_duration=CAUCUS_ARCHIVE_MINUTES,
                reason=f"Parley session #{context.session_id}: caucus {caucus.number}",
            )
        except discord.HTTPException:
            notices.add(f"Discord refused to open the caucus thread for {names}.")
            log.exception(
                "Could not open caucus %s of session %s", caucus.number, context.session_id
            )
            return None
        # Recorded from its first message on.
        await self.bot.sessions.register_channel(
            context.session_id, thread.id, kind="caucus", label=f"Caucus {caucus.number}: {names}"
        )
        await self.bot.transcripts.refresh_session(context.session_id)
        members = [
            p.user_id
            for p in await self.bot.sessions.participants(context.session_id)
            if p.actor_id in caucus.members
        ]
        # One call per student: paced, retried, stopped at the first refusal (cogs.common.retry).
        added = await each_paced(
            dict.fromkeys([*members, context.created_by]),
            lambda user_id: thread.add_user(discord.Object(user_id)),
            clock=self.bot.clock,
            policy=self.bot.retry_policy,
            what=f"add a student to caucus thread {thread.id}",
        )
        if added.stopped_by is not None:
            notices.add(
                refusal(
                    added.stopped_by,
                    action=f"add the students to the caucus thread for {names}",
                    place=thread.mention,
                    place_key=thread.id,
                    permissions=("Send Messages in Threads", "Manage Threads"),
                ).text
            )
        for user_id, error in added.failed:
            log.warning("Could not add %s to caucus thread %s: %r", user_id, thread.id, error)
        delegations = " and ".join(f"**{actor_label(scenario, a)}**" for a in caucus.members)
        phase = state.phase
        until = f"when {phase.title} ends" if phase is not None else "when the phase ends"
        try:
            await thread.send(
                f"🤝 **Caucus {caucus.number}:** a private meeting of {delegations} (your "
                f"facilitator can read along). It closes {until}; what you say here is part of "
                "the session's record. " + " ".join(f"<@{u}>" for u in members),
                allowed_mentions=discord.AllowedMentions(
                    users=[discord.Object(u) for u in members], everyone=False, roles=False
                ),
            )
        except discord.HTTPException:
            log.warning("Could not welcome caucus thread %s", thread.id)
        return thread.id

    async def _close_thread(self, thread_id: int) -> None:
        thread = self.bot.get_channel(thread_id)
        if thread is None:
            try:
                thread = await self.bot.fetch_channel(thread_id)
            except discord.HTTPException:
                return
        if not isinstance(thread, discord.Thread):
            return
        try:
            if not thread.archived:
                await thread.send(
                    "🤝 This caucus is closed: the phase is over. What was said here stays in "
                    "the record.",
                    allowed_mentions=NO_MENTIONS,
                )
            await thread.edit(archived=True, locked=True)
        except discord.HTTPException:
            log.warning("Could not close caucus thread %s", thread_id)
