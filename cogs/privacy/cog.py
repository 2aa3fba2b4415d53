"""`/privacy` for everyone; the listeners that purge a server's data after Parley left it."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ParleyBot
from bot.services.sessions import actor_label
from cogs.common.checks import guild_only
from cogs.privacy import views as privacy_views

log = logging.getLogger(__name__)


class Privacy(commands.Cog):
    def __init__(self, bot: ParleyBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(*privacy_views.DYNAMIC_ITEMS)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(*privacy_views.DYNAMIC_ITEMS)

    @app_commands.command(
        name="privacy", description="What Parley stores about you here: see, download or erase it"
    )
    @app_commands.guild_only()
    @guild_only()
    async def privacy(self, interaction: discord.Interaction[ParleyBot]) -> None:
        assert interaction.guild_id is not None
        await interaction.response.defer(ephemeral=True, thinking=True)
        overview = await self.bot.privacy.overview(interaction.guild_id, interaction.user.id)
        await interaction.followup.send(
            embed=privacy_views.overview_embed(
                overview, self.bot.settings.retention_days, self._delegation
            ),
            view=privacy_views.overview_view(
                interaction.guild_id, interaction.user.id, empty=overview.empty
            ),
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )

    def _delegation(self, scenario_id: str, actor_id: str | None) -> str:
        scenario = self.bot.scenarios.get(scenario_id)
        if scenario is None or actor_id is None:
            return actor_id or "no delegation"
        return actor_label(scenario, actor_id)

    # --- servers -------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """The daily retention sweep; servers left or re-joined while Parley was offline."""
        try:
            await self.bot.retention.start()
            await self.bot.retention.reconcile([g.id for g in self.bot.guilds])
        except Exception:
            log.exception("Could not schedule retention or reconcile removed servers' purges")

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        due = await self.bot.retention.guild_removed(guild.id)
        log.info("Removed from server %s; its data is purged at %s", guild.id, due.isoformat())

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.bot.retention.guild_joined(guild.id)


async def setup(bot: ParleyBot) -> None:
    await bot.add_cog(Privacy(bot))
