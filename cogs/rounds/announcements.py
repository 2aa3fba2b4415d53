"""Announcements in the plenary: one message per round update (its text rendered by
`cogs.rounds.views.Announcer`), one message per caucus request (with its Approve/Decline
buttons), and the facilitator's notices.

Each part is posted on its own, through the shared retry policy (`cogs.common.retry`): a failed
phase post never drops a caucus request. Transient failures (5xx, a dropped connection) are
retried, but never past the phase's end: a phase is not announced after it ended. A refusal
(403 Missing Permissions, 404 Unknown Channel) becomes one sentence for the facilitator naming
the permission or channel to fix, said once per cause and session: in the private reply to the
command that caused the change, else in the plenary, else (the plenary refuses Parley too) in
the reply to their next round command or panel button. The round goes on either way.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING

import discord

from bot.domain.round_state import CaucusRequested
from bot.services.rounds import RoundContext, RoundUpdate
from cogs.common.interactions import NO_MENTIONS
from cogs.common.retry import TooLate, classify, deliver, refusal
from cogs.rounds.views import Announcer, caucus_request_view
from cogs.sessions.delegation_spaces import Notices

if TYPE_CHECKING:
    from bot.client import ParleyBot

log = logging.getLogger(__name__)

PLENARY_NEEDS = ("View Channel", "Send Messages")


class Announcements:
    """Posts a round's announcements and notices in its plenary."""

    def __init__(self, bot: ParleyBot) -> None:
        self.bot = bot
        self._posted_notices: defaultdict[int, set[str]] = defaultdict(set)
        self._causes: defaultdict[int, set[str]] = defaultdict(set)  # refusals already noted
        self._pending: defaultdict[int, list[str]] = defaultdict(list)  # not yet seen by anyone

    async def announce(
        self, update: RoundUpdate, threads: dict[int, int], locked: bool, notices: Notices
    ) -> None:
        context = update.context
        announcer = Announcer(self.bot.rounds.scenario(context.scenario_id), threads)
        post = announcer.render(update.notices, locked=locked)
        channel = self.bot.get_partial_messageable(context.channel_id, guild_id=context.guild_id)
        clock = update.round.clock
        phase_end = clock.deadline if clock is not None else None
        if phase_end is not None and phase_end <= update.at:
            phase_end = None  # a phase that waits for the facilitator: its time-up still counts
        if post.lines:

            async def phase_post() -> object:
                return await channel.send(post.content, allowed_mentions=post.allowed_mentions)

            await self._post(
                context, notices, phase_post, "post the round's announcement", deadline=phase_end
            )
        for notice in update.notices:
            if not isinstance(notice, CaucusRequested):
                continue
            request = notice.request

            async def request_post(request: CaucusRequested = notice) -> object:
                asked = request.request
                return await channel.send(
                    announcer.request_text(asked.number, asked.requester, asked.members),
                    view=caucus_request_view(context.session_id, asked.number),
                    allowed_mentions=NO_MENTIONS,
                )

            await self._post(
                context,
                notices,
                request_post,
                f"post caucus request {request.number} (with its Approve and Decline buttons)",
            )

    async def _post(
        self,
        context: RoundContext,
        notices: Notices,
        send: Callable[[], Awaitable[object]],
        action: str,
        *,
        deadline: datetime | None = None,
    ) -> bool:
        """One part of an announcement; False if it could not be posted (and why is noted)."""
        try:
            await deliver(
                send,
                clock=self.bot.clock,
                policy=self.bot.retry_policy,
                deadline=deadline,
                what=f"session {context.session_id}: {action}",
            )
            return True
        except TooLate:
            log.warning(
                "Session %s: gave up trying to %s: the phase ended", context.session_id, action
            )
        except discord.HTTPException as error:
            if classify(error) != "permanent":
                log.warning("Session %s: could not %s: %r", context.session_id, action, error)
                return False
            said = refusal(
                error,
                action=action,
                place=f"<#{context.channel_id}>",
                place_key=context.channel_id,
                permissions=PLENARY_NEEDS,
            )
            log.warning("Session %s: %s", context.session_id, said.text)
            if said.cause not in self._causes[context.session_id]:
                self._causes[context.session_id].add(said.cause)
                notices.add(said.text)
        except Exception as error:  # a dropped connection that outlasted the retries
            log.warning("Session %s: could not %s: %r", context.session_id, action, error)
        return False

    async def post_notices(self, context: RoundContext, notices: Notices) -> None:
        """Notices after a timer's change (no one clicked): once per session, in the plenary;
        if the plenary refuses Parley, kept for the facilitator's next command."""
        fresh = [n for n in notices.items if n not in self._posted_notices[context.session_id]]
        if not fresh:
            return
        self._posted_notices[context.session_id].update(fresh)
        channel = self.bot.get_partial_messageable(context.channel_id, guild_id=context.guild_id)

        async def post() -> object:
            return await channel.send(
                "⚠️ **For the facilitator:** " + " ".join(fresh), allowed_mentions=NO_MENTIONS
            )

        try:
            await deliver(
                post,
                clock=self.bot.clock,
                policy=self.bot.retry_policy,
                what=f"session {context.session_id}: notices",
            )
        except Exception:
            log.warning(
                "Could not post notices for session %s; kept for the facilitator's next "
                "command: %s",
                context.session_id,
                fresh,
            )
            self._pending[context.session_id].extend(fresh)

    def take_pending(self, session_id: int, notices: Notices) -> None:
        """Add the notices no one has seen yet to a reply the facilitator is about to get."""
        for text in self._pending.pop(session_id, []):
            notices.add(text)

    def forget(self, session_id: int) -> None:
        self._posted_notices.pop(session_id, None)
        self._causes.pop(session_id, None)
        self._pending.pop(session_id, None)
