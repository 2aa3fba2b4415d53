"""The Discord side of rounds: the commands and buttons, and what the class sees when the round
changes.

`RoundService` decides and stores (one transaction, no Discord). `RoundFlow.show` makes each
`RoundUpdate` visible, in this order: caucus threads are closed and opened (`caucus_threads.py`,
registered with the session so the transcript records them), the plenary is locked or unlocked
(`plenary_lock.py`), the transcript is flushed at a phase end, one announcement is posted in the
plenary (`announcements.py`) — and only then are the `parley_phase_*` events dispatched, so a
listener's own message (a ballot) follows the announcement. Timers (`timer_handlers.py`) and the
panel's round row (`panel_controls.py`) act through here too; `speaker_credit.py` credits a
delegation's first words on the floor.

When Parley lacks a permission it says which one, to the facilitator (privately when a command
or button caused the change, else once in the plenary), and the round carries on without it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from bot.domain.echo import echo
from bot.domain.round_state import (
    CaucusOpened,
    CaucusRequested,
    PhaseEnded,
    Round,
)
from bot.errors import UserFacingError
from bot.services.rounds import RoundService, RoundUpdate
from bot.services.sessions import SessionInfo, actor_label
from cogs.common.checks import require_facilitator
from cogs.common.interactions import reply
from cogs.rounds.announcements import Announcements
from cogs.rounds.caucus_threads import CaucusThreads
from cogs.rounds.plenary_lock import PlenaryLock
from cogs.rounds.speaker_credit import SpeakerCredit
from cogs.rounds.timer_handlers import RoundTimerHandlers
from cogs.rounds.views import Announcer, plan_embed, status_text
from cogs.sessions.delegation_spaces import Notices
from cogs.sessions.panel import panel_view

if TYPE_CHECKING:
    from bot.client import ParleyBot

log = logging.getLogger(__name__)

Operation = Callable[[int], Awaitable[RoundUpdate]]


class RoundFlow:
    def __init__(self, bot: ParleyBot) -> None:
        self.bot = bot
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self.announcements = Announcements(bot)
        self.caucus_threads = CaucusThreads(bot)
        self.plenary_lock = PlenaryLock(bot)
        self.timer_handlers = RoundTimerHandlers(self)
        self.speaker_credit = SpeakerCredit(bot)

    @property
    def service(self) -> RoundService:
        return self.bot.rounds

    # --- showing a change --------------------------------------------------------------------

    async def show(self, update: RoundUpdate, notices: Notices) -> dict[int, int]:
        """Make a committed change visible, then dispatch its events (even if Discord failed).
        Returns the caucus threads (number → thread id), those just opened included."""
        try:
            async with self._locks[update.context.session_id]:
                threads = await self.caucus_threads.sync(update, notices)
                locked = await self.plenary_lock.apply(update, notices)
                if any(isinstance(n, PhaseEnded) for n in update.notices):
                    await self.bot.transcripts.flush()
                await self.announcements.announce(update, threads, locked, notices)
                return threads
        finally:
            self.service.emit(update)

    # --- commands and buttons ----------------------------------------------------------------

    async def session_here(self, interaction: discord.Interaction[Any]) -> SessionInfo:
        return await self.bot.session_flow.session_here(interaction)

    async def command(
        self,
        interaction: discord.Interaction[Any],
        operation: Operation,
        *,
        confirm: Callable[[RoundUpdate], str] | None = None,
        session: SessionInfo | None = None,
    ) -> None:
        """A facilitator's command: act, show the class, tell the facilitator privately.
        `session`: when the caller has already found it (not read twice)."""
        session = session or await self.session_here(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        update = await operation(session.id)
        notices = Notices()
        await self.show(update, notices)
        self.announcements.take_pending(session.id, notices)
        text = confirm(update) if confirm is not None else self.summary(update)
        await self.tell(interaction, text, notices)

    async def from_panel(
        self, interaction: discord.Interaction[Any], session: SessionInfo, operation: Operation
    ) -> None:
        """A panel button: act, refresh the panel's buttons (Pause ↔ Resume), report privately."""
        await interaction.response.defer()
        update = await operation(session.id)
        notices = Notices()
        await self.show(update, notices)
        self.announcements.take_pending(session.id, notices)
        try:
            await interaction.edit_original_response(
                view=panel_view(session, self.bot.panel_controls)
            )
        except discord.HTTPException:
            log.debug("Could not refresh the panel of session %s", session.id)
        await self.tell(interaction, self.summary(update), notices)

    async def tell(
        self, interaction: discord.Interaction[Any], text: str, notices: Notices
    ) -> None:
        if notices.items:
            text += "\n" + "\n".join(f"⚠️ {n}" for n in notices.items)
        await reply(interaction, text[:2000])

    def summary(self, update: RoundUpdate) -> str:
        scenario = self.service.scenario(update.context.scenario_id)
        return status_text(update.round, scenario, update.at)

    async def status(self, interaction: discord.Interaction[Any]) -> None:
        session = await self.session_here(interaction)
        state = await self.service.round(session.id)
        scenario = self.service.scenario(session.scenario_id)
        await reply(interaction, status_text(state, scenario, self.service.clock.now()))

    async def plan(
        self, interaction: discord.Interaction[Any], edit: Callable[[Round], Round] | None = None
    ) -> None:
        """`/round plan …`: apply an edit (if any), then show the plan privately."""
        session = await self.session_here(interaction)
        if edit is not None:
            await self.service.edit_plan(session.id, edit)
        view = await self.service.plan_view(session.id)
        embed = plan_embed(view, self.service.scenario(session.scenario_id), session.id)
        await reply(interaction, "Plan changed." if edit is not None else None, embed=embed)

    async def decide_caucus(
        self, interaction: discord.Interaction[Any], session_id: int, number: int, approve: bool
    ) -> None:
        """The facilitator's Approve / Decline under a caucus request."""
        member = await require_facilitator(interaction, "approve or decline caucus requests")
        await interaction.response.defer()
        if approve:
            update = await self.service.approve_caucus(session_id, number, member.id)
        else:
            update = await self.service.decline_caucus(session_id, number, member.id)
        notices = Notices()
        await self.show(update, notices)
        self.announcements.take_pending(session_id, notices)
        original = interaction.message.content if interaction.message else ""
        verdict = (
            f"✅ Approved by {member.display_name}."
            if approve
            else f"❌ Declined by {member.display_name}."
        )
        try:
            await interaction.edit_original_response(content=f"{original}\n{verdict}", view=None)
        except discord.HTTPException:
            log.warning("Could not update caucus request %s of session %s", number, session_id)
        if notices.items:
            await self.tell(interaction, "Done.", notices)

    # --- the floor and caucuses: what students and facilitators type -----------------------

    def resolve(self, session: SessionInfo, typed: str) -> str:
        """An actor id from what someone typed ("north korea", "tokyo"); never a silent guess."""
        scenario = self.service.scenario(session.scenario_id)
        found = self.bot.sessions.resolve_actor(session.scenario_id, typed)
        if found.actor_id is not None:
            return found.actor_id
        if found.ambiguous:
            options = " or ".join(actor_label(scenario, a) for a in found.candidates)
            raise UserFacingError(f"“{echo(typed)}” could be {options}: pick one from the list.")
        names = ", ".join(actor_label(scenario, a.id) for a in scenario.actors)
        raise UserFacingError(f"“{echo(typed)}” is not a delegation in {scenario.title}: {names}.")

    def actor_choices(self, session: SessionInfo | None, typed: str) -> list[tuple[str, str]]:
        if session is None:
            return []
        scenario = self.service.scenario(session.scenario_id)
        ranked = self.bot.sessions.resolver(scenario.id).ranked(typed)
        return [(actor_label(scenario, a), a) for a in ranked]

    async def _student(
        self,
        interaction: discord.Interaction[Any],
        operation: Operation,
        session: SessionInfo | None = None,
    ) -> RoundUpdate:
        session = session or await self.session_here(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        update = await operation(session.id)
        await self.show(update, Notices())
        return update

    async def hand(self, interaction: discord.Interaction[Any], action: str | None) -> None:
        user = interaction.user.id
        update = await self._student(interaction, lambda sid: self.service.hand(sid, user, action))
        floor, actor = update.round.floor, update.actor
        if floor is None or actor is None:
            return await reply(interaction, "Done.")
        if floor.holds_floor(actor, user):
            text = "🎤 You have the floor now: speak in the plenary. `/yield` when you are done."
        elif (place := floor.position(actor, user)) is not None:
            text = (
                f"✋ Your delegation's hand is up: number {place} in the queue. "
                "`/hand` again to lower it."
            )
        else:
            text = "Your delegation's hand is down."
        await reply(interaction, text)

    async def yield_floor(self, interaction: discord.Interaction[Any]) -> None:
        user = interaction.user.id
        await self._student(interaction, lambda sid: self.service.yield_floor(sid, user))
        await reply(interaction, "You yielded the floor. Thank you!")

    async def request_caucus(
        self, interaction: discord.Interaction[Any], partners: list[str]
    ) -> None:
        session = await self.session_here(interaction)
        wanted = [self.resolve(session, p) for p in partners]
        user = interaction.user.id
        update = await self._student(
            interaction, lambda sid: self.service.request_caucus(sid, user, wanted), session
        )
        numbers = [n.request.number for n in update.notices if isinstance(n, CaucusRequested)]
        await reply(
            interaction,
            f"Request {numbers[0] if numbers else ''} sent: your facilitator approves or declines "
            "it in the plenary. If approved, a private thread opens for your delegations.",
        )

    async def open_caucuses(
        self,
        interaction: discord.Interaction[Any],
        operation: Operation,
        session: SessionInfo | None = None,
    ) -> None:
        """The facilitator opens caucuses (named, or the suggested ones)."""
        session = session or await self.session_here(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        update = await operation(session.id)
        notices = Notices()
        threads = await self.show(update, notices)
        self.announcements.take_pending(session.id, notices)
        announcer = Announcer(self.service.scenario(session.scenario_id), threads)
        opened = [n.caucus for n in update.notices if isinstance(n, CaucusOpened)]
        text = "Opened " + " · ".join(
            f"caucus {c.number}: {announcer.caucus_link(c.number, c.members)}" for c in opened
        )
        await self.tell(interaction, text + ".", notices)

    async def session_ended(self, session_id: int) -> None:
        update = await self.service.session_ended(session_id)
        if update is not None and update.notices:
            await self.show(update, Notices())
        self._locks.pop(session_id, None)
        self.announcements.forget(session_id)
        self.speaker_credit.forget(session_id)
