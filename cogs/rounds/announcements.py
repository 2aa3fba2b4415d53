"""Announcements in the plenary: one message per round update (its text rendered by
`cogs.rounds.views.Announcer`), and the facilitator's notices (a missing permission) posted once
per session when no one clicked."""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import TYPE_CHECKING

import discord

from bot.domain.round_state import CaucusRequested
from bot.services.rounds import RoundContext, RoundUpdate
from cogs.common.interactions import NO_MENTIONS
from cogs.rounds.views import Announcer, caucus_request_view
from cogs.sessions.delegation_spaces import Notices

if TYPE_CHECKING:
    from bot.client import ParleyBot

log = logging.getLogger(__name__)


class Announcements:
    """Posts a round's announcements and notices in its plenary."""

    def __init__(self, bot: ParleyBot) -> None:
        self.bot = bot
        self._posted_notices: defaultdict[int, set[str]] = defaultdict(set)

    async def announce(self, update: RoundUpdate, threads: dict[int, int], locked: bool) -> None:
        context = update.context
        announcer = Announcer(self.bot.rounds.scenario(context.scenario_id), threads)
        post = announcer.render(update.notices, locked=locked)
        channel = self.bot.get_partial_messageable(context.channel_id, guild_id=context.guild_id)
        try:
            if post.lines:
                await channel.send(post.content, allowed_mentions=post.allowed_mentions)
            for notice in update.notices:
                if isinstance(notice, CaucusRequested):
                    request = notice.request
                    await channel.send(
                        announcer.request_text(request.number, request.requester, request.members),
                        view=caucus_request_view(context.session_id, request.number),
                        allowed_mentions=NO_MENTIONS,
                    )
        except discord.HTTPException:
            log.exception("Could not announce in the plenary of session %s", context.session_id)

    async def post_notices(self, context: RoundContext, notices: Notices) -> None:
        """Missing permissions after a timer's change: once per session, in the plenary."""
        fresh = [n for n in notices.items if n not in self._posted_notices[context.session_id]]
        if not fresh:
            return
        self._posted_notices[context.session_id].update(fresh)
        channel = self.bot.get_partial_messageable(context.channel_id, guild_id=context.guild_id)
        try:
            await channel.send(
                "⚠️ **For the facilitator:** " + " ".join(fresh), allowed_mentions=NO_MENTIONS
            )
        except discord.HTTPException:
            log.warning("Could not post notices for session %s: %s", context.session_id, fresh)

    def forget(self, session_id: int) -> None:
        self._posted_notices.pop(session_id, None)
