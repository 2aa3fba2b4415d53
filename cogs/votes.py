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

from bot.checks import facilitator_only, guild_only
from bot.client import ParleyBot
from bot.errors import UserFacingError
from bot.views import votes as vote_views
from bot.views.common import reply

log = logging.getLogger(__name__)

VOTE_PHASE = "vote"


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Votes(commands.GroupCog, group_name="vote", group_description="Run the vote (facilitators)"):
    def __init__(self, bot: ParleyBot) -> None:
        self.bot = bot
        self.flow = bot.negotiation_flow
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*vote_views.DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*vote_views.DYNAMIC_ITEMS)

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
        await interaction.response.defer(ephemeral=True, thinking=True)
        state = await self.flow.open_vote(session.id, interaction.user.id, allow_empty=False)
        assert state.round is not None
        count = len(state.round.vote.proposals)
        await reply(
            interaction,
            f"The vote is open on {count} {'proposal' if count == 1 else 'proposals'}: the "
            "ballots are in the plenary. Close it with `/vote close` (`/vote status` shows who "
            "has voted).",
        )

    @app_commands.command(name="close", description="Close the vote and announce the outcome")
    @guild_only()
    @facilitator_only("close the vote")
    async def close(self, interaction: discord.Interaction[ParleyBot]) -> None:
        session = await self.flow.session_here(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        closed = await self.flow.close_vote(session.id, interaction.user.id)
        verb = "is closed" if closed.newly_closed else "was already closed"
        await reply(
            interaction,
            f"The vote {verb}: **{closed.outcome.headline}**. The result is in the plenary; "
            "`/debrief` sets it beside history.",
        )

    @app_commands.command(name="status", description="Who has voted what so far")
    @guild_only()
    @facilitator_only("see the votes")
    async def status(self, interaction: discord.Interaction[ParleyBot]) -> None:
        session = await self.flow.session_here(interaction)
        await self.flow.status(interaction, session.id)


async def setup(bot: ParleyBot) -> None:
    await bot.add_cog(Votes(bot))
