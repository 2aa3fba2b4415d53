"""`/vote open | close | status` and the vote phase: one vote per delegation per proposal.

The rounds engine opens the vote when a "vote" phase starts and closes it when that phase ends
(``parley_phase_started`` / ``parley_phase_ended``); the facilitator's commands do the same by
hand, so a class runs without the rounds engine too. Ending the session closes an open vote.
The ballot buttons are dynamic items registered here.
"""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ParleyBot
from bot.errors import UserFacingError
from cogs.common.checks import facilitator_only, guild_only
from cogs.negotiation import vote_views as vote_views
from cogs.sessions.panel import PanelControl

log = logging.getLogger(__name__)

VOTE_PHASE = "vote"
NEGOTIATION_ROW = 3
"""The panel's row for the vote and the debrief (rows 0, 1 and 4 belong to sessions and rounds)."""


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Votes(commands.GroupCog, group_name="vote", group_description="Run the vote (facilitators)"):
    def __init__(self, bot: ParleyBot) -> None:
        self.bot = bot
        self.flow = bot.negotiation_flow
        self._controls = [
            PanelControl(
                key="vote-open",
                label="Open the vote",
                emoji="🗳️",
                row=NEGOTIATION_ROW,
                order=0,
                handler=lambda i, s: self.flow.open_by_facilitator(i, s.id),
            ),
            PanelControl(
                key="vote-close",
                label="Close the vote",
                row=NEGOTIATION_ROW,
                order=1,
                handler=lambda i, s: self.flow.close_by_facilitator(i, s.id),
            ),
        ]
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*vote_views.DYNAMIC_ITEMS)
        for control in self._controls:
            self.bot.panel_controls.add(control)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*vote_views.DYNAMIC_ITEMS)
        for control in self._controls:
            self.bot.panel_controls.remove(control.key)

    # --- the rounds engine's phases ----------------------------------------------------------

    @commands.Cog.listener()
    async def on_parley_phase_started(self, session_id: int, index: int, kind: str) -> None:
        if kind != VOTE_PHASE:
            return
        try:
            await self.flow.open_vote(session_id, None, allow_empty=True)
        except UserFacingError as error:  # e.g. no delegation at the table: nothing to open
            log.info("Vote phase of session %s did not open a vote: %s", session_id, error)

    @commands.Cog.listener()
    async def on_parley_phase_ended(self, session_id: int, index: int, kind: str) -> None:
        if kind != VOTE_PHASE:
            return
        try:
            await self.flow.close_vote(session_id, None)
        except UserFacingError as error:
            log.info("Vote phase of session %s closed no vote: %s", session_id, error)

    @commands.Cog.listener()
    async def on_parley_session_ended(self, session_id: int) -> None:
        state = await self.bot.negotiation.state(session_id)
        if state.vote_open:
            await self.flow.close_vote(session_id, None)

    # --- facilitators ------------------------------------------------------------------------

    @app_commands.command(name="open", description="Open the vote on every tabled proposal")
    @guild_only()
    @facilitator_only("open the vote")
    async def open(self, interaction: discord.Interaction[ParleyBot]) -> None:
        session = await self.flow.session_here(interaction)
        await self.flow.open_by_facilitator(interaction, session.id)

    @app_commands.command(name="close", description="Close the vote and announce the outcome")
    @guild_only()
    @facilitator_only("close the vote")
    async def close(self, interaction: discord.Interaction[ParleyBot]) -> None:
        session = await self.flow.session_here(interaction)
        await self.flow.close_by_facilitator(interaction, session.id)

    @app_commands.command(name="status", description="Who has voted what so far")
    @guild_only()
    @facilitator_only("see the votes")
    async def status(self, interaction: discord.Interaction[ParleyBot]) -> None:
        session = await self.flow.session_here(interaction)
        await self.flow.status(interaction, session.id)


async def setup(bot: ParleyBot) -> None:
    await bot.add_cog(Votes(bot))
