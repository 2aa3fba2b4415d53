"""A test extension standing in for proposals and votes: it listens to the round's phase events
the way they will, and posts in the plenary when a vote opens and closes."""

from __future__ import annotations

import discord
from discord.ext import commands

from bot.client import ParleyBot


class PhaseProbe(commands.Cog):
    def __init__(self, bot: ParleyBot) -> None:
        self.bot = bot

    async def _say(self, session_id: int, text: str) -> None:
        session = await self.bot.sessions.get(session_id)
        assert session is not None
        channel = self.bot.get_partial_messageable(session.channel_id)
        await channel.send(text, allowed_mentions=discord.AllowedMentions.none())

    @commands.Cog.listener()
    async def on_parley_phase_started(self, session_id: int, index: int, kind: str) -> None:
        if kind == "vote":
            info = await self.bot.rounds.current_phase(session_id)
            assert info is not None and info.index == index
            await self._say(session_id, f"Ballot open until {info.deadline:%H:%M}.")

    @commands.Cog.listener()
    async def on_parley_phase_ended(self, session_id: int, index: int, kind: str) -> None:
        if kind == "vote":
            await self._say(session_id, "Ballot closed.")


async def setup(bot: ParleyBot) -> None:
    await bot.add_cog(PhaseProbe(bot))
