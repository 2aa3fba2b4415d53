"""`/hand`, `/yield` (students) and `/floor …` (facilitators): who speaks in the plenary.

Thin: the round flow checks who the student plays, changes the floor through `bot.rounds` and
announces the speaker with a countdown in the plenary.
"""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ParleyBot
from bot.domain.durations import parse_duration
from cogs.common.checks import facilitator_only, guild_only


class Hands(commands.Cog):
    """Students: raise or lower the delegation's hand, yield the floor."""

    def __init__(self, bot: ParleyBot) -> None:
        self.flow = bot.round_flow

    @app_commands.command(name="hand", description="Raise your delegation's hand to speak")
    @app_commands.describe(action="raise or lower (default: raise, or lower if it is up)")
    @app_commands.guild_only()
    @guild_only()
    async def hand(
        self,
        interaction: discord.Interaction[ParleyBot],
        action: Literal["raise", "lower"] | None = None,
    ) -> None:
        await self.flow.hand(interaction, action)

    @app_commands.command(name="yield", description="End your delegation's turn on the floor")
    @app_commands.guild_only()
    @guild_only()
    async def yield_floor(self, interaction: discord.Interaction[ParleyBot]) -> None:
        await self.flow.yield_floor(interaction)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class FloorControl(commands.GroupCog, group_name="floor", group_description="Who has the floor"):
    def __init__(self, bot: ParleyBot) -> None:
        self.bot = bot
        self.flow = bot.round_flow
        self.service = bot.rounds
        super().__init__()

    @app_commands.command(
        name="give", description="Give the floor to a delegation, or the next hand"
    )
    @app_commands.describe(
        delegation="Who speaks (empty: the next in the queue)",
        time="How long (default: the phase's floor time), e.g. 90s or 2m",
    )
    @guild_only()
    @facilitator_only("give the floor")
    async def give(
        self,
        interaction: discord.Interaction[ParleyBot],
        delegation: app_commands.Range[str, 1, 100] | None = None,
        time: app_commands.Range[str, 1, 40] | None = None,
    ) -> None:
        session = await self.flow.session_here(interaction)
        actor = None if delegation is None else self.flow.resolve(session, delegation)
        seconds = None if time is None else parse_duration(time, bare_number="seconds")
        await self.flow.command(
            interaction,
            lambda sid: self.service.give_floor(sid, actor, seconds=seconds),
            session=session,
        )

    @give.autocomplete("delegation")
    async def delegation_choices(
        self, interaction: discord.Interaction[ParleyBot], current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.channel_id is None:
            return []
        session = await self.bot.sessions.live_session_for_channel(interaction.channel_id)
        return [
            app_commands.Choice(name=name, value=value)
            for name, value in self.flow.actor_choices(session, current)
        ]

    @app_commands.command(name="queue", description="Who has the floor and who is waiting")
    @guild_only()
    @facilitator_only("see the queue")
    async def queue(self, interaction: discord.Interaction[ParleyBot]) -> None:
        await self.flow.status(interaction)


async def setup(bot: ParleyBot) -> None:
    await bot.add_cog(Hands(bot))
    await bot.add_cog(FloorControl(bot))
