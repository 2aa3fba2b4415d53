"""`/caucus …`: private talks between delegations.

Facilitators open caucuses (named, or the plan's suggested pairs) and close them; a delegation
asks for one with `/caucus request`, and a facilitator approves or declines with the buttons
under the request (server-side check). Every caucus is a private thread in the plenary,
recorded in the transcript, archived when its phase ends.
"""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ParleyBot
from cogs.common.checks import facilitator_only, guild_only

ActorText = app_commands.Range[str, 1, 100]


@app_commands.guild_only()
class Caucuses(
    commands.GroupCog, group_name="caucus", group_description="Private talks between delegations"
):
    def __init__(self, bot: ParleyBot) -> None:
        self.bot = bot
        self.flow = bot.round_flow
        self.service = bot.rounds
        super().__init__()

    async def _choices(
        self, interaction: discord.Interaction[ParleyBot], current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.channel_id is None:
            return []
        session = await self.bot.sessions.live_session_for_channel(interaction.channel_id)
        return [
            app_commands.Choice(name=name, value=value)
            for name, value in self.flow.actor_choices(session, current)
        ]

    @app_commands.command(name="open", description="Open a caucus thread (facilitators)")
    @app_commands.describe(first="A delegation", second="Another", third="A third (optional)")
    @guild_only()
    @facilitator_only("open caucuses")
    async def open(
        self,
        interaction: discord.Interaction[ParleyBot],
        first: ActorText,
        second: ActorText,
        third: ActorText | None = None,
    ) -> None:
        session = await self.flow.session_here(interaction)
        typed = [first, second] + ([third] if third else [])
        members = [self.flow.resolve(session, t) for t in typed]
        await self.flow.open_caucuses(
            interaction, lambda sid: self.service.open_caucus(sid, members), session
        )

    @app_commands.command(name="suggested", description="Open the plan's suggested caucuses")
    @guild_only()
    @facilitator_only("open caucuses")
    async def suggested(self, interaction: discord.Interaction[ParleyBot]) -> None:
        await self.flow.open_caucuses(interaction, self.service.open_suggested)

    @app_commands.command(name="close", description="Close a caucus thread (facilitators)")
    @app_commands.describe(number="The caucus number (see /phase)")
    @guild_only()
    @facilitator_only("close caucuses")
    async def close(
        self, interaction: discord.Interaction[ParleyBot], number: app_commands.Range[int, 1, 999]
    ) -> None:
        await self.flow.command(interaction, lambda sid: self.service.close_caucus(sid, number))

    @app_commands.command(name="request", description="Ask the facilitator for a private caucus")
    @app_commands.describe(partner="The delegation to meet", second_partner="A third (optional)")
    @guild_only()
    async def request(
        self,
        interaction: discord.Interaction[ParleyBot],
        partner: ActorText,
        second_partner: ActorText | None = None,
    ) -> None:
        partners = [partner] + ([second_partner] if second_partner else [])
        await self.flow.request_caucus(interaction, partners)

    @open.autocomplete("first")
    @open.autocomplete("second")
    @open.autocomplete("third")
    @request.autocomplete("partner")
    @request.autocomplete("second_partner")
    async def actor_choices(
        self, interaction: discord.Interaction[ParleyBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return await self._choices(interaction, current)


async def setup(bot: ParleyBot) -> None:
    await bot.add_cog(Caucuses(bot))
