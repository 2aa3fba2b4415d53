"""`/parley …`: what Parley is running, command sync, and per-server configuration."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ParleyBot
from bot.errors import UserFacingError
from cogs.common.checks import facilitator_only, guild_only


def format_uptime(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    days, seconds = divmod(seconds, 86_400)
    hours, seconds = divmod(seconds, 3_600)
    minutes, seconds = divmod(seconds, 60)
    parts = [f"{days}d"] if days else []
    if days or hours:
        parts.append(f"{hours}h")
    parts.append(f"{minutes}m" if (days or hours or minutes) else f"{seconds}s")
    return " ".join(parts)


class Meta(commands.GroupCog, group_name="parley", group_description="About Parley and its setup"):
    def __init__(self, bot: ParleyBot) -> None:
        self.bot = bot
        super().__init__()

    config = app_commands.Group(name="config", description="Server settings (facilitators)")

    @app_commands.command(name="about", description="Parley's version, scenarios and health")
    async def about(self, interaction: discord.Interaction[ParleyBot]) -> None:
        bot = self.bot
        embed = discord.Embed(
            title="Parley",
            description="Negotiation and policy-debate classes, run in Discord.",
            colour=discord.Colour.blurple(),
        )
        embed.add_field(name="Version", value=bot.version)
        scenarios = ", ".join(s.title for s in bot.scenarios.values()) or "none loaded"
        embed.add_field(name="Scenarios", value=scenarios[:1024])
        embed.add_field(name="Database", value=bot.database.backend)
        embed.add_field(name="Uptime", value=format_uptime(bot.clock.now() - bot.started_at))
        latency = bot.latency_ms
        embed.add_field(
            name="Gateway latency",
            value="not connected" if latency is None else f"{latency:.0f} ms",
        )
        embed.add_field(name="Message content", value=bot.message_content_probe.status)
        if bot.failed_extensions:
            embed.add_field(
                name="Not loaded (see the log)",
                value=", ".join(sorted(bot.failed_extensions))[:1024],
                inline=False,
            )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="sync", description="Publish Parley's slash commands (facilitators)")
    @app_commands.describe(scope="This server (instant) or every server (owners only; slow)")
    @facilitator_only("sync Parley's commands")
    async def sync(
        self,
        interaction: discord.Interaction[ParleyBot],
        scope: Literal["server", "global"] = "server",
    ) -> None:
        if scope == "global" and interaction.user.id not in self.bot.settings.owner_ids:
            raise UserFacingError("Only the bot's owners (OWNER_IDS) can sync commands globally.")
        await interaction.response.defer(ephemeral=True, thinking=True)
        guild = interaction.guild if scope == "server" else None
        synced = await self.bot.sync_commands(guild)
        where = "this server" if guild else "every server (Discord may take up to an hour)"
        await interaction.followup.send(
            f"Synced {len(synced)} commands to {where}.", ephemeral=True
        )

    @config.command(
        name="facilitator-role", description="Who may run sessions besides Manage Server"
    )
    @app_commands.describe(role="Members with this role are facilitators; leave empty to clear")
    @facilitator_only("change Parley's settings")
    async def facilitator_role(
        self, interaction: discord.Interaction[ParleyBot], role: discord.Role | None = None
    ) -> None:
        assert interaction.guild_id is not None
        await self.bot.guild_config.set_facilitator_role(
            interaction.guild_id, role.id if role else None
        )
        if role is None:
            text = (
                "Facilitator role cleared: members with Manage Server, or a role named "
                f"“{self.bot.settings.facilitator_role}”, are facilitators."
            )
        else:
            text = f"Members with {role.mention} are now facilitators."
        await interaction.response.send_message(text, ephemeral=True)

    @config.command(
        name="private-space", description="Delegations meet in private threads or channels"
    )
    @guild_only()
    @facilitator_only("change Parley's settings")
    async def private_space(
        self, interaction: discord.Interaction[ParleyBot], kind: Literal["thread", "channel"]
    ) -> None:
        assert interaction.guild_id is not None
        await self.bot.guild_config.set_private_space(interaction.guild_id, kind)
        await interaction.response.send_message(
            f"New sessions will give each delegation a private {kind}.", ephemeral=True
        )


async def setup(bot: ParleyBot) -> None:
    await bot.add_cog(Meta(bot))
